"""One Word file becomes a draft, through the service and through the admin as the editor sees
it."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, PageLogEntry

from governance.models import DecisionBody
from importing.docx import convert_docx, create_draft
from importing.models import ImportRecord, PendingImport
from policies.models import RiktlinjePage, RutinPage
from tests.factories import INTRANET_HOST, make_document, make_user
from tests.importing.docx_builders import (
    add_front_table,
    add_heading,
    new_document,
    sample_docx,
    to_bytes,
)

pytestmark = pytest.mark.django_db

SAMPLE = sample_docx()
FILENAME = "Riktlinje informationssäkerhet.docx"
PERSONNUMMER = "19811218-9876"


@pytest.fixture(scope="module")
def conversion(django_db_blocker):
    with django_db_blocker.unblock():
        return convert_docx(SAMPLE, FILENAME)


def rutin_docx(body_name="Kommundirektör", text="Rutinen beskriver hur incidenter rapporteras."):
    document = new_document("Rutin för incidentrapportering")
    add_front_table(document, [("Dokumenttyp", "Rutin"), ("Beslutad av", body_name)])
    add_heading(document, "Så gör du", 1)
    document.add_paragraph(text)
    return to_bytes(document)


# -- the service ----------------------------------------------------------------------------


def test_the_draft_is_an_unpublished_riktlinje_with_the_files_metadata(
    conversion, register, redaktor
):
    page = create_draft(register, conversion, redaktor)
    page = RiktlinjePage.objects.get(pk=page.pk)
    assert page.get_parent().pk == register.pk
    assert (page.title, page.live, page.has_unpublished_changes) == (
        "Riktlinje för informationssäkerhet",
        False,
        True,
    )
    assert page.slug == "riktlinje-for-informationssakerhet"
    assert page.document_type == "riktlinje"
    assert page.decision_body == DecisionBody.objects.get(code="ks")
    assert page.diarienummer == "KS-2024-118"
    assert page.next_review.isoformat() == "2026-03-31"
    assert page.responsible_role.name == "Informationssäkerhetssamordnare"
    # The decision itself is recorded by a decision step, never typed onto a draft.
    assert page.decision_date is None and page.protocol_paragraph is None
    assert page.publicity == "internal"
    assert page.revisions.count() == 1
    assert page.latest_revision.user == redaktor
    headings = [block.value["text"] for block in page.body if block.block_type == "heading"]
    assert headings == ["Syfte", "Ansvar", "Förvaltningarnas ansvar", "Länkar"]


def test_the_import_is_recorded_and_logged_with_the_file_name(conversion, register, redaktor):
    page = create_draft(register, conversion, redaktor)
    record = ImportRecord.objects.get(page=page)
    assert (record.filename, record.user, record.kind, record.sha256) == (
        FILENAME,
        redaktor,
        "single",
        conversion.sha256,
    )
    assert record.metadata["diarienummer"] == "KS-2024-118"
    assert "Kommentarer togs bort (1 kommentar)." in record.report["unmapped"]
    actions = list(
        PageLogEntry.objects.filter(page=page).order_by("pk").values_list("action", "data")
    )
    assert [action for action, _data in actions] == ["wagtail.create", "styrdok.import"]
    assert actions[1][1]["filename"] == FILENAME


def test_only_accepted_suggestions_become_requirements(conversion, register, redaktor):
    second = conversion.requirement_suggestions[1]
    page = create_draft(register, conversion, redaktor, accepted_requirements=[second.id])
    requirements = [block.value for block in page.body if block.block_type == "requirement"]
    assert len(requirements) == 1
    assert "Alla medarbetare ska genomgå utbildning vartannat år." in str(requirements[0]["text"])
    assert "Varje förvaltning ska utse" in str(page.body)


def test_images_go_into_a_collection_of_their_own_with_their_alt_text(
    conversion, register, redaktor
):
    page = create_draft(register, conversion, redaktor)
    image = get_image_model().objects.get(collection__name=page.title)
    assert image.description == "Kommunens modell för informationsklassning"
    assert image.collection.get_parent().name == "Import"
    assert image.uploaded_by_user == redaktor
    assert ImportRecord.objects.get(page=page).collection == image.collection


def test_the_same_file_twice_gets_a_second_address(conversion, register, redaktor):
    first = create_draft(register, conversion, redaktor)
    second = create_draft(register, conversion, redaktor)
    assert (first.slug, second.slug) == (
        "riktlinje-for-informationssakerhet",
        "riktlinje-for-informationssakerhet-2",
    )


def test_a_rutin_cannot_be_placed_directly_under_the_register(register, redaktor):
    pages = Page.objects.count()
    with pytest.raises(ValidationError) as error:
        create_draft(register, convert_docx(rutin_docx(), "rutin.docx"), redaktor)
    assert error.value.messages == [
        "Filen är en rutin, och en rutin kan inte ligga under ”Styrdokument”. Välj en annan "
        "plats i trädet."
    ]
    assert Page.objects.count() == pages


def test_a_rutin_goes_under_a_riktlinje_and_an_organ_that_may_not_decide_it_is_left_out(
    register, redaktor
):
    riktlinje = make_document(RiktlinjePage, publish=False)
    conversion = convert_docx(rutin_docx("Kommunfullmäktige"), "rutin.docx")
    page = create_draft(riktlinje, conversion, redaktor)
    assert isinstance(page, RutinPage)
    assert page.document_type == "rutin"
    assert page.decision_body is None


def test_without_the_permission_nothing_is_imported(conversion, register):
    decider = make_user("beslutsfattare", groups=["Beslutsfattare"])
    assert not decider.has_perm("importing.import_documents")
    with pytest.raises(PermissionDenied):
        create_draft(register, conversion, decider)
    assert not ImportRecord.objects.exists()


def test_editors_and_coordinators_hold_the_permission(redaktor):
    coordinator = make_user("samordnare", groups=["Informationssäkerhetssamordnare"])
    assert redaktor.has_perm("importing.import_documents")
    assert coordinator.has_perm("importing.import_documents")


def test_the_personnummer_guard_refuses_a_public_draft_and_nothing_is_created(register, redaktor):
    text = f"Kontakta Anna ({PERSONNUMMER}) vid frågor."
    conversion = convert_docx(rutin_docx(text=text).replace(b"Rutin", b"Rutin"), "pnr.docx")
    riktlinje = make_document(RiktlinjePage, publish=False, publicity="public")
    pages = Page.objects.count()
    with pytest.raises(ValidationError) as error:
        create_draft(riktlinje, conversion, redaktor, overrides={"publicity": "public"})
    message = " ".join(error.value.messages)
    assert "personnummer (19811218-****)" in message
    assert PERSONNUMMER not in message
    assert Page.objects.count() == pages
    assert not ImportRecord.objects.exists()


# -- the admin ------------------------------------------------------------------------------


def upload(client, parent, data=SAMPLE, filename=FILENAME):
    return client.post(
        "/admin/import/word/", {"file": SimpleUploadedFile(filename, data), "parent": parent.pk}
    )


def test_upload_preview_and_create_as_the_editor_sees_it(redaktor_client, register):
    response = upload(redaktor_client, register)
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = redaktor_client.get(preview_url)
    html = preview.content.decode()
    assert preview.status_code == 200
    for text in (
        "blir ett utkast av typen <strong>riktlinje</strong> under <strong>Styrdokument</strong>",
        "<td>Diarienummer</td><td>KS 2024/118</td><td>KS-2024-118</td>",
        "<td>Beslutad av</td><td>Kommunstyrelsen</td><td>Kommunstyrelsen</td>",
        "Beslutet (beslutsdatum 2024-03-12, § 45) skrivs inte in i utkastet",
        "Varje förvaltning ska utse en informationsägare för sina system.",
        "Kommentarer togs bort (1 kommentar).",
        "Tabell med sammanslagna celler",
        "Bild ”Kommunens modell för informationsklassning”",
        "Förvaltningarnas ansvar",
        '<a href="https://www.msb.se/">MSB</a>',
    ):
        assert text in html, text
    assert not Page.objects.filter(title="Riktlinje för informationssäkerhet").exists()

    ids = re.findall(r'name="krav" value="([^"]+)"', html)
    response = redaktor_client.post(preview_url, {"krav": ids[:1], "title": "Riktlinje för IT"})
    page = RiktlinjePage.objects.get(title="Riktlinje för IT")
    assert response["Location"] == f"/admin/pages/{page.pk}/edit/"
    editor = redaktor_client.get(response["Location"]).content.decode()
    assert (
        "Utkastet ”Riktlinje för IT” skapades från ”Riktlinje informationssäkerhet.docx”." in editor
    )
    assert [b.block_type for b in page.body].count("requirement") == 1
    assert not PendingImport.objects.exists()
    history = redaktor_client.get(f"/admin/pages/{page.pk}/history/").content.decode()
    assert "Importerad från ”Riktlinje informationssäkerhet.docx”" in history


def test_the_preview_warns_of_a_personnummer_and_refuses_nothing_silently(
    redaktor_client, register
):
    riktlinje = make_document(RiktlinjePage, publish=False)
    data = rutin_docx(text=f"Kontakta Anna ({PERSONNUMMER}) vid frågor.")
    preview_url = upload(redaktor_client, riktlinje, data, "pnr.docx")["Location"]
    html = redaktor_client.get(preview_url).content.decode()
    assert "Texten innehåller ett personnummer (19811218-****)." in html
    assert PERSONNUMMER not in html.split("Så blir texten")[0]


def test_a_forged_suggestion_id_is_ignored(redaktor_client, register):
    preview_url = upload(redaktor_client, register)["Location"]
    response = redaktor_client.post(preview_url, {"krav": ["inte-ett-krav"]})
    assert response.status_code == 302
    page = RiktlinjePage.objects.get(title="Riktlinje för informationssäkerhet")
    assert "requirement" not in [block.block_type for block in page.body]


def test_someone_elses_upload_does_not_exist_for_you(redaktor_client, register, client):
    preview_url = upload(redaktor_client, register)["Location"]
    other = make_user("annan", groups=["Redaktörer"])
    client.force_login(other)
    assert client.get(preview_url, HTTP_HOST=INTRANET_HOST).status_code == 404
    assert PendingImport.objects.count() == 1


def test_cancelling_removes_the_upload_and_creates_nothing(redaktor_client, register):
    pages = Page.objects.count()
    preview_url = upload(redaktor_client, register)["Location"]
    response = redaktor_client.post(preview_url, {"cancel": "1"})
    assert response["Location"] == "/admin/import/word/"
    assert not PendingImport.objects.exists()
    assert Page.objects.count() == pages


def test_the_menu_and_the_button_are_there_for_importers_only(redaktor_client, register, client):
    explorer = redaktor_client.get(f"/admin/pages/{register.pk}/").content.decode()
    assert "Importera från Word" in explorer
    assert "Importera Word-fil" in explorer
    assert f"/admin/import/word/?parent={register.pk}" in explorer
    form = redaktor_client.get(f"/admin/import/word/?parent={register.pk}").content.decode()
    assert 'name="parent"' in form and f'value="{register.pk}"' in form

    decider = make_user("beslutsfattare", groups=["Beslutsfattare"])
    client.force_login(decider)
    explorer = client.get(f"/admin/pages/{register.pk}/", HTTP_HOST=INTRANET_HOST)
    assert "Importera från Word" not in explorer.content.decode()
    denied = client.get("/admin/import/word/", HTTP_HOST=INTRANET_HOST)
    assert denied.status_code in (302, 403)
    assert not Collection.objects.filter(name="Import").exists()


def test_the_draft_reads_as_the_word_file_in_wagtails_draft_view(
    conversion, register, redaktor, redaktor_client
):
    accepted = [conversion.requirement_suggestions[0].id]
    page = create_draft(register, conversion, redaktor, accepted_requirements=accepted)
    response = redaktor_client.get(f"/admin/pages/{page.pk}/view_draft/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Riktlinje för informationssäkerhet",
        "Förvaltningarnas ansvar",
        "klassning av information",
        "Varje förvaltning ska utse en informationsägare för sina system.",
        "Riktlinjen gäller i två år.",
        '<a href="https://www.msb.se/">MSB</a>',
    ):
        assert text in html, text
    assert "tillsvidare" not in html
    assert "Kan vi formulera om detta?" not in html


def test_a_parent_restricted_to_others_does_not_exist_for_the_upload(redaktor_client):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Säkerhetsskydd")
    hidden = make_document(
        RiktlinjePage, publish=False, publicity="internal", restricted_to=[group]
    )
    form = redaktor_client.get(f"/admin/import/word/?parent={hidden.pk}").content.decode()
    assert hidden.title not in form
    response = upload(redaktor_client, hidden, rutin_docx(), "rutin.docx")
    assert response.status_code == 400
    assert "Sidan finns inte. Välj en annan plats." in response.content.decode()
    assert hidden.title not in response.content.decode()  # the form shown again names nothing
    assert not PendingImport.objects.exists()


def test_the_list_of_imports_names_file_draft_and_importer_but_no_hidden_document(
    conversion, register, redaktor, redaktor_client
):
    from django.contrib.auth.models import Group

    page = create_draft(register, conversion, redaktor)
    group = Group.objects.create(name="Säkerhetsskydd")
    hidden = make_document(
        RiktlinjePage, publish=False, publicity="internal", restricted_to=[group]
    )
    secret = convert_docx(rutin_docx(), "hemlig-rutin.docx")
    coordinator = make_user("samordnare", groups=["Informationssäkerhetssamordnare", group.name])
    draft = create_draft(hidden, secret, coordinator, overrides={"title": "Hemlig rutin"})
    # Under a restricted document the draft is restricted to the same groups.
    assert list(RutinPage.objects.get(pk=draft.pk).restricted_to.all()) == [group]

    html = redaktor_client.get("/admin/import/importerade/").content.decode()
    assert FILENAME in html
    assert f'href="/admin/pages/{page.pk}/edit/">{page.title}</a>' in html
    assert "Rut Redaktör" in html and "En Word-fil" in html
    assert "hemlig-rutin.docx" not in html and "Hemlig rutin" not in html


def test_the_list_of_imports_needs_its_permission(client):
    decider = make_user("beslutsfattare", groups=["Beslutsfattare"])
    client.force_login(decider)
    response = client.get("/admin/import/importerade/", HTTP_HOST=INTRANET_HOST)
    assert response.status_code in (302, 403)


def test_a_stored_upload_that_is_no_word_file_is_refused_not_a_server_error(
    redaktor, redaktor_client, register
):
    pending = PendingImport.objects.create(
        user=redaktor, parent=register, filename="arkiv.zip", data=b"PK\x03\x04"
    )
    response = redaktor_client.get(f"/admin/import/word/{pending.pk}/", follow=True)
    assert "”arkiv.zip” är inte en Word-fil (.docx)." in response.content.decode()


def test_an_upload_left_for_more_than_a_day_is_removed(redaktor, redaktor_client, register):
    import datetime

    from django.utils import timezone

    old = PendingImport.objects.create(
        user=redaktor,
        parent=register,
        filename="glomd.docx",
        data=SAMPLE,
        created_at=timezone.now() - datetime.timedelta(hours=25),
    )
    upload(redaktor_client, register)
    assert not PendingImport.objects.filter(pk=old.pk).exists()
    assert PendingImport.objects.count() == 1


def test_invisible_characters_in_the_word_text_are_removed_from_the_body(register, redaktor):
    document = new_document("Riktlinje för lösenord")
    add_front_table(document, [("Dokumenttyp", "Riktlinje")])
    add_heading(document, "Syfte\u200b", 1)
    document.add_paragraph("Riktlinjen\u200b beskriver hur\u200e lösenord väljs.")
    page = create_draft(register, convert_docx(to_bytes(document), "riktlinje.docx"), redaktor)

    page = RiktlinjePage.objects.get(pk=page.pk)
    texts = [block.value.source for block in page.body if block.block_type == "paragraph"]
    assert any("Riktlinjen beskriver hur lösenord väljs." in text for text in texts), texts
    headings = [block.value["text"] for block in page.body if block.block_type == "heading"]
    assert headings == ["Syfte"]
