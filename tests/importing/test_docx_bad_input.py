"""Files that cannot be imported get a Swedish message naming the file; nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Page

from importing.docx import ImportFileError, convert_docx
from importing.models import ImportRecord, PendingImport
from tests.importing.docx_builders import (
    broken_xml_docx_bytes,
    corrupt_docx_bytes,
    encrypted_docx_bytes,
    legacy_doc_bytes,
    sample_docx,
    text_file_bytes,
    zip_bomb_docx_bytes,
    zip_without_document_bytes,
)

BAD_FILES = [
    (
        "krypterad.docx",
        encrypted_docx_bytes,
        "”krypterad.docx” är lösenordsskyddad (krypterad).",
    ),
    ("gammal.doc", legacy_doc_bytes, "”gammal.doc” är ett äldre Word-format (.doc)"),
    (
        "omdopt.docx",
        legacy_doc_bytes,
        "”omdopt.docx” är ett äldre Word-format (.doc) med filändelsen .docx",
    ),
    ("trasig.docx", corrupt_docx_bytes, "”trasig.docx” är skadad och kan inte läsas."),
    ("halv.docx", broken_xml_docx_bytes, "”halv.docx” är skadad och kan inte läsas."),
    ("tom.docx", lambda: b"", "”tom.docx” är tom (0 byte)."),
    (
        "anteckning.docx",
        text_file_bytes,
        "”anteckning.docx” är inte ett Word-dokument, trots filändelsen .docx.",
    ),
    (
        "kalkyl.docx",
        zip_without_document_bytes,
        "”kalkyl.docx” är inte ett Word-dokument: den saknar dokumentets text.",
    ),
    (
        "anteckning.txt",
        text_file_bytes,
        "”anteckning.txt” är inte en Word-fil (.docx). Bara .docx-filer kan importeras.",
    ),
    (
        "bomb.docx",
        zip_bomb_docx_bytes,
        "”bomb.docx” ser ut att vara konstruerad för att överbelasta servern (en zip-bomb)",
    ),
]


@pytest.mark.parametrize("filename, make, message", BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_the_converter_names_the_file_and_what_is_wrong(filename, make, message):
    with pytest.raises(ImportFileError) as error:
        convert_docx(make(), filename)
    assert str(error.value).startswith(message)


def test_a_file_over_the_limit_is_refused_before_it_is_read(settings):
    settings.STYRDOK_IMPORT_MAX_MB = 1
    with pytest.raises(ImportFileError) as error:
        convert_docx(b"PK" + bytes(1024 * 1024), "stor.docx")
    assert str(error.value) == "”stor.docx” är större än 1 MB och kan inte importeras."


def test_the_limit_defaults_to_twenty_megabytes():
    from django.conf import settings

    assert settings.STYRDOK_IMPORT_MAX_MB == 20


@pytest.mark.django_db
@pytest.mark.parametrize("filename, make, message", BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_the_upload_form_shows_the_message_and_stores_nothing(
    redaktor_client, register, filename, make, message
):
    pages = Page.objects.count()
    response = redaktor_client.post(
        "/admin/import/word/",
        {"file": SimpleUploadedFile(filename, make() or b""), "parent": register.pk},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PendingImport.objects.count() == 0
    assert ImportRecord.objects.count() == 0
    assert Page.objects.count() == pages


def test_a_docx_that_unpacks_past_the_limits_is_refused_before_it_is_unpacked(settings):
    # Packed no tighter than a zip import allows, but larger unpacked than five import files.
    settings.STYRDOK_IMPORT_ZIP_MAX_RATIO = 10_000
    settings.STYRDOK_IMPORT_MAX_MB = 1
    with pytest.raises(ImportFileError) as error:
        convert_docx(zip_bomb_docx_bytes(padding_mb=6), "stor-uppackad.docx")
    assert str(error.value).startswith(
        "”stor-uppackad.docx” ser ut att vara konstruerad för att överbelasta servern (en "
        "zip-bomb): den packas upp till "
    )


@pytest.mark.django_db
def test_an_upload_over_the_limit_gets_the_swedish_message(settings, redaktor_client, register):
    settings.STYRDOK_IMPORT_MAX_MB = 1
    response = redaktor_client.post(
        "/admin/import/word/",
        {
            "file": SimpleUploadedFile("stor.docx", sample_docx() + bytes(1024 * 1024)),
            "parent": register.pk,
        },
    )
    assert response.status_code == 400
    assert "”stor.docx” är större än 1 MB och kan inte importeras." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("parent", ["abc", "999999"])
def test_missing_file_and_parent_are_named(redaktor_client, parent):
    response = redaktor_client.post("/admin/import/word/", {"parent": parent})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Välj en Word-fil (.docx) att importera." in text
    assert "Sidan finns inte. Välj en annan plats." in text


@pytest.mark.django_db
def test_a_parent_that_cannot_hold_styrdokument_is_refused(redaktor_client):
    home = Page.objects.get(depth=2)
    response = redaktor_client.post(
        "/admin/import/word/",
        {"file": SimpleUploadedFile("a.docx", sample_docx()), "parent": home.pk},
    )
    assert response.status_code == 400
    assert f"Du kan inte importera styrdokument under ”{home.title}”" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_pending_import_is_not_found(redaktor_client):
    response = redaktor_client.get("/admin/import/word/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
