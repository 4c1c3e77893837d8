"""CSV exports open as columns in Swedish Excel (issue 22, item 4).

Swedish Excel reads a double-clicked CSV in the system's code page unless it starts with a UTF-8
byte order mark, and splits it on the list separator, the semicolon (the comma is the decimal
separator). Every export of Wagtail's SpreadsheetExportMixin, Styrdok's reports and Wagtail's
own, is written that way (styrdok.security.spreadsheets), and the formula neutralising stays.
"""

import datetime
import decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from policies.models import RiktlinjePage
from styrdok.security.spreadsheets import swedish_csv_value
from tests.factories import INTRANET_HOST, make_document, make_user
from tests.governance.workflow_helpers import start

BOM = b"\xef\xbb\xbf"
TITLE = 'Riktlinje för "känsliga" uppgifter; åtkomst, ändring och överföring'
FORMULA = "=SUMMA(A1:A9)"
URLS = [
    "/admin/rapporter/revisionsplan/",  # Revisionsplan
    "/admin/rapporter/beslutsarenden/",  # Beslutsärenden
    "/admin/reports/site-history/",  # Wagtail's own report
]


@pytest.fixture
def client(db):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(make_user("csvexcel", superuser=True))
    return client


@pytest.fixture
def documents(db, people):
    """Two adopted documents, each with a new version in a decision run (for Beslutsärenden)."""
    for title in (TITLE, FORMULA):
        page = make_document(RiktlinjePage, title=title)
        page.save_revision(user=people.agare)
        start(page, people.agare)


def export(client, url):
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("url", URLS)
def test_the_file_starts_with_the_bom_and_splits_on_semicolons(client, documents, url):
    data = export(client, url)
    assert data.startswith(BOM)
    assert not data[3:].startswith(BOM)  # once
    text = data[3:].decode("utf-8")
    header = text.splitlines()[0]
    assert ";" in header and "," not in header
    # The title's own quotes are doubled and the cell is quoted, so its ; stays in the cell.
    quoted = '"' + TITLE.replace('"', '""') + '"'
    assert quoted in text
    assert "känsliga" in text and "åtkomst, ändring och överföring" in text


def test_the_revision_plan_rows_have_as_many_cells_as_the_header(client, documents):
    import csv
    import io

    text = export(client, URLS[0]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Dokument", "Dokumenttyp", "Revideras senast"]
    assert {len(row) for row in rows} == {len(rows[0])}
    titles = [row[0] for row in rows[1:]]
    assert TITLE in titles
    assert "'" + FORMULA in titles  # still neutralised
    # Dates stay ISO dates, which Swedish Excel reads as dates.
    assert all(len(row[2]) == 10 and row[2][4] == "-" for row in rows[1:])


def test_decision_times_are_local_minutes(client, documents):
    text = export(client, URLS[1]).decode("utf-8-sig")
    started = text.splitlines()[1].rsplit(";", 1)[-1]
    parsed = datetime.datetime.strptime(started, "%Y-%m-%d %H:%M")
    assert parsed.year >= 2025


def test_numbers_and_times_for_swedish_excel():
    assert swedish_csv_value(42.5) == "42,5"
    assert swedish_csv_value(-2.5) == "-2,5"
    assert swedish_csv_value(decimal.Decimal("3.25")) == "3,25"
    assert swedish_csv_value(7) == 7
    assert swedish_csv_value(True) is True
    moment = datetime.datetime(2026, 7, 1, 8, 30, 15, 123, tzinfo=datetime.UTC)
    assert swedish_csv_value(moment) == "2026-07-01 10:30"  # Stockholm, summer time
    naive = datetime.datetime(2026, 1, 2, 3, 4, 5)
    assert swedish_csv_value(naive) == "2026-01-02 03:04"
    assert swedish_csv_value(datetime.date(2026, 1, 2)) == datetime.date(2026, 1, 2)
    assert swedish_csv_value("text; med semikolon") == "text; med semikolon"
    assert ZoneInfo("Europe/Stockholm")  # the kommun's zone the times are written in
