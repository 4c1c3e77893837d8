"""Klarspråk (språklagen 11 §): LIX, long sentences and words to avoid, in the editor's panel,
as advice that never stops a save."""

import html

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from policies.models import RiktlinjePage, Styrdokument
from policies.models.plain_language import AvoidWord, DocumentReadability
from policies.plain_language import (
    analyse,
    analyse_text,
    is_long,
    lix_band,
    split_sentences,
    words,
)
from tests.factories import (
    definitions,
    heading,
    make_document,
    make_user,
    paragraph,
    requirement,
)
from tests.governance.workflow_helpers import page_form_data

ANALYSE_URL = "/admin/klarsprak/analys/"
RICH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]
WORDS = [
    ("erhålla", ["erhåller", "erhöll", "erhållit"], "få", ""),
    ("samt", [], "och", "Och räcker nästan alltid."),
    ("i enlighet med", [], "enligt", ""),
]
BUREAUCRATIC = (
    "Det åligger respektive förvaltningschef att tillse att erforderliga "
    "informationssäkerhetsåtgärder vidtas i enlighet med gällande "
    "informationsklassificering samt att dokumentationen avseende behandlingen av "
    "personuppgifter tillhandahålls dataskyddsombudet och informationssäkerhetssamordnaren "
    "skyndsamt och utan dröjsmål efter genomförd riskbedömning i verksamheten."
)


# -- sentences and words -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Systemägaren ansvarar t.ex. för behörigheter. Chefen beslutar.",
            ["Systemägaren ansvarar t.ex. för behörigheter.", "Chefen beslutar."],
        ),
        (
            "Riktlinjen gäller bl.a. Socialförvaltningen. Den gäller också skolan.",
            ["Riktlinjen gäller bl.a. Socialförvaltningen.", "Den gäller också skolan."],
        ),
        (
            "Enligt 5 kap. 3 § OSL gäller sekretess. Uppgifterna lämnas inte ut.",
            ["Enligt 5 kap. 3 § OSL gäller sekretess.", "Uppgifterna lämnas inte ut."],
        ),
        (
            "Beslutet fattas enl. delegationsordningen, dvs. Av chefen. Klart.",
            ["Beslutet fattas enl. delegationsordningen, dvs. Av chefen.", "Klart."],
        ),
        (
            "Se avsnitt 3.2 och dnr KS-2026-10. Beslutet togs 2026-03-01. Nästa steg följer.",
            [
                "Se avsnitt 3.2 och dnr KS-2026-10.",
                "Beslutet togs 2026-03-01.",
                "Nästa steg följer.",
            ],
        ),
        (
            "Rutinen gäller datorer, telefoner m.m. Alla ska följa den.",
            ["Rutinen gäller datorer, telefoner m.m.", "Alla ska följa den."],
        ),
        (
            "Rutinen gäller datorer m.m. som kommunen äger.",
            ["Rutinen gäller datorer m.m. som kommunen äger."],
        ),
        (
            "Anmäl incidenten; vänta inte. Är det bråttom? Ring då!",
            ["Anmäl incidenten;", "vänta inte.", "Är det bråttom?", "Ring då!"],
        ),
        ("Första punkten\nAndra punkten", ["Första punkten", "Andra punkten"]),
        ("Lagen (SFS 2009:400) gäller.", ["Lagen (SFS 2009:400) gäller."]),
        ("", []),
        ("   \n – \n", []),
    ],
)
def test_swedish_sentences(text, expected):
    assert split_sentences(text) == expected


def test_words_keep_swedish_letters_codes_and_numbers_whole():
    assert words("Åtgärda säkerhetsbrister i e-post, KS-2026-10 och 3.2 (SFS 2009:400).") == [
        "Åtgärda",
        "säkerhetsbrister",
        "i",
        "e-post",
        "KS-2026-10",
        "och",
        "3.2",
        "SFS",
        "2009:400",
    ]


@pytest.mark.parametrize(
    "word, long",
    [
        ("ärende", False),  # six letters
        ("åtgärda", True),  # seven, å counted as a letter
        ("informationssäkerhet", True),
        ("e-post", False),
        ("KS-2026-10", False),  # two letters
        ("2009:400", False),
    ],
)
def test_a_long_word_has_more_than_six_letters(word, long):
    assert is_long(word) is long


def test_lix_of_a_known_text():
    # 10 words, 2 sentences, 3 long words (Kommunens, information, tillgänglig):
    # 10 / 2 + 100 * 3 / 10 = 5 + 30 = 35.
    analysis = analyse_text("Kommunens information ska vara tillgänglig. Alla får läsa den nu.")
    assert (analysis.stats.words, analysis.stats.sentences, analysis.stats.long_words) == (
        10,
        2,
        3,
    )
    assert analysis.lix == 35.0
    assert str(analysis.band.label) == "Lättläst"


