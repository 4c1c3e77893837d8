"""A file is public only while a live public page uses it; uploads are checked by content."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection, PageViewRestriction

from policies.models import HomePage, InformationPage, RiktlinjePage
from policies.uploads import DocumentForm, check_upload
from tests.channels.conftest import file_link, make_file
from tests.factories import make_document, paragraph

pytestmark = pytest.mark.django_db


def information_page(file, slug="om", publish=True):
    page = InformationPage(
        title="Om informationssäkerhet",
        slug=slug,
        body=[paragraph(f"<p>Läs {file_link(file)}.</p>")],
        live=False,
    )
    HomePage.objects.get().add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return InformationPage.objects.get(pk=page.pk)


# -- who may download ------------------------------------------------------------------------


def test_a_file_used_only_by_an_unpublished_information_page_is_not_public(
    public_client, intranet_client
):
    file = make_file("Utkast till broschyr", "Inte publicerad\n", "broschyr-utkast.txt")
    information_page(file, publish=False)

    assert public_client.get(file.url).status_code == 404
    assert intranet_client.get(file.url).status_code == 200


def test_a_file_stops_being_public_when_its_page_is_unpublished(public_client):
    file = make_file("Broschyr", "Broschyr\n", "broschyr.txt")
    page = information_page(file)
    assert public_client.get(file.url).status_code == 200

    page.unpublish()

    assert public_client.get(file.url).status_code == 404


def test_a_file_on_a_page_with_a_view_restriction_is_not_public(public_client):
    file = make_file("Personalhandbok", "Bara för inloggade\n", "handbok.txt")
    page = information_page(file)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    assert public_client.get(file.url).status_code == 404


def test_a_file_added_in_a_draft_of_a_live_information_page_is_not_public(public_client):
    published = make_file("Publicerad", "Publicerad\n", "publicerad.txt")
    page = information_page(published)
    added = make_file("Ny bilaga", "Bara i utkastet\n", "ny-bilaga.txt")
    draft = page.get_latest_revision_as_object()
    draft.body = [paragraph(f"<p>{file_link(published)} och {file_link(added)}</p>")]
    draft.save_revision()

    assert public_client.get(published.url).status_code == 200
    assert public_client.get(added.url).status_code == 404


def test_a_file_of_a_document_made_internal_is_no_longer_public(public_client):
    from tests.factories import adopt_new_version, days_ago

    file = make_file("Bilaga", "Bilaga\n", "bilaga-x.txt")
    page = make_document(RiktlinjePage, body=[paragraph(f"<p>{file_link(file)}</p>")])
    assert public_client.get(file.url).status_code == 200

    adopt_new_version(page, publicity="internal", version="2.0", decision_date=days_ago(1))

    assert public_client.get(file.url).status_code == 404


# -- uploads checked by content ---------------------------------------------------------------

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def office_file(part):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def odt_file(mimetype=b"application/vnd.oasis.opendocument.text"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<x/>")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    "name, content",
    [
        ("rapport.pdf", PDF),
        ("rutin.docx", office_file("word/document.xml")),
        ("lista.xlsx", office_file("xl/workbook.xml")),
        ("text.txt", "Åtgärder för året\n".encode()),
        ("data.csv", "namn;värde\nA;1\n".encode("cp1252")),
        ("brev.rtf", b"{\\rtf1\\ansi Hej}"),
        ("brev.odt", odt_file()),
    ],
)
def test_files_in_their_own_format_are_accepted(name, content):
    check_upload(upload(name, content))


@pytest.mark.parametrize(
    "name, content",
    [
        ("rapport.pdf", HTML),
        ("rapport.PDF", HTML),
        ("rutin.docx", PDF),
        ("rutin.docx", office_file("xl/workbook.xml")),
        ("lista.xlsx", b"PK\x03\x04 not really a zip"),
        ("text.txt", HTML),
        ("data.csv", b"\x00\x01\x02binary"),
        ("bild.svg.pdf", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'),
    ],
)
def test_files_whose_content_does_not_match_are_refused(name, content):
    with pytest.raises(Exception) as refused:
        check_upload(upload(name, content))
    assert "innehållet stämmer inte med filändelsen" in str(refused.value)


def test_an_odt_whose_mimetype_unpacks_to_megabytes_is_refused_unread():
    # A zip bomb: the mimetype, then 50 MB of spaces that pack to some 50 kB.
    bomb = odt_file(b"application/vnd.oasis.opendocument.text" + b" " * (50 * 1024 * 1024))
    assert len(bomb) < 100 * 1024

    with pytest.raises(Exception) as refused:
        check_upload(upload("bomb.odt", bomb))
    assert "Filen ”bomb.odt” är inte ett OpenDocument-dokument (.odt): innehållet stämmer inte" in (
        str(refused.value)
    )


def test_wagtail_uses_the_checking_form():
    from wagtail.documents.forms import get_document_form

    assert issubclass(get_document_form(get_document_model()), DocumentForm)


def test_an_html_file_named_pdf_is_refused_in_the_admin(admin_client_intranet):
    count = get_document_model().objects.count()
    response = admin_client_intranet.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Falsk PDF",
            "file": upload("falsk.pdf", HTML),
            "collection": Collection.get_first_root_node().pk,
        },
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "Filen ”falsk.pdf” är inte en PDF-fil" in text
    assert get_document_model().objects.count() == count


def test_an_html_file_named_pdf_is_refused_by_the_multiple_upload(admin_client_intranet):
    count = get_document_model().objects.count()
    response = admin_client_intranet.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": upload("falsk.pdf", HTML)},
    )

    assert response.status_code == 200
    assert response.json()["success"] is False
    assert get_document_model().objects.count() == count


def test_a_real_pdf_is_uploaded_in_the_admin(admin_client_intranet):
    response = admin_client_intranet.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Riktig PDF",
            "file": upload("riktig.pdf", PDF),
            "collection": Collection.get_first_root_node().pk,
        },
    )

    assert response.status_code == 302
    assert get_document_model().objects.filter(title="Riktig PDF").exists()
