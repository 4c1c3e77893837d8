"""Bulk import through the service: a zip of real Word and PDF files and a CSV as Excel saves it
become drafts and imported earlier decisions; every row is reported, none is half-made."""

import datetime
import io
import json
import os

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry

from importing.bulk import run_bulk_import
from importing.csv_rows import parse_csv, parse_date
from importing.models import ImportRecord
from policies.decisions import register_existing_decision
from policies.models import AdoptedVersion, PolicyPage, RiktlinjePage, RutinPage, Styrdokument
from tests.factories import get_body, make_document, make_user
from tests.importing.bulk_builders import csv_bytes, pdf_bytes, row, simple_docx, zip_bytes
from tests.importing.docx_builders import (
    corrupt_docx_bytes,
    encrypted_docx_bytes,
    legacy_doc_bytes,
    sample_docx,
    text_file_bytes,
)
from tests.shared import build_once

RIKTLINJE = "Riktlinje för informationssäkerhet"
RUTIN = "Rutin för incidentrapportering"


def build_world():
    return {
        "importer": make_user(
            "importor", groups=["Redaktörer"], first_name="Ida", last_name="Importör"
        ),
        "owner": make_user(
            "agare", groups=["Dokumentansvariga"], first_name="Johan", last_name="Ekström"
        ),
        "outsider": make_user("utan-behorighet", first_name="Olle", last_name="Utan"),
        "policy": make_document(
            PolicyPage, title="Informationssäkerhetspolicy", slug="informationssakerhetspolicy"
        ),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


def demo_files():
    return {
        "riktlinje.docx": sample_docx(RIKTLINJE),
        "arkiv/riktlinje-2019.docx": simple_docx(RIKTLINJE, "Den gamla riktlinjen från 2019."),
        "rutin.pdf": pdf_bytes(
            ["Så här rapporterar du en incident.", "Ring IT-servicedesk på 1234."],
            title="Incidentrutin",
        ),
    }


def demo_rows():
    return [
        row(
            "riktlinje.docx",
            RIKTLINJE,
            parent="Informationssäkerhetspolicy",
            body="Kommunstyrelsen",
            dnr="KS 2024/118",
            owner="agare",
            review="2027-03-31",
            publicity="Offentlig",
        ),
        row(
            "arkiv/riktlinje-2019.docx",
            RIKTLINJE,
            parent="Informationssäkerhetspolicy",
            body="KS",
            date="14 maj 2019",
            dnr="KS-2019-44",
            paragraph="§ 45",
            publicity="Offentlig",
            historical="Ja",
        ),
        row(
            "rutin.pdf",
            RUTIN,
            "Rutin",
            parent=RIKTLINJE,
            body="Kommundirektör",
            owner="Johan Ekström",
        ),
    ]


def body_text(page):
    return json.dumps(list(page.body.raw_data), ensure_ascii=False)


def run(w, files=None, rows=None, **kwargs):
    kwargs.setdefault("user", w["importer"])
    return run_bulk_import(
        io.BytesIO(zip_bytes(demo_files() if files is None else files)),
        csv_bytes(demo_rows() if rows is None else rows),
        **kwargs,
    )


def test_a_zip_and_its_csv_become_drafts_and_an_earlier_decision(w):
    files = demo_files()
    report = run(w, files)

    assert report.ok, report.lines()
    riktlinje = RiktlinjePage.objects.get(title=RIKTLINJE)
    assert riktlinje.get_parent().pk == w["policy"].pk
    assert not riktlinje.live and riktlinje.responsible == w["owner"]
    assert riktlinje.diarienummer == "KS-2024-118"
    assert riktlinje.decision_date is None and riktlinje.version == "2.0"
    version = AdoptedVersion.objects.get(document=riktlinje)
    assert version.imported and version.version == "1.0"
    assert version.decision_date == datetime.date(2019, 5, 14)
    assert version.protocol_paragraph == 45 and version.decision_body_name == "Kommunstyrelsen"
    assert version.original_filename == "riktlinje-2019.docx"
    assert version.original_file.read() == files["arkiv/riktlinje-2019.docx"]
    rutin = RutinPage.objects.get(title=RUTIN)
    assert rutin.get_parent().pk == riktlinje.pk
    text = body_text(rutin)
    assert "Innehållet finns i originalfilen" in text and "Ring IT-servicedesk" in text
    assert not Styrdokument.objects.filter(title__in=[RIKTLINJE, RUTIN], live=True).exists()


def test_nothing_is_published_and_the_earlier_decision_is_not_in_force(w, public_client):
    report = run(w)

    assert report.ok, report.lines()
    riktlinje = RiktlinjePage.objects.get(title=RIKTLINJE)
    version = riktlinje.adopted_versions.get()
    assert version.status_label == "Importerat beslut"
    assert not Styrdokument.objects.for_channel("public").filter(pk=riktlinje.pk).exists()
    assert not Styrdokument.objects.for_channel("intranet").filter(pk=riktlinje.pk).exists()
    feed = public_client.get("/feed/")
    assert RIKTLINJE not in feed.content.decode()
    # The kommun then adopts the draft through its workflow (here: registered afterwards).
    riktlinje.next_review = None
    register_existing_decision(
        riktlinje,
        body=get_body("ks"),
        decision_date=datetime.date(2025, 2, 3),
        diarienummer="KS-2024-118",
        paragraph=12,
    )
    version.refresh_from_db()
    assert version.status_label == "Ersatt av version 2.0"
    assert riktlinje.adopted_versions.filter(imported=False).get().status_label == "Gällande"


def test_earlier_decisions_of_one_document_are_chained_oldest_to_newest(w):
    files = {
        "2016.docx": simple_docx(RIKTLINJE, "Första versionen."),
        "2019.pdf": pdf_bytes(["Andra versionen."]),
        "2023.docx": simple_docx(RIKTLINJE, "Tredje versionen."),
    }
    rows = [
        row("2019.pdf", RIKTLINJE, body="KS", date="2019-05-14", dnr="KS 2019/44"),
        row("2023.docx", RIKTLINJE, body="Kommunstyrelsen", date="2023-01-30", historical="ja"),
        row("2016.docx", RIKTLINJE, body="ks", date="2016/03/01", historical="ja"),
    ]

    report = run(w, files, rows)

    assert report.ok, report.lines()
    page = RiktlinjePage.objects.get(title=RIKTLINJE)
    # All rows are earlier decisions: the draft is made from the newest (2023) file.
    assert "Tredje versionen." in body_text(page)
    assert page.version == "4.0"
    versions = {v.version: v for v in AdoptedVersion.objects.filter(document=page)}
    assert set(versions) == {"1.0", "2.0", "3.0"}
    assert versions["1.0"].decision_date == datetime.date(2016, 3, 1)
    assert versions["1.0"].superseded_by == versions["2.0"]
    assert versions["2.0"].superseded_by == versions["3.0"]
    assert versions["3.0"].superseded_by is None
    assert versions["3.0"].status_label == "Importerat beslut"
    assert versions["2.0"].status_label == "Ersatt av version 3.0"
    assert "Det beslutade dokumentet är originalfilen" in json.dumps(
        versions["2.0"].content, ensure_ascii=False
    )
    assert versions["1.0"].as_page().title == RIKTLINJE
    entries = PageLogEntry.objects.filter(page=page, action="styrdok.import_decision")
    assert entries.count() == 3


def test_a_dry_run_reports_every_row_and_writes_nothing(w, archive_root):
    counts = (
        Styrdokument.objects.count(),
        AdoptedVersion.objects.count(),
        get_image_model().objects.count(),
        get_document_model().objects.count(),
        ImportRecord.objects.count(),
    )

    report = run(w, dry_run=True)

    assert report.ok, report.lines()
    assert report.summary().startswith("Provkörning, inget sparades. 3 rader: 3 kan importeras")
    assert counts == (
        Styrdokument.objects.count(),
        AdoptedVersion.objects.count(),
        get_image_model().objects.count(),
        get_document_model().objects.count(),
        ImportRecord.objects.count(),
    )
    assert not any(path.is_file() for path in archive_root.rglob("*"))


def test_the_report_names_the_row_and_file_of_each_bad_value(w):
    files = {f"{n}.docx": simple_docx(f"Dokument {n}") for n in range(2, 11)}
    rows = [
        row("2.docx", "Dokument 2", body="KS", date="2023-02-30", historical="ja"),
        row("3.docx", "Dokument 3", body="KS", date="igår", historical="ja"),
        row("4.docx", "Dokument 4", dnr="hej"),
        row("5.docx", "Dokument 5", body="Nämnden"),
        row("6.docx", "Dokument 6", owner="Nils Nilsson"),
        row("7.docx", "Dokument 7", "Handbok"),
        row("8.docx", "Dokument 8", parent="Policy som inte finns"),
        row("saknas.docx", "Dokument 9"),
        row("10.docx", "Dokument 10", "Rutin"),
        row("9.docx", "Dokument 11", "Rutin", parent="Dokument 8"),
    ]

    report = run(w, files, rows)

    assert not report.errors
    messages = {r.number: " ".join(r.messages) for r in report.rows}
    assert (
        "Rad 2 (”2.docx”): Beslutsdatum ”2023-02-30” finns inte: februari 2023 har 28 dagar."
        in messages[2]
    )
    assert (
        "Rad 3 (”3.docx”): Beslutsdatum ”igår” är inte ett datum. Skriv datumet som ÅÅÅÅ-MM-DD"
        in messages[3]
    )
    assert "Rad 4 (”4.docx”): Diarienumret ”HEJ” har inte kommunens format." in messages[4]
    assert "Rad 5 (”5.docx”): Okänt beslutande organ ”Nämnden”." in messages[5]
    assert "Rad 6 (”6.docx”): Okänd dokumentansvarig ”Nils Nilsson”" in messages[6]
    assert "Rad 7 (”7.docx”): Okänd dokumenttyp ”Handbok”." in messages[7]
    assert "Rad 8 (”8.docx”): Okänd förälder ”Policy som inte finns”" in messages[8]
    assert (
        "Rad 9 (”saknas.docx”): Filen ”saknas.docx” finns inte i zip-filen ”import.zip”."
        in messages[9]
    )
    assert "Rad 10 (”10.docx”): En rutin kan inte ligga under ”Styrdokument”" in messages[10]
    assert "Föräldern ”Dokument 8” (rad 8) importerades inte" in messages[11]
    assert not report.imported_rows
    assert not Styrdokument.objects.filter(title__startswith="Dokument ").exists()


def test_unknown_and_missing_columns_stop_the_whole_run(w):
    header = ["fil", "titel", "kategori", "beslutad av"]
    report = run_bulk_import(
        io.BytesIO(zip_bytes({"a.docx": simple_docx("A")})),
        csv_bytes([["a.docx", "A", "x", "KS"]], header=header),
        user=w["importer"],
        csv_name="metadata.csv",
    )

    assert report.rows == []
    text = " ".join(report.errors)
    assert "Rubrikraden i ”metadata.csv”: Okänd kolumn ”kategori”." in text
    assert "Kolumnen ”dokumenttyp” saknas; den måste finnas." in text
    assert report.summary() == "Inget importerades: 1 fel i filerna."


def test_a_file_in_the_zip_that_no_row_names_stops_the_run(w):
    files = {"a.docx": simple_docx("A"), "extra/b.pdf": pdf_bytes(["B"]), ".DS_Store": b"x"}
    report = run(w, files, [row("a.docx", "A")])

    assert report.errors == [
        "Filen ”extra/b.pdf” i zip-filen nämns inte på någon rad i ”metadata.csv”. Lägg till en "
        "rad för den eller ta bort den ur zip-filen."
    ]
    assert not Styrdokument.objects.filter(title="A").exists()


def test_excel_csv_in_windows_1252_with_commas_and_swedish_dates(w):
    files = {"Översikt.docx": simple_docx("Översikt")}
    rows = [
        row(
            "översikt.docx",
            "Riktlinje för översikt",
            body="KS",
            date="12 mars 2024",
            historical="x",
        ),
    ]

    report = run_bulk_import(
        io.BytesIO(zip_bytes(files)),
        csv_bytes(rows, delimiter=",", encoding="cp1252"),
        user=w["importer"],
    )

    assert report.ok, report.lines()
    version = AdoptedVersion.objects.get(title="Riktlinje för översikt")
    assert version.decision_date == datetime.date(2024, 3, 12)
    assert version.original_filename == "Översikt.docx"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-12", datetime.date(2024, 3, 12)),
        ("2024/3/12", datetime.date(2024, 3, 12)),
        ("20240312", datetime.date(2024, 3, 12)),
        ("12.3.2024", datetime.date(2024, 3, 12)),
        ("12/3 2024", datetime.date(2024, 3, 12)),
        ("12 mars 2024", datetime.date(2024, 3, 12)),
        ("12 sep. 2024", datetime.date(2024, 9, 12)),
        ("2024-03-12 00:00:00", datetime.date(2024, 3, 12)),
    ],
)
def test_swedish_date_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-02-30", "finns inte: februari 2024 har 29 dagar."),
        ("2023-13-01", "finns inte: det finns ingen månad 13."),
        ("31 april 2024", "finns inte: april 2024 har 30 dagar."),
        ("24-03-12", "är inte ett datum."),
        ("1850-01-01", "är före år 1900."),
    ],
)
def test_impossible_dates_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)


