"""A real Word file (built with python-docx) read into blocks, metadata and suggestions."""

import datetime

import pytest

from governance.models import DecisionBody, Role
from importing.docx import convert_docx
from tests.importing.docx_builders import (
    add_comment,
    add_front_table,
    add_header_text,
    add_heading,
    add_image,
    add_link,
    add_list,
    add_table,
    add_tracked_change,
    new_document,
    sample_docx,
    to_bytes,
)

pytestmark = pytest.mark.django_db


SAMPLE = sample_docx()


@pytest.fixture(scope="module")
def sample(django_db_blocker):
    with django_db_blocker.unblock():
        return convert_docx(SAMPLE, "Riktlinje informationssäkerhet.docx")


def convert(document, filename="dokument.docx"):
    return convert_docx(to_bytes(document), filename)


def types(blocks):
    return [block["type"] for block in blocks]


def test_the_title_comes_from_words_title_style_and_leaves_the_body(sample):
    assert sample.title == "Riktlinje för informationssäkerhet"
    assert all("Riktlinje för informationssäkerhet" not in str(b["value"]) for b in sample.blocks)


def test_swedish_heading_styles_become_headings_one_level_below_the_title(sample):
    headings = [b["value"] for b in sample.blocks if b["type"] == "heading"]
    assert headings == [
        {"text": "Syfte", "level": "h2"},
        {"text": "Ansvar", "level": "h2"},
        {"text": "Förvaltningarnas ansvar", "level": "h3"},
        {"text": "Länkar", "level": "h3"},
    ]


def test_english_heading_styles_and_a_first_heading_as_title():
    document = new_document()
    add_heading(document, "Rutin för incidenthantering", 1)
    add_heading(document, "Så rapporterar du", 1)
    add_heading(document, "Inom en timme", 2)
    add_heading(document, "Detaljer", 3)
    document.add_paragraph("Ring servicedesk.")
    conversion = convert(document)
    assert conversion.title == "Rutin för incidenthantering"
    assert [(b["value"]["text"], b["value"]["level"]) for b in conversion.blocks[:3]] == [
        ("Så rapporterar du", "h2"),
        ("Inom en timme", "h3"),
        ("Detaljer", "h4"),
    ]


def test_nested_lists_stay_nested(sample):
    lists = [b["value"] for b in sample.blocks if b["type"] == "paragraph" and "<ul>" in b["value"]]
    text = lists[0]
    assert text.index("Informationsägaren ansvarar för") < text.index("<ul>", 4)
    assert "klassning av information</li>" in text
    assert text.count("<ul>") == 2


def test_numbered_lists_keep_their_numbering():
    document = new_document("Rutin")
    add_list(document, ["Logga in", ("Välj rapport", ["Incident", "Avvikelse"])], numbered=True)
    body = convert(document).blocks[0]["value"]
    assert body.startswith("<ol>") and body.count("<ol>") == 2


def test_a_table_with_merged_cells_becomes_a_simple_list_and_says_so(sample):
    table = next(b["value"] for b in sample.blocks if "Lösenord" in str(b["value"]))
    assert "<b>Område:</b> Lösenord; <b>Krav:</b> Minst 12 tecken; <b>Nivå:</b> K2" in table
    assert "<b>Område:</b> Kryptering" in table
    assert any("Tabell med sammanslagna celler" in line for line in sample.unmapped)


def test_a_table_of_terms_becomes_a_definition_list():
    document = new_document("Riktlinje")
    add_table(
        document, [["Begrepp", "Förklaring"], ["LIS", "Ledningssystem för informationssäkerhet"]]
    )
    conversion = convert(document)
    assert types(conversion.blocks) == ["definitions"]
    item = conversion.blocks[0]["value"]["items"][0]["value"]
    assert item == {"term": "LIS", "definition": "Ledningssystem för informationssäkerhet"}


def test_a_table_of_known_roles_becomes_a_responsibility_table():
    role = Role.objects.order_by("pk").first()
    document = new_document("Riktlinje")
    add_table(document, [["Roll", "Ansvar"], [role.name, "Samordnar arbetet"]])
    conversion = convert(document)
    assert types(conversion.blocks) == ["responsibility_table"]
    row = conversion.blocks[0]["value"]["rows"][0]["value"]
    assert row == {"role": role.pk, "responsibility": "Samordnar arbetet"}


