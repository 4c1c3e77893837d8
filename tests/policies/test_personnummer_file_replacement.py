"""A file replaced in the documents library is checked like a file linked from a public page.

A public page (an adopted public styrdokument, or any page that is not a styrdokument) checked
its linked files when it was saved or adopted. Replacing the file afterwards in Wagtail's
document editor (/admin/documents/edit/<id>/) would publish the new file at the same address
without a new decision: a new file (or title) with a personnummer is refused with a Swedish
message, and the old file is kept.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model

from policies.models import HomePage, InformationPage, Publicity, RiktlinjePage
from tests.channels.conftest import soup, text_of
from tests.factories import make_document, paragraph

pytestmark = pytest.mark.django_db

NUMBER = "850312-1231"
MASKED = "850312-****"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_file(text="Rutin för ärenden.\n", name="rutin.txt", title="Rutin"):
    return get_document_model().objects.create(
        title=title, file=ContentFile(text.encode(), name=name)
    )


def link(document):
    return f'<a linktype="document" id="{document.pk}">bilagan</a>'


def replace(client, document, text, name="rutin.txt", title=None):
    return client.post(
        f"/admin/documents/edit/{document.pk}/",
        {
            "title": title or document.title,
            "collection": str(document.collection_id),
            "tags": "",
            "file": SimpleUploadedFile(name, text.encode(), content_type="text/plain"),
        },
    )


def error_texts(response):
    return [text_of(node) for node in soup(response).select(".error-message")]


def stored(document):
    document = get_document_model().objects.get(pk=document.pk)
    with document.file.open("rb") as handle:
        return document.file.name, handle.read().decode()


@pytest.fixture
def adopted_file():
    document = make_file()
    make_document(RiktlinjePage, body=[paragraph(f"<p>Se {link(document)}.</p>")])
    return document


def test_a_replacement_with_a_number_is_refused_and_the_old_file_kept(
    admin_client_intranet, adopted_file
):
    before = stored(adopted_file)

    response = replace(admin_client_intranet, adopted_file, f"Anna Andersson {NUMBER}\n")

    assert response.status_code == 200
    (error,) = error_texts(response)
    assert error.startswith("Filen används av sidor som visas på den externa webbplatsen")
    assert f"innehåller ett personnummer ({MASKED})" in error
    assert error.endswith("den tidigare filen och titeln finns kvar.")
    assert NUMBER not in error
    assert stored(adopted_file) == before


@pytest.mark.parametrize(
    "text",
    ["Anna 85 03 12 1231", "Anna 850312-12 31", "Anna 85O3l2-l23l", "Anna ８５０３１２－１２３１"],
)
def test_a_replacement_is_checked_for_every_spelling(admin_client_intranet, adopted_file, text):
    response = replace(admin_client_intranet, adopted_file, text)

    assert response.status_code == 200
    assert "innehåller ett personnummer" in error_texts(response)[0]


def test_a_number_in_the_new_file_name_or_title_is_refused(admin_client_intranet, adopted_file):
    response = replace(admin_client_intranet, adopted_file, "Ren text.\n", name=f"{NUMBER}.txt")
    assert response.status_code == 200
    assert f"filen ”{MASKED}.txt”" in error_texts(response)[0]

    response = admin_client_intranet.post(
        f"/admin/documents/edit/{adopted_file.pk}/",
        {"title": f"Lista {NUMBER}", "collection": str(adopted_file.collection_id), "tags": ""},
    )
    assert response.status_code == 200
    assert "titeln innehåller ett personnummer" in error_texts(response)[0]


def test_a_file_on_an_information_page_is_checked_too(admin_client_intranet):
    document = make_file()
    page = InformationPage(
        title="Om oss", slug="om-oss", body=[paragraph(f"<p>Se {link(document)}.</p>")]
    )
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()

    response = replace(admin_client_intranet, document, f"Anna {NUMBER}\n")

    assert response.status_code == 200
    assert f"innehåller ett personnummer ({MASKED})" in error_texts(response)[0]


def test_a_clean_replacement_is_saved(admin_client_intranet, adopted_file):
    response = replace(
        admin_client_intranet, adopted_file, "Ring 08-123 456 78, dnr KS 2024/123.\n"
    )

    assert response.status_code == 302, error_texts(response)
    assert stored(adopted_file)[1] == "Ring 08-123 456 78, dnr KS 2024/123.\n"


def test_a_file_used_only_by_an_internal_document_may_hold_a_number(admin_client_intranet):
    document = make_file()
    make_document(
        RiktlinjePage,
        publicity=Publicity.INTERNAL,
        body=[paragraph(f"<p>Se {link(document)}.</p>")],
    )

    response = replace(admin_client_intranet, document, f"Anna {NUMBER}\n")

    assert response.status_code == 302, error_texts(response)


def test_a_title_changed_in_the_multiple_upload_is_checked(admin_client_intranet, adopted_file):
    response = admin_client_intranet.post(
        f"/admin/documents/multiple/{adopted_file.pk}/",
        {
            f"doc-{adopted_file.pk}-title": f"Lista {NUMBER}",
            f"doc-{adopted_file.pk}-collection": str(adopted_file.collection_id),
            f"doc-{adopted_file.pk}-tags": "",
        },
    )

    assert response.status_code == 200
    assert response.json()["success"] is False
    assert get_document_model().objects.get(pk=adopted_file.pk).title == "Rutin"


def _stored_upload(user, content, name):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import UploadedFile

    return UploadedFile.objects.create(
        for_content_type=ContentType.objects.get_for_model(get_document_model()),
        file=ContentFile(content, name=name),
        uploaded_by_user=user,
    )


def _create_from_upload(client, upload, title="Bilaga"):
    from wagtail.models import Collection

    prefix = f"uploaded-document-{upload.pk}"
    return client.post(
        f"/admin/documents/multiple/create_from_uploaded_document/{upload.pk}/",
        {
            f"{prefix}-title": title,
            f"{prefix}-collection": str(Collection.get_first_root_node().pk),
            f"{prefix}-tags": "",
        },
    )


def test_a_file_kept_by_the_multiple_upload_gets_the_content_check(
    admin_client_intranet, superuser
):
    """The multiple upload makes a document from a stored upload outside the form: the stored
    file is checked as the single upload checks it, and a refused one leaves no document."""
    documents = get_document_model().objects.count()
    upload = _stored_upload(superuser, b"<html><script>alert(1)</script></html>", "bilaga.pdf")

    response = _create_from_upload(admin_client_intranet, upload)

    assert response.status_code == 200
    assert response.json()["success"] is False
    assert "inte en PDF-fil" in response.json()["form"]
    assert get_document_model().objects.count() == documents

    good = _stored_upload(superuser, b"%PDF-1.4\n%%EOF\n", "bilaga.pdf")
    response = _create_from_upload(admin_client_intranet, good)
    assert response.json()["success"] is True, response.json()
    assert get_document_model().objects.count() == documents + 1


def test_the_multiple_upload_edit_form_does_not_take_a_file(admin_client_intranet, adopted_file):
    """Editing an uploaded document in the multiple upload changes its fields, never its file."""
    before = stored(adopted_file)
    response = admin_client_intranet.post(
        f"/admin/documents/multiple/{adopted_file.pk}/",
        {
            f"doc-{adopted_file.pk}-title": "Rutin",
            f"doc-{adopted_file.pk}-collection": str(adopted_file.collection_id),
            f"doc-{adopted_file.pk}-tags": "",
            f"doc-{adopted_file.pk}-file": SimpleUploadedFile(
                "rutin.txt", f"Anna {NUMBER}\n".encode()
            ),
        },
    )
    assert response.status_code == 200
    assert stored(get_document_model().objects.get(pk=adopted_file.pk)) == before


def packed_docx(megabytes):
    """A DOCX whose body unpacks to `megabytes` MB (a few kilobytes packed)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<r>" + "a" * (megabytes * 1024 * 1024) + "</r>")
    return out.getvalue()