def run_zip(w, data, rows=None):
    return run_bulk_import(
        io.BytesIO(data), csv_bytes(rows or [row("a.docx", "A")]), user=w["importer"]
    )


def test_a_file_that_is_no_zip_is_refused(w):
    report = run_zip(w, b"Detta ar ingen zip-fil")

    assert report.errors == [
        "”import.zip” är ingen zip-fil eller är skadad. Packa filerna igen och försök på nytt."
    ]


def test_a_name_pointing_out_of_the_zip_is_refused(w):
    report = run_zip(w, zip_bytes({"../../etc/a.docx": simple_docx("A")}))

    assert "”../../etc/a.docx” pekar ut ur zip-filen" in report.errors[0]
    assert not Styrdokument.objects.filter(title="A").exists()


def test_too_many_files_and_too_many_megabytes_are_refused(w, settings):
    settings.STYRDOK_IMPORT_ZIP_MAX_FILES = 2
    files = {f"{n}.docx": simple_docx(str(n)) for n in range(3)}
    assert "innehåller 3 filer; en import tar högst 2." in run_zip(w, zip_bytes(files)).errors[0]

    settings.STYRDOK_IMPORT_ZIP_MAX_MB = 1
    large = zip_bytes({"a.pdf": os.urandom(3 * 1024 * 1024)})
    assert "blir 3 MB uppackad; en import tar högst 1 MB" in run_zip(w, large).errors[0]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(w):
    bomb = zip_bytes({"a.docx": bytes(30 * 1024 * 1024)})
    assert len(bomb) < 100_000

    report = run_zip(w, bomb)

    assert "packas upp" in report.errors[0] and "(en zip-bomb)" in report.errors[0]