def test_empty_text_has_no_lix_and_says_so():
    for analysis in (analyse_text(""), analyse(None, ""), analyse_text("  \n ")):
        assert analysis.lix is None
        assert str(analysis.band.label) == "Ingen text"
        assert analysis.longest == []
        assert analysis.hits == []
        assert not analysis.has_warnings


def test_a_one_word_text():
    analysis = analyse_text("Informationssäkerhetspolicy")
    assert analysis.lix == 101.0  # 1 word per sentence + 100 % long words
    assert analysis.stats.sentences == 1
    assert str(analysis.band.label) == "Mycket svår"


@pytest.mark.parametrize(
    "value, label, warning",
    [
        (12, "Mycket lättläst", False),
        (30, "Mycket lättläst", False),
        (30.1, "Lättläst", False),
        (45, "Medelsvår", False),
        (50, "Medelsvår", False),
        (50.1, "Svår", True),
        (60, "Svår", True),
        (61, "Mycket svår", True),
    ],
)
def test_lix_bands(value, label, warning):
    band = lix_band(value)
    assert str(band.label) == label
    assert band.warning is warning
    assert str(band.guidance)


def test_the_longest_sentences_are_listed_and_the_long_ones_flagged():
    short = "Chefen beslutar."
    medium = "Systemägaren ansvarar för att behörigheterna ses över en gång om året."
    analysis = analyse_text(f"{short} {BUREAUCRATIC} {medium} Kort. Alla ska veta det.")
    texts = [sentence.text for sentence in analysis.longest]
    assert texts == [BUREAUCRATIC, medium, "Alla ska veta det."]
    assert analysis.longest[0].words == 35
    assert analysis.longest[0].too_long
    assert not analysis.longest[1].too_long
    assert analysis.long_sentences == 1
    assert analysis.has_warnings


def test_words_to_avoid_are_found_in_their_forms_and_phrases_only_as_whole_words():
    text = (
        "Den sökande erhåller beslutet. Vi Erhöll inget samtal, samt inga brev.\n"
        "Handläggningen sker i  enlighet med rutinen. Samtalet är bokat."
    )
    hits = {hit.word: hit for hit in analyse_text(text, WORDS).hits}
    assert set(hits) == {"erhålla", "samt", "i enlighet med"}
    assert hits["erhålla"].count == 2
    assert hits["erhålla"].forms == ["erhåller", "erhöll"]
    assert hits["erhålla"].suggestion == "få"
    assert hits["samt"].count == 1  # not "samtal" nor "Samtalet"
    assert hits["samt"].comment == "Och räcker nästan alltid."
    assert hits["i enlighet med"].count == 1  # across two spaces


def stream(*items):
    """A body as the page holds it, without a page (and without the database)."""
    return Styrdokument._meta.get_field("body").stream_block.to_python(list(items))


def test_sections_follow_the_headings_and_headings_are_not_counted():
    analysis = analyse(
        stream(
            paragraph("<p>Den gäller alla.</p>"),
            heading("Syfte"),
            paragraph(
                "<p>Vi skyddar information.</p><ul><li>Lås datorn</li><li>Byt lösenord</li></ul>"
            ),
            heading("Ansvar"),
            requirement(f"<p>{BUREAUCRATIC}</p>", reference="K1"),
            definitions([("Incident", "En oönskad händelse som kan skada verksamheten.")]),
        ),
        "Riktlinjen beskriver hur vi skyddar information.",
    )
    sections = [(s.heading, s.stats.words, s.stats.sentences) for s in analysis.sections]
    assert sections == [
        ("Sammanfattning", 6, 1),
        ("Inledning", 3, 1),
        ("Syfte", 7, 3),
        ("Ansvar", 42, 2),
    ]
    assert analysis.stats.words == 58
    assert analysis.stats.sentences == 7
    ansvar = analysis.sections[-1].stats
    assert ansvar.band.warning
    assert not analysis.sections[2].stats.band.warning


def test_rich_text_markup_and_entities_are_read_as_text():
    analysis = analyse(
        stream(paragraph('<p>Läs <a href="https://exempel.se/x.y">rutinen</a> &amp; mejla.</p>'))
    )
    assert analysis.stats.words == 3
    assert analysis.stats.sentences == 1


# -- the stored figures ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_seeded_list_has_common_myndighetsord():
    words_ = dict(AvoidWord.objects.values_list("word", "suggestion"))
    assert len(words_) >= 40
    assert words_["erhålla"] == "få"
    assert words_["tillhandahålla"].startswith("ge")
    assert words_["inneha"] == "ha"
    assert words_["samt"] == "och"
    assert words_["därest"] == "om"