def test_a_role_table_naming_an_unknown_role_stays_text():
    document = new_document("Riktlinje")
    add_table(document, [["Roll", "Ansvar"], ["Trädgårdsmästare", "Vattnar"]])
    conversion = convert(document)
    assert types(conversion.blocks) == ["paragraph"]
    assert any("Trädgårdsmästare" in line for line in conversion.unmapped)


def test_images_keep_their_alt_text_and_one_without_is_named(sample):
    assert [(i.alt, i.content_type) for i in sample.images] == [
        ("Kommunens modell för informationsklassning", "image/png")
    ]
    assert "Bild ”Kommunens modell för informationsklassning”" in sample.mapped
    document = new_document("Rutin")
    add_image(document, "")
    assert "Bild utan alternativtext: skriv en i bildbiblioteket." in convert(document).unmapped


def test_comments_are_dropped_and_noted(sample):
    assert "Kommentarer togs bort (1 kommentar)." in sample.unmapped
    assert "Kan vi formulera om detta?" not in str(sample.blocks)


def test_tracked_changes_use_the_accepted_text(sample):
    text = str(sample.blocks)
    assert "Riktlinjen gäller i två år." in text
    assert "tillsvidare" not in text
    assert any(
        line.startswith("Spårade ändringar: de godkända ändringarna används")
        for line in sample.unmapped
    )


def test_links_to_the_web_are_kept_and_word_bookmarks_are_not(sample):
    assert '<a href="https://www.msb.se/">MSB</a>' in str(sample.blocks)
    document = new_document("Rutin")
    paragraph = document.add_paragraph("Se ")
    add_link(paragraph, "javascript:alert(1)", "här")
    assert "javascript" not in str(convert(document).blocks)


def test_the_front_table_gives_the_metadata_and_leaves_the_body(sample):
    body = DecisionBody.objects.get(code="ks")
    assert sample.metadata == {
        "document_type": "riktlinje",
        "decision_body_id": body.pk,
        "decision_date": datetime.date(2024, 3, 12),
        "diarienummer": "KS-2024-118",
        "protocol_paragraph": 45,
        "responsible_role_id": Role.objects.get(name__iexact="Informationssäkerhetssamordnare").pk,
        "next_review": datetime.date(2026, 3, 31),
    }
    assert "Beslutsdatum" not in str(sample.blocks)
    assert all(item.ok for item in sample.metadata_found)


def test_metadata_in_the_page_header_and_in_label_lines():
    document = new_document("Rutin för loggning")
    add_header_text(document, "Dnr KS 2025/77")
    document.add_paragraph("Beslutad av: Kommundirektör")
    document.add_paragraph("Beslutsdatum: 3 februari 2025")
    document.add_paragraph("Dokumentansvarig: Rut Redaktör")
    add_heading(document, "Syfte", 1)
    from tests.factories import make_user

    owner = make_user("rut", first_name="Rut", last_name="Redaktör")
    conversion = convert(document)
    assert conversion.metadata["diarienummer"] == "KS-2025-77"
    assert (
        conversion.metadata["decision_body_id"]
        == DecisionBody.objects.get(code="kommundirektor").pk
    )
    assert conversion.metadata["decision_date"] == datetime.date(2025, 2, 3)
    assert conversion.metadata["responsible_id"] == owner.pk
    assert types(conversion.blocks) == ["heading"]


