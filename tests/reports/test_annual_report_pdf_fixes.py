"""The yearly report's PDF as kommunstyrelsen reads it (issue 19): the decisions table fits the
page with every diarienummer whole, an empty table is one proper row, and every link in the PDF
is described by its text, not by the anchor it points to. The PDF is read back with pypdf."""

import datetime
import io
import re

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from wagtail.log_actions import log

from policies import pdf as policies_pdf
from policies.models import RiktlinjePage, RutinPage
from reports.annual_report import build_report, render_report_pdf
from tests.factories import make_live_document, make_user
from tests.shared import build_once

pytestmark = [pytest.mark.pdf, pytest.mark.django_db]

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 12, 31)
LONG_TITLE = (
    "Riktlinje för informationssäkerhet vid distansarbete, mobilt arbete och arbete på "
    "resande fot i samtliga förvaltningar och kommunala bolag"
)
DIARIENUMMER = ["KS-2026-10", "KF-2026-1234-12", "KD-2026-104"]


def decided(page, action, date, body, paragraph, dnr):
    """A decision as the workflow logs it (governance.workflows.log_step)."""
    data = {
        "action": action,
        "body": body,
        "paragraph": paragraph,
        "diarienummer": dnr,
        "decision_date": date,
    }
    return log(instance=page, action=action, data=data)


def build_world():
    reader = make_user("pdf-fixes-admin", superuser=True)
    long_one = make_live_document(
        RiktlinjePage, title=LONG_TITLE, decision_date=datetime.date(2026, 3, 10)
    )
    short_one = make_live_document(
        RutinPage, parent=long_one, title="Rutin för loggning", decision_date=None
    )
    decided(long_one, "governance.decided", "2026-03-10", "Kommunstyrelsen", 42, DIARIENUMMER[0])
    decided(
        long_one,
        "governance.returned",
        "2026-02-11",
        "Kommunfullmäktige",
        117,
        DIARIENUMMER[1],
    )
    decided(
        short_one,
        "governance.reviewed",
        "2026-05-04",
        "Kommundirektören",
        None,
        DIARIENUMMER[2],
    )
    return {"reader": reader}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


# The world is read-only, so each period's PDF is rendered once for the module.
RENDERED = {}


def rendered(monkeypatch, report):
    """(the HTML WeasyPrint was given, the PDF it made) for the report."""
    key = (report.start, report.end)
    if key not in RENDERED:
        RENDERED[key] = render(monkeypatch, report)
    html, data = RENDERED[key]
    return html, PdfReader(io.BytesIO(data))


def render(monkeypatch, report):
    seen = {}
    real = policies_pdf.render_pdf

    def keep(html, base_url):
        seen["html"] = html
        return real(html, base_url)

    monkeypatch.setattr(policies_pdf, "render_pdf", keep)
    result = render_report_pdf(report)
    return seen["html"], result.data


@pytest.fixture
def full(w, monkeypatch):
    return rendered(monkeypatch, build_report(START, END, user=w["reader"]))


@pytest.fixture
def empty(w, monkeypatch):
    """A year without decisions."""
    report = build_report(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), user=w["reader"])
    assert report.decisions == []
    return rendered(monkeypatch, report)


def page_texts(reader):
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def decisions_table(html):
    # html.parser keeps the markup as written: a cell inside a cell stays nested.
    return BeautifulSoup(html, "html.parser").select_one("table.annual-report__decisions")


def test_every_diarienummer_is_whole_in_the_pdf(full):
    _html, reader = full
    text = " ".join(page_texts(reader))
    for dnr in DIARIENUMMER:
        assert dnr in text, dnr
    assert "Återremitterad" in text