@pytest.mark.django_db
def test_the_list_refuses_duplicates_and_words_without_letters():
    AvoidWord.objects.filter(word="erhålla").delete()
    AvoidWord.objects.create(word="erhålla", suggestion="få")
    duplicate = AvoidWord(word="Erhålla", suggestion="få")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "”Erhålla” finns redan i listan." in error.value.message_dict["word"][0]
    with pytest.raises(ValidationError) as error:
        AvoidWord(word="123", suggestion="x").full_clean()
    assert error.value.message_dict["word"] == ["Ordet måste innehålla bokstäver."]


@pytest.mark.django_db
def test_saving_a_document_stores_the_readability_of_its_saved_text():
    page = make_document(
        RiktlinjePage,
        summary="Kort om riktlinjen.",
        body=[paragraph(f"<p>{BUREAUCRATIC}</p>")],
    )
    stored = DocumentReadability.objects.get(document=page)
    assert stored.words == 38
    assert stored.sentences == 2
    assert stored.lix > 60

    # A draft of the live document does not change the live text's figures.
    draft = page.get_latest_revision_as_object()
    draft.body = [paragraph("<p>Kort text.</p>")]
    draft.save_revision()
    assert DocumentReadability.objects.get(document=page).lix == stored.lix


# -- the panel in the editor -------------------------------------------------------------


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def panel_text(response):
    panel = soup(response).select_one("[data-styrdok-plain-language]")
    assert panel is not None
    return " ".join(panel.get_text(" ").split())


@pytest.mark.django_db
def test_the_redaktor_sees_the_panel_for_the_saved_revision(redaktor_client):
    page = make_document(
        RiktlinjePage,
        publish=False,
        summary="Riktlinjen gäller alla.",
        body=[
            heading("Ansvar"),
            paragraph(f"<p>{BUREAUCRATIC}</p><p>Den sökande erhåller ett beslut.</p>"),
        ],
    )
    response = redaktor_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    text = panel_text(response)
    assert "Klarspråk" in response.content.decode()
    assert "Läsbarhetsindex (LIX):" in text
    assert "(mycket svår)" in text
    assert "Ansvar" in text and "Sammanfattning" in text
    assert "1 mening har fler än 25 ord" in text
    assert "erhålla : skriv hellre få" in text
    assert "tillhandahålla" in text
    assert "hindrar aldrig att du sparar" in text
    # Warnings only: no error styling, and the panel adds no field to the form.
    panel = soup(response).select_one("[data-styrdok-plain-language]")
    assert panel.select(".help-warning")
    assert not panel.select(".error-message, .help-critical, input, textarea, select")
    assert "/static/js/plain_language.js" in response.content.decode()
    assert panel["data-url"] == ANALYSE_URL


@pytest.mark.django_db
def test_the_panel_reads_the_latest_revision_not_the_live_text(redaktor_client):
    page = make_document(RiktlinjePage, body=[paragraph("<p>Vi låser datorn. Vi ringer.</p>")])
    draft = page.get_latest_revision_as_object()
    draft.body = [paragraph(f"<p>{BUREAUCRATIC}</p>")]
    draft.save_revision()

    text = panel_text(redaktor_client.get(f"/admin/pages/{page.pk}/edit/"))

    assert "(mycket svår)" in text
    assert DocumentReadability.objects.get(document=page).lix < 30  # the live text


@pytest.mark.django_db
def test_the_panel_is_a_side_panel_on_every_document_type(admin_client_intranet, register):
    """Beside Wagtail's own checks, with a toggle of its own, when a document of any type is
    written; never in a page that is not a styrdokument."""
    from policies.models import RutinPage

    riktlinje = make_document(RiktlinjePage, publish=False)
    rutin = make_document(RutinPage, parent=riktlinje, publish=False)
    urls = [
        f"/admin/pages/add/policies/policypage/{register.pk}/",
        f"/admin/pages/add/policies/riktlinjepage/{register.pk}/",
        f"/admin/pages/add/policies/rutinpage/{riktlinje.pk}/",
        f"/admin/pages/add/policies/stodanvisningpage/{riktlinje.pk}/",
        f"/admin/pages/{riktlinje.pk}/edit/",
        f"/admin/pages/{rutin.pk}/edit/",
    ]
    for url in urls:
        response = admin_client_intranet.get(url)
        assert response.status_code == 200, url
        page = soup(response)
        side = page.select_one('[data-side-panel="klarsprak"]')
        assert side is not None, url
        assert side.select_one("[data-styrdok-plain-language]") is not None
        assert page.select_one('[data-side-panel-toggle="klarsprak"]') is not None, url
    response = admin_client_intranet.get(f"/admin/pages/add/policies/riktlinjepage/{register.pk}/")
    assert "Läsbarhetsindex (LIX): – (ingen text)" in panel_text(response)
    home = register.get_parent()
    response = admin_client_intranet.get(f"/admin/pages/{home.pk}/edit/")
    assert response.status_code == 200
    assert soup(response).select_one('[data-side-panel="klarsprak"]') is None


