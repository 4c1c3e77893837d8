"""A CSV row with Befintligt adds an earlier decision to a document already in Styrdok: the
decision joins the document's history before its oldest version, with its original file, and
the document itself (its text, its live version, its current decision) does not change."""

import io

import pytest
from django.test import Client
from wagtail.models import Page

from importing.bulk import run_bulk_import
from policies.models import AdoptedVersion, RiktlinjePage
from tests.factories import INTRANET_HOST, make_document, make_user
from tests.importing.bulk_builders import HEADER, csv_bytes, simple_docx, zip_bytes
from tests.importing.bulk_builders import row as new_row

pytestmark = pytest.mark.django_db

TITLE = "Riktlinje för informationssäkerhet"
FILES = {
    "ks-2015.docx": simple_docx(TITLE, "Riktlinjen som den beslutades 2015."),
    "ks-2019.pdf": b"",  # replaced below by a real PDF
}


def row(file, existing, date, document_type="Riktlinje", **values):
    values.setdefault("body", "KS")
    return [*new_row(file, TITLE, document_type, date=date, **values), existing]


def csv(rows):
    return csv_bytes(rows, header=[*HEADER, "befintligt"])


@pytest.fixture
def files():
    from tests.importing.bulk_builders import pdf_bytes

    return {**FILES, "ks-2019.pdf": pdf_bytes(["Riktlinjen som den beslutades 2019."])}


@pytest.fixture
def importer(db):
    return make_user("importor", groups=["Redaktörer"], first_name="Ida")


@pytest.fixture
def document(db):
    return make_document(RiktlinjePage, title=TITLE, slug="informationssakerhet")


def run(files, rows, user, dry_run=False):
    return run_bulk_import(io.BytesIO(zip_bytes(files)), csv(rows), user=user, dry_run=dry_run)


def test_earlier_decisions_join_an_existing_documents_history(document, files, importer):
    current = AdoptedVersion.objects.get(document=document)
    live_revision, pages = document.live_revision_id, Page.objects.count()
    rows = [
        row("ks-2015.docx", TITLE, "2015-03-10", dnr="KS-2015-12", paragraph="31"),
        row("ks-2019.pdf", f"/{document.get_parent().slug}/{document.slug}/", "2019-05-14"),
    ]

    report = run(files, rows, importer)

    assert report.ok, report.lines()
    assert "2 rader: 2 importerades (0 utkast, 2 historiska beslut)" in report.summary()
    versions = {v.version: v for v in AdoptedVersion.objects.filter(document=document)}
    assert set(versions) == {current.version, "0.1", "0.2"}
    older, newer = versions["0.1"], versions["0.2"]
    assert (older.decision_date.isoformat(), older.diarienummer, older.protocol_paragraph) == (
        "2015-03-10",
        "KS-2015-12",
        31,
    )
    assert older.imported and newer.imported
    assert older.superseded_by == newer and newer.superseded_by == current
    # Nothing else moved: no draft, no new revision, the current decision is the same.
    document = RiktlinjePage.objects.get(pk=document.pk)
    assert Page.objects.count() == pages
    assert document.live and document.live_revision_id == live_revision
    assert not document.has_unpublished_changes
    assert AdoptedVersion.objects.get(superseded_at__isnull=True, document=document) == current
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(importer)
    response = client.get(f"/arkiv/{older.pk}/original/")
    assert b"".join(response.streaming_content) == files["ks-2015.docx"]
    assert report.rows[0].page_id == document.pk


def test_a_dry_run_adds_nothing(document, files, importer):
    rows = [row("ks-2015.docx", str(document.pk), "2015-03-10")]

    report = run({"ks-2015.docx": files["ks-2015.docx"]}, rows, importer, dry_run=True)

    assert report.ok and "Provkörning, inget sparades." in report.summary()
    assert AdoptedVersion.objects.filter(document=document).count() == 1


def test_a_decision_newer_than_the_documents_oldest_version_is_refused(document, importer):
    current = AdoptedVersion.objects.get(document=document)
    late = current.decision_date.isoformat()
    rows = [row("sen.docx", TITLE, late)]

    report = run({"sen.docx": simple_docx(TITLE, "Senare.")}, rows, importer)

    assert not report.ok
    (message,) = report.rows[0].messages
    assert f"”{TITLE}” har redan version {current.version} beslutad {late}." in message
    assert "ett nyare beslut fattas i dokumentets arbetsflöde" in message
    assert AdoptedVersion.objects.filter(document=document).count() == 1


@pytest.mark.parametrize(
    "existing, document_type, expected",
    [
        ("Riktlinje som inte finns", "Riktlinje", "Befintligt ”Riktlinje som inte finns”: inget"),
        (TITLE, "Rutin", f"”{TITLE}” i Styrdok är en riktlinje, men raden anger dokumenttyp"),
    ],
)
def test_an_unknown_or_mismatched_existing_document_is_named(
    document, importer, existing, document_type, expected
):
    rows = [row("a.docx", existing, "2015-03-10", document_type=document_type)]

    report = run({"a.docx": simple_docx(TITLE, "Text.")}, rows, importer)

    assert not report.ok
    assert any(expected in message for message in report.rows[0].messages), report.lines()
    assert report.rows[0].messages[0].startswith("Rad 2 (”a.docx”)")
    assert AdoptedVersion.objects.filter(document=document).count() == 1


def test_a_row_needs_organ_and_date_to_be_an_earlier_decision(document, importer):
    rows = [row("a.docx", TITLE, "", body="")]

    report = run({"a.docx": simple_docx(TITLE, "Text.")}, rows, importer)

    messages = " ".join(report.rows[0].messages)
    assert "måste ange vem som beslutade" in messages
    assert "måste ha ett beslutsdatum" in messages


def test_only_someone_who_may_edit_the_document_adds_to_its_history(document, db):
    from django.contrib.auth.models import Permission

    importer = make_user("bara-import")
    importer.user_permissions.add(Permission.objects.get(codename="import_documents"))
    rows = [row("a.docx", TITLE, "2015-03-10")]

    report = run({"a.docx": simple_docx(TITLE, "Text.")}, rows, importer)

    assert not report.ok
    assert f"Du får inte ändra ”{TITLE}”" in report.rows[0].messages[0]
    assert AdoptedVersion.objects.filter(document=document).count() == 1


def test_a_document_restricted_to_others_is_not_found(importer, db):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Säkerhetsskydd")
    hidden = make_document(RiktlinjePage, title=TITLE, publicity="internal", restricted_to=[group])
    rows = [row("a.docx", str(hidden.pk), "2015-03-10")]

    report = run({"a.docx": simple_docx(TITLE, "Text.")}, rows, importer)

    assert f"Befintligt ”{hidden.pk}”: inget styrdokument" in report.rows[0].messages[0]
    member = make_user("skyddsansvarig", superuser=True)
    assert run({"a.docx": simple_docx(TITLE, "Text.")}, rows, member).ok