def test_values_that_cannot_be_read_are_listed_not_guessed():
    document = new_document("Riktlinje")
    add_front_table(
        document,
        [
            ("Beslutad av", "Trafiknämnden"),
            ("Beslutsdatum", "31 februari 2024"),
            ("Diarienummer", "hej hopp"),
            ("Målgrupp", "Alla anställda"),
        ],
    )
    conversion = convert(document)
    assert conversion.metadata == {}
    shown = {item.label: item.shown for item in conversion.metadata_found}
    assert shown["Beslutad av"].startswith("Inget beslutande organ i Styrdok heter ”Trafiknämnden”")
    assert (
        shown["Beslutsdatum"]
        == "”31 februari 2024” kunde inte läsas som ett datum (skriv ÅÅÅÅ-MM-DD)."
    )
    assert shown["Diarienummer"].startswith("Diarienumret ”HEJ HOPP” har inte kommunens format.")
    assert any("Målgrupp: Alla anställda" in line for line in conversion.unmapped)
    assert len(conversion.warnings) == 3


def test_ska_sentences_are_suggested_never_applied(sample):
    assert [s.text for s in sample.requirement_suggestions] == [
        "Varje förvaltning ska utse en informationsägare för sina system.",
        "Alla medarbetare ska genomgå utbildning vartannat år.",
    ]
    assert "requirement" not in types(sample.blocks)
    purpose = sample.blocks[1]["value"]
    assert "skyddar sin information. Varje förvaltning ska utse" in purpose


def test_an_accepted_suggestion_splits_its_paragraph_around_a_requirement(sample):
    first = sample.requirement_suggestions[0].id
    blocks = sample.blocks_with([first])
    assert types(blocks)[:4] == ["heading", "paragraph", "requirement", "heading"]
    assert "Riktlinjen beskriver hur kommunen skyddar sin information." in blocks[1]["value"]
    assert "Varje förvaltning ska utse" not in blocks[1]["value"]
    assert "Varje förvaltning ska utse en informationsägare" in blocks[2]["value"]["text"]


def test_a_sentence_boundary_inside_bold_text_is_not_split():
    document = new_document("Rutin")
    paragraph = document.add_paragraph("Inledning. ")
    paragraph.add_run("Alla ska läsa. Alla ska förstå.").bold = True
    conversion = convert(document)
    assert len(conversion.requirement_suggestions) == 1
    assert conversion.requirement_suggestions[0].text == "Alla ska läsa. Alla ska förstå."
    assert "Inledning" not in conversion.requirement_suggestions[0].html


def test_the_same_file_converts_to_the_same_ids(sample):
    again = convert_docx(SAMPLE, "Riktlinje informationssäkerhet.docx")
    assert again.suggestion_ids == sample.suggestion_ids
    assert [b["id"] for b in again.blocks] == [b["id"] for b in sample.blocks]


def test_a_document_whose_only_text_was_deleted_is_empty_and_named_after_its_file():
    document = new_document()
    add_tracked_change(document, "", "allt", "")
    conversion = convert(document, "Tomt utkast.docx")
    assert conversion.title == "Tomt utkast"
    assert conversion.blocks == []
    assert conversion.requirement_suggestions == []


def test_a_comment_on_a_sentence_keeps_the_sentence():
    document = new_document("Rutin")
    add_comment(document, "Backup tas varje natt.")
    conversion = convert(document)
    assert "Backup tas varje natt." in conversion.blocks[0]["value"]


def test_a_decision_written_on_one_line_gives_organ_date_and_paragraph():
    document = new_document("Informationssäkerhetspolicy")
    add_front_table(
        document,
        [("Dokumenttyp", "Policy"), ("Fastställd av", "Kommunfullmäktige 2019-04-29, § 53")],
    )
    conversion = convert(document)
    assert conversion.metadata == {
        "document_type": "policy",
        "decision_body_id": DecisionBody.objects.get(code="kf").pk,
        "decision_date": datetime.date(2019, 4, 29),
        "protocol_paragraph": 53,
    }
    shown = {item.label: item.shown for item in conversion.metadata_found}
    assert shown["Fastställd av"] == "Kommunfullmäktige, 2019-04-29, § 53"


def test_a_row_of_its_own_wins_over_a_date_on_the_organs_line():
    document = new_document("Policy")
    add_front_table(
        document,
        [("Beslutad av", "KF 2019-04-29"), ("Beslutsdatum", "2019-05-02 KF § 60")],
    )
    metadata = convert(document).metadata
    assert metadata["decision_date"] == datetime.date(2019, 5, 2)
    assert metadata["protocol_paragraph"] == 60