def test_a_bad_file_skips_its_row_and_the_others_still_import(w):
    files = {
        "bra.docx": simple_docx("Bra"),
        "skadad.docx": corrupt_docx_bytes(),
        "losenord.docx": encrypted_docx_bytes(),
        "gammal.doc": legacy_doc_bytes(),
        "text.pdf": text_file_bytes(),
    }
    rows = [
        row("bra.docx", "Bra riktlinje"),
        row("skadad.docx", "Skadad riktlinje"),
        row("losenord.docx", "Skyddad riktlinje"),
        row("gammal.doc", "Gammal riktlinje"),
        row("text.pdf", "Text som PDF"),
    ]

    report = run(w, files, rows)

    by_file = {r.filename: r for r in report.rows}
    assert by_file["bra.docx"].imported
    assert "”skadad.docx” är skadad" in by_file["skadad.docx"].messages[0]
    assert "”losenord.docx” är lösenordsskyddad" in by_file["losenord.docx"].messages[0]
    assert "”gammal.doc” är ett äldre Word-format (.doc)" in by_file["gammal.doc"].messages[0]
    assert "”text.pdf” är ingen PDF-fil" in by_file["text.pdf"].messages[0]
    assert list(
        Styrdokument.objects.filter(title__endswith="riktlinje").values_list("title", flat=True)
    ) == ["Bra riktlinje"]