def analyse_post(summary, blocks):
    return nested_form_data({"summary": summary, "body": streamfield(blocks)})


@pytest.mark.django_db
def test_the_panel_is_refreshed_from_the_form_as_it_stands(redaktor_client):
    data = analyse_post(
        "Riktlinjen gäller alla.",
        [
            ("heading", {"text": "Syfte", "level": "h2"}),
            ("paragraph", rich_text(f"<p>{BUREAUCRATIC}</p>", features=RICH_FEATURES)),
        ],
    )
    response = redaktor_client.post(ANALYSE_URL, data)
    assert response.status_code == 200
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "(mycket svår)" in text
    assert "Syfte" in text
    assert "samt : skriv hellre och" in html.unescape(text)


@pytest.mark.django_db
def test_unreadable_form_data_gets_a_swedish_message(redaktor_client):
    response = redaktor_client.post(ANALYSE_URL, {"summary": "x", "body-count": "många"})
    assert response.status_code == 400
    assert "Texten kunde inte läsas just nu" in response.content.decode()
    assert redaktor_client.get(ANALYSE_URL).status_code == 405


@pytest.mark.django_db
def test_the_analysis_is_for_admin_users_only(intranet_client):
    response = intranet_client.post(ANALYSE_URL, {"summary": "Hej."})
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_a_hard_text_never_blocks_saving_the_draft(redaktor_client, register):
    page = make_document(RiktlinjePage, publish=False, title="Svår riktlinje", slug="svar")
    data = page_form_data(
        RiktlinjePage,
        "Svår riktlinje",
        "svar",
        None,
        summary=BUREAUCRATIC,
        body=streamfield(
            [("paragraph", rich_text(f"<p>{BUREAUCRATIC}</p>", features=RICH_FEATURES))]
        ),
        decision_body=str(page.decision_body_id or ""),
        publicity="internal",
    )
    response = redaktor_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = Styrdokument.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert BUREAUCRATIC in str(latest.body[0].value)
    assert DocumentReadability.objects.get(document=page).lix > 60


# -- who edits the list ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_samordnare_and_redaktorer_edit_the_list_others_do_not(client):
    samordnare = make_user("samordnare-k", groups=["Informationssäkerhetssamordnare"])
    redaktor = make_user("redaktor-k", groups=["Redaktörer"])
    owner = make_user("agare-k", groups=["Dokumentansvariga"])
    for user in (samordnare, redaktor):
        assert user.has_perm("policies.add_avoidword")
        assert user.has_perm("policies.change_avoidword")
    assert not owner.has_perm("policies.change_avoidword")
    assert Permission.objects.filter(
        group__name="Informationssäkerhetssamordnare", codename="delete_avoidword"
    ).exists()


@pytest.mark.django_db
def test_the_samordnare_adds_a_word_in_the_admin(client):
    from tests.factories import INTRANET_HOST

    samordnare = make_user("samordnare-l", groups=["Informationssäkerhetssamordnare"])
    client.defaults["HTTP_HOST"] = INTRANET_HOST
    client.force_login(samordnare)
    listing = client.get("/admin/snippets/policies/avoidword/")
    assert listing.status_code == 200
    assert "erhålla" in listing.content.decode()
    response = client.post(
        "/admin/snippets/policies/avoidword/add/",
        {"word": "anmoda", "forms": "anmodar, anmodade", "suggestion": "be", "comment": ""},
    )
    assert response.status_code == 302
    assert AvoidWord.objects.get(word="anmoda").form_list() == ["anmodar", "anmodade"]
    refused = client.post(
        "/admin/snippets/policies/avoidword/add/",
        {"word": "ANMODA", "forms": "", "suggestion": "be", "comment": ""},
    )
    assert refused.status_code == 200
    assert "finns redan i listan" in refused.content.decode()
    assert AvoidWord.objects.filter(word__iexact="anmoda").count() == 1

    owner = make_user("agare-l", groups=["Dokumentansvariga"])
    client.force_login(owner)
    assert client.get("/admin/snippets/policies/avoidword/add/").status_code in (302, 403)


@pytest.mark.django_db
def test_the_migration_computes_the_figures_of_documents_saved_before_it():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("policies.migrations.0013_plain_language")
    page = make_document(RiktlinjePage, body=[paragraph(f"<p>{BUREAUCRATIC}</p>")])
    expected = DocumentReadability.objects.get(document=page).lix
    DocumentReadability.objects.all().delete()

    migration.compute_readability(apps, None)

    assert DocumentReadability.objects.get(document=page).lix == expected