def test_the_decisions_table_fits_the_page_width(full):
    """Table layout fixed with a width for every column; the dnr column does not wrap, long
    titles do. Every character of the table's rows lies inside the page's text area."""
    html, reader = full
    table = decisions_table(html)
    cols = table.select("colgroup col")
    assert len(cols) == len(table.select("thead th")) == 7
    assert all(col.get("class") for col in cols)
    page = next(p for p in reader.pages if "KS-2026-10" in p.extract_text())
    width = float(page.mediabox.width)
    right_margin = 20 / 25.4 * 72  # templates/pdf/styles.css: @page margin-right 20 mm
    ends = {}

    def visit(text, cm, tm, font_dict, font_size):
        # Where each dnr starts, plus its width (0.6 em a character: DejaVu Sans digits are
        # 0.64 em, hyphens 0.36, capitals K, S, F, D about 0.6-0.78).
        size = font_size * tm[0] * cm[0]
        for dnr in DIARIENUMMER:
            if dnr in text:
                ends[dnr] = tm[4] * cm[0] + cm[4] + 0.6 * size * len(dnr)

    page.extract_text(visitor_text=visit)
    assert set(ends) == set(DIARIENUMMER)
    assert max(ends.values()) < width - right_margin, ends
    # The long title wraps onto more lines rather than widening the table.
    assert LONG_TITLE not in page.extract_text().replace("\n", "")
    assert LONG_TITLE in " ".join(page.extract_text().split())


def test_an_empty_decisions_table_is_one_proper_row(empty):
    html, reader = empty
    table = decisions_table(html)
    assert table is not None
    assert not table.select("td td, th td, td th")
    rows = table.select("tbody tr")
    assert len(rows) == 1
    (cell,) = rows[0].find_all(["td", "th"], recursive=False)
    assert cell.get_text(strip=True) == "Inga beslut under perioden"
    assert cell["colspan"] == "7"
    assert "Inga beslut under perioden" in " ".join(page_texts(reader))


def link_annotations(reader):
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            if annotation.get("/Subtype") == "/Link":
                yield annotation


def test_each_link_annotation_carries_its_link_text(full):
    """PDF/UA: a link's /Contents is its text, for a screen reader, not "#beslut-rubrik"."""
    html, reader = full
    soup = BeautifulSoup(html, "html.parser")
    link_texts = {" ".join(a.get_text(" ").split()) for a in soup.select("a[href]")}
    annotations = list(link_annotations(reader))
    assert annotations, "the report's table of contents links to its sections"
    for annotation in annotations:
        contents = str(annotation["/Contents"])
        assert not contents.startswith("#"), contents
        assert contents in link_texts, contents
    contents = {str(a["/Contents"]) for a in annotations}
    assert {"Sammanfattning", "Beslut under perioden", "Revisorernas frågor"} <= contents


def test_the_table_of_contents_gives_each_sections_page(full):
    _html, reader = full
    first = page_texts(reader)[0]
    match = re.search(r"Beslut under perioden[ .]*(\d+)", first)
    assert match, first
    page_number = int(match.group(1))
    assert "Beslut under perioden" in page_texts(reader)[page_number - 1]


def test_every_archival_pdf_describes_its_links_by_their_text(db):
    """The same finisher serves the documents' archival PDFs (policies.pdf.render_pdf): a link
    within the document, one to a web address, one with markup inside and one without words."""
    html = (
        '<html lang="sv"><head><title>Länkar</title></head><body>'
        '<h1 id="syfte">Syfte</h1>'
        '<p><a href="#syfte">Till avsnittet om syfte</a></p>'
        '<p><a href="https://www.digg.se/tdosanmalan">Anmäl till <em>DIGG</em></a></p>'
        '<p><a href="#syfte" aria-label="Tillbaka till början"><img alt="" '
        'src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10"></a></p>'
        "</body></html>"
    )
    result = policies_pdf.render_pdf(html, base_url="http://intranet.localhost/")
    contents = [
        str(annotation["/Contents"])
        for annotation in link_annotations(PdfReader(io.BytesIO(result.data)))
    ]
    # WeasyPrint annotates the boxes inside a link as well (the <em>, the image): they say what
    # their link says.
    assert contents[:3] == ["Till avsnittet om syfte", "Anmäl till DIGG", "Anmäl till DIGG"]
    assert set(contents[3:]) == {"Tillbaka till början"}