def test_a_row_that_fails_at_its_last_step_leaves_nothing_behind(w, monkeypatch, archive_root):
    """The draft, its revision, its images, its import record and the original file were all
    written when the decision's log entry fails: every one of them is undone."""
    import importing.bulk

    real_log = importing.bulk.log

    def failing_log(instance, action, **kwargs):
        if action == "styrdok.import_decision" and instance.title == "Med bild":
            raise DatabaseError("disken är full")
        return real_log(instance, action, **kwargs)

    monkeypatch.setattr(importing.bulk, "log", failing_log)
    files = {"bild.docx": sample_docx("Med bild"), "annan.docx": simple_docx("Annan")}
    rows = [
        row("bild.docx", "Med bild", body="KS", date="2020-01-01", historical="ja"),
        row("annan.docx", "Annan riktlinje", body="KS", date="2021-01-01", historical="ja"),
    ]
    images = get_image_model().objects.count()

    report = run(w, files, rows)

    failed, imported = report.rows
    assert not failed.imported and "disken är full" in failed.messages[0]
    assert imported.imported
    assert not Styrdokument.objects.filter(title="Med bild").exists()
    assert not ImportRecord.objects.filter(title="Med bild").exists()
    assert get_image_model().objects.count() == images
    stored = [path.name for path in archive_root.rglob("*") if path.is_file()]
    assert stored == ["annan.docx"]


def test_a_row_already_imported_is_skipped_the_second_time(w):
    assert run(w).ok
    again = run(w)

    assert not again.imported_rows
    assert (
        "Det finns redan ett dokument med titeln ”Riktlinje för informationssäkerhet”"
        in (again.rows[0].messages[0])
    )
    assert RiktlinjePage.objects.filter(title=RIKTLINJE).count() == 1


