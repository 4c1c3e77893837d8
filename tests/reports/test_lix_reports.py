"""Klarspråk in the reports: the LIX of each document in the Revisionsplan export, and the
median LIX with the hardest documents in the yearly report (screen and PDF)."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import timezone
from pypdf import PdfReader

from policies.models import RiktlinjePage
from policies.models.plain_language import DocumentReadability
from reports.annual_report import build_report, render_report_pdf
from tests.factories import make_live_document, make_user, paragraph
from tests.governance.workflow_helpers import client_for, soup, text_of

pytestmark = pytest.mark.django_db

PLAN = "/admin/rapporter/revisionsplan/"
ANNUAL = "/admin/rapporter/arlig-genomgang/"
LIX_HEADING = "LIX (läsbarhetsindex)"

EASY = "Vi låser datorn. Vi byter lösenord. Vi ringer om något händer."
HARD = (
    "Det åligger respektive förvaltningschef att tillse att erforderliga "
    "informationssäkerhetsåtgärder vidtas i enlighet med gällande informationsklassificering "
    "samt att dokumentationen avseende behandlingen av personuppgifter tillhandahålls "
    "dataskyddsombudet och informationssäkerhetssamordnaren skyndsamt efter genomförd "
    "riskbedömning."
)
MEDIUM = (
    "Systemägaren ser över behörigheterna i systemet varje år. "
    "Chefen beslutar om undantag från regeln."
)


@pytest.fixture
def chef(db):
    return make_user("chef-lix", superuser=True, first_name="Cecilia", last_name="Chef")


@pytest.fixture
def documents(chef):
    in_a_year = timezone.localdate() + datetime.timedelta(days=300)
    made = {}
    for title, text in (
        ("Lättläst riktlinje", EASY),
        ("Svår riktlinje", HARD),
        ("Medelsvår riktlinje", MEDIUM),
        ("Riktlinje utan text", ""),
    ):
        made[title] = make_live_document(
            RiktlinjePage,
            title=title,
            responsible=chef,
            next_review=in_a_year,
            body=[paragraph(f"<p>{text}</p>")] if text else [],
        )
    return made


def stored(page):
    return DocumentReadability.objects.get(document=page).lix


def test_the_stored_lix_orders_the_texts(documents):
    easy, hard, medium = (
        stored(documents["Lättläst riktlinje"]),
        stored(documents["Svår riktlinje"]),
        stored(documents["Medelsvår riktlinje"]),
    )
    assert easy < 30 < medium < hard
    assert hard > 60
    assert stored(documents["Riktlinje utan text"]) is None


def test_the_revision_plan_exports_the_lix_of_each_document(chef, documents):
    response = client_for(chef).get(PLAN, {"export": "csv"})
    assert response.status_code == 200
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0][-1] == LIX_HEADING
    lix = {row[0]: row[-1] for row in rows[1:]}
    assert lix["Svår riktlinje"] == str(round(stored(documents["Svår riktlinje"])))
    assert lix["Lättläst riktlinje"] == str(round(stored(documents["Lättläst riktlinje"])))
    assert lix["Riktlinje utan text"] == ""


def test_the_xlsx_export_has_the_lix_as_a_number(chef, documents):
    response = client_for(chef).get(PLAN, {"export": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert values[0][-1] == LIX_HEADING
    lix = {row[0]: row[-1] for row in values[1:]}
    assert lix["Svår riktlinje"] == round(stored(documents["Svår riktlinje"]))
    assert lix["Riktlinje utan text"] in (None, "")


def test_the_yearly_report_gives_the_median_and_the_hard_documents(chef, documents):
    today = timezone.localdate()
    report = build_report(today.replace(month=1, day=1), today, user=chef)
    plain = report.plain_language
    values = sorted(
        stored(documents[title])
        for title in ("Lättläst riktlinje", "Svår riktlinje", "Medelsvår riktlinje")
    )
    assert plain.measured == 3
    assert plain.median == values[1]
    assert [document.title for document in plain.difficult] == ["Svår riktlinje"]


def test_the_yearly_report_page_shows_the_klarsprak_section(chef, documents):
    response = client_for(chef).get(ANNUAL)
    assert response.status_code == 200
    section = soup(response).find(id="klarsprak-rubrik").find_parent("section")
    text = text_of(section)
    median = round(stored(documents["Medelsvår riktlinje"]))
    assert "Dokument med text att bedöma 3" in text
    assert f"Median-LIX {median} (" in text
    assert "Dokument med LIX över 50 1" in text
    rows = [
        [text_of(cell) for cell in row.find_all(["th", "td"])]
        for row in section.select(".annual-report__plain-language tbody tr")
    ]
    assert rows == [
        [
            "Svår riktlinje",
            "Riktlinje",
            str(round(stored(documents["Svår riktlinje"]))),
            "Cecilia Chef",
        ]
    ]
    link = section.select_one(".annual-report__plain-language a")
    assert link["href"] == f"/admin/pages/{documents['Svår riktlinje'].pk}/edit/"


def test_a_register_without_text_says_so(chef):
    today = timezone.localdate()
    report = build_report(today.replace(month=1, day=1), today, user=chef)
    assert report.plain_language.measured == 0
    assert report.plain_language.median is None
    response = client_for(chef).get(ANNUAL)
    text = text_of(soup(response).find(id="klarsprak-rubrik").find_parent("section"))
    assert "Median-LIX –" in text
    assert "Inget dokument i registret har LIX över 50." in text


@pytest.mark.pdf
def test_the_yearly_report_pdf_has_the_klarsprak_section(chef, documents):
    today = timezone.localdate()
    report = build_report(today.replace(month=1, day=1), today, user=chef)
    rendered = render_report_pdf(report)
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(rendered.data)).pages
    )
    assert "Klarspråk" in text
    assert "Median-LIX" in text
    assert "Svår riktlinje" in text