def test_a_replacement_too_large_to_check_is_refused(admin_client_intranet, adopted_file):
    # Before, the oversized part was skipped and the file saved unchecked.
    before = stored(adopted_file)

    response = admin_client_intranet.post(
        f"/admin/documents/edit/{adopted_file.pk}/",
        {
            "title": adopted_file.title,
            "collection": str(adopted_file.collection_id),
            "tags": "",
            "file": SimpleUploadedFile("stor.docx", packed_docx(21)),
        },
    )

    assert response.status_code == 200
    assert error_texts(response) == [
        "Filen kunde inte kontrolleras för personnummer eftersom delen ”word/document.xml” i "
        "filen är för stor uppackad (mer än 20 MB). Spara filen utan stora inbäddade delar "
        "(till exempel som PDF) och försök igen."
    ]
    assert stored(adopted_file) == before


def test_an_uploaded_file_name_loses_its_bidi_override(admin_client_intranet):
    response = admin_client_intranet.post(
        "/admin/documents/add/",
        {
            "title": "Rutin",
            "collection": "1",
            "tags": "",
            "file": SimpleUploadedFile("rutin\u202etxt.exe.txt", b"Ren text.\n"),
        },
    )

    assert response.status_code == 302
    document = get_document_model().objects.get(title="Rutin")
    assert "\u202e" not in document.file.name
    assert document.filename.startswith("rutintxt.exe")


def test_an_upload_title_with_a_bidi_override_is_refused(admin_client_intranet):
    response = admin_client_intranet.post(
        "/admin/documents/add/",
        {
            "title": "Rutin\u202etxt.exe",
            "collection": "1",
            "tags": "",
            "file": SimpleUploadedFile("rutin.txt", b"Ren text.\n"),
        },
    )

    assert response.status_code == 200
    assert error_texts(response) == [
        "Texten innehåller osynliga styrtecken (till exempel U+202E). Ta bort dem och försök igen."
    ]
    assert not get_document_model().objects.filter(title__startswith="Rutin").exists()