def test_only_people_allowed_to_import_may_run_it(w):
    with pytest.raises(PermissionDenied, match="behörighet att importera"):
        run(w, user=w["outsider"])


def test_a_public_earlier_decision_with_a_personnummer_is_refused_an_internal_one_kept(w):
    text = "Handläggare: Anna Andersson, 850312-1231."
    files = {
        "ny.docx": simple_docx("Ny", "Ren text."),
        "a.docx": simple_docx("A", text),
        "b.pdf": pdf_bytes([text]),
    }
    rows = [
        row("ny.docx", "Riktlinje", publicity="Offentlig"),
        row("a.docx", "Riktlinje", body="KS", date="2020-01-01", publicity="Offentlig"),
        row("b.pdf", "Riktlinje", body="KS", date="2019-01-01", publicity="Intern"),
    ]

    report = run(w, files, rows)

    draft, public, internal = report.rows
    assert draft.imported and internal.imported
    assert not public.imported
    assert (
        "Rad 3 (”a.docx”): ”a.docx” innehåller ett personnummer (850312-****). Ett offentligt "
        "beslut visas på den externa webbplatsen" in public.messages[0]
    )
    page = RiktlinjePage.objects.get(title="Riktlinje")
    assert list(page.adopted_versions.values_list("publicity", flat=True)) == ["internal"]


def test_a_csv_field_too_long_to_read_gets_a_swedish_message(w):
    data = ("fil;titel;dokumenttyp\na.docx;" + "x" * 200_000 + ";Rutin\n").encode()

    report = run_bulk_import(
        io.BytesIO(zip_bytes({"a.docx": simple_docx("A")})), data, user=w["importer"]
    )

    assert report.errors == [
        "”metadata.csv” kunde inte läsas som CSV (rad 2): ett fält är längre än 131 072 tecken. "
        'Kontrollera att filen är rätt CSV-fil och att inget citattecken (") saknar sitt slut.'
    ]
    assert not Styrdokument.objects.filter(title="A").exists()


def test_a_csv_from_excel_for_mac_with_cr_line_endings_is_read():
    rows = parse_csv(b"fil;titel;dokumenttyp\ra.docx;Rutin A;Rutin\rb.docx;Rutin B;Rutin\r")

    assert [(row.filename, row.title) for row in rows] == [
        ("a.docx", "Rutin A"),
        ("b.docx", "Rutin B"),
    ]


def test_a_hidden_document_of_the_same_title_is_not_reported(w):
    """A restricted sibling with the row's title and slug does not exist for the importer: the
    row is imported, its draft takes a free slug, and no message mentions the hidden one."""
    group = Group.objects.create(name="Säkerhetsskydd")
    policy = Page.objects.get(pk=w["policy"].pk)
    hidden = make_document(
        RiktlinjePage,
        parent=policy,
        title=RIKTLINJE,
        slug="riktlinje-for-informationssakerhet",
        publicity="internal",
        restricted_to=[group],
    )
    result = run(w, files={"riktlinje.docx": sample_docx(RIKTLINJE)}, rows=demo_rows()[:1])

    assert result.ok, result.rows[0].messages
    assert not any("redan" in message for message in result.rows[0].messages)
    created = RiktlinjePage.objects.filter(title=RIKTLINJE).exclude(pk=hidden.pk).get()
    assert created.slug == "riktlinje-for-informationssakerhet-2"
    assert created.get_parent().pk == policy.pk


def test_a_public_earlier_decision_too_large_to_check_is_refused(w, monkeypatch):
    # The personnummer guard refuses a file it cannot read whole (an archive part over its
    # budget) instead of importing it with that part unchecked.
    from importing import bulk
    from policies.personnummer import FileTooLargeToCheck

    def too_large(name, data):
        raise FileTooLargeToCheck("word/document.xml", 20 * 1024 * 1024)

    monkeypatch.setattr(bulk, "extract_text", too_large)
    files = {"ny.docx": simple_docx("Ny", "Ren text."), "a.docx": simple_docx("A", "Ren text.")}
    rows = [
        row("ny.docx", "Riktlinje", publicity="Offentlig"),
        row("a.docx", "Riktlinje", body="KS", date="2020-01-01", publicity="Offentlig"),
    ]

    report = run(w, files, rows)

    draft, public = report.rows
    assert draft.imported and not public.imported
    assert public.messages == [
        "Rad 3 (”a.docx”): Filen kunde inte kontrolleras för personnummer eftersom delen "
        "”word/document.xml” i filen ”a.docx” är för stor uppackad (mer än 20 MB). Spara filen "
        "utan stora inbäddade delar (till exempel som PDF) och försök igen."
    ]
