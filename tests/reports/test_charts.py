"""The yearly report's charts (issue 22): plain server-side SVG with a Swedish text alternative,
a visible caption and the table of the same numbers, in the admin page and in the PDF.

The register is built on 2026-11-20 for the period 2026, so every figure below is known."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from pypdf import PdfReader
from wagtail.log_actions import log

from governance.constants import OrganisationKind
from policies.models import PolicyPage, RequiredDocument, RiktlinjePage, RutinPage
from reports.annual_report import build_report, render_report_pdf
from reports.charts import annual_report_charts, read_coverage_chart, share_chart
from reports.charts.formatting import format_number, format_percent, month_label
from reports.charts.svg import LINE_STYLES, SERIES_STYLES, STATUS_STYLES, TEXT, WHITE
from reports.models import StatusSnapshot
from tests.factories import (
    get_lis_area,
    make_live_document,
    make_organisation,
    make_user,
)
from tests.governance.workflow_helpers import client_for, soup, text_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
ANNUAL = "/admin/rapporter/arlig-genomgang/?fran=2026-01-01&till=2026-12-31"
NOON = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def days(n):
    return TODAY + datetime.timedelta(days=n)


def decided(page, date, body):
    log(page, "governance.decided", data={"decision_date": date.isoformat(), "body": body})


@pytest.fixture
def register(time_machine):
    """Seven documents with known statuses, in two förvaltningar (one via a kontor) and the
    kommun's own; five decisions in March and two organs; two snapshots (January, November)."""
    time_machine.move_to(NOON, tick=False)
    social = make_organisation("Socialförvaltningen")
    kontor = make_organisation("IT-kontoret", kind=OrganisationKind.KONTOR, parent=social)
    bygg = make_organisation("Samhällsbyggnadsförvaltningen")
    owner = make_user("agare", first_name="Åsa", last_name="Ägare")
    policy = make_live_document(
        PolicyPage, title="Informationssäkerhetspolicy", responsible=owner, next_review=days(300)
    )
    docs = {
        "current": make_live_document(
            RiktlinjePage,
            title="Riktlinje i tid",
            responsible=owner,
            next_review=days(200),
            organisation=social,
            lis_areas=[get_lis_area(1)],
        ),
        "soon": make_live_document(
            RiktlinjePage,
            title="Riktlinje snart",
            responsible=owner,
            next_review=days(20),
            organisation=kontor,
            lis_areas=[get_lis_area(6)],
        ),
        "late": make_live_document(
            RutinPage,
            title="Rutin försenad",
            responsible=owner,
            next_review=days(-10),
            organisation=social,
        ),
        "late2": make_live_document(
            RutinPage,
            title="Rutin försenad två",
            responsible=owner,
            next_review=days(-40),
            organisation=bygg,
        ),
        "ownerless": make_live_document(
            RutinPage, title="Rutin utan ägare", responsible=None, next_review=days(100)
        ),
    }
    RequiredDocument.objects.create(
        policy=policy,
        title="Riktlinje för behörigheter",
        document_type="riktlinje",
        document=docs["current"],
        sort_order=1,
    )
    RequiredDocument.objects.create(
        policy=policy, title="Rutin för incidenter", document_type="rutin", sort_order=2
    )
    for page in (docs["current"], docs["soon"], docs["late"]):
        decided(page, datetime.date(2026, 3, 10), "Kommunstyrelsen")
    decided(docs["late2"], datetime.date(2026, 3, 12), "Kommundirektör")
    decided(docs["ownerless"], datetime.date(2026, 6, 2), "Kommundirektör")
    StatusSnapshot.objects.create(
        date=datetime.date(2026, 1, 15),
        recorded_at=NOON,
        warning_days=60,
        total=20,
        in_time=4,
        due_soon=2,
        overdue=14,
        no_owner=3,
    )
    StatusSnapshot.objects.create(
        date=datetime.date(2026, 11, 19),
        recorded_at=NOON,
        warning_days=60,
        total=6,
        in_time=2,
        due_soon=1,
        overdue=3,
        no_owner=1,
    )
    return docs


def svg_of(html, chart_id):
    figure = BeautifulSoup(html, "html.parser").find("figure", id=chart_id)
    assert figure is not None, f"no figure {chart_id}"
    return figure


# -- Swedish numbers ----------------------------------------------------------------------------


def test_numbers_are_written_the_swedish_way():
    assert format_number(1234567) == "1\u202f234\u202f567"
    assert format_number(2.5, 1) == "2,5"
    assert format_number(12345.25, 2) == "12\u202f345,25"
    assert format_percent(42, 60) == "70\u00a0%"
    assert format_percent(0, 0) == "–"
    assert month_label(datetime.date(2026, 3, 1)) == "mars 2026"
    assert month_label(datetime.date(2026, 12, 1), with_year=False) == "december"


# -- colours ------------------------------------------------------------------------------------


def luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_fill_stands_out_from_the_page_and_carries_readable_text():
    for style in (*STATUS_STYLES.values(), *SERIES_STYLES):
        assert contrast(style.colour, WHITE) >= 3, style
        assert contrast(style.colour, style.text_colour) >= 4.5, style
    for colour, _dash, _marker in LINE_STYLES:
        assert contrast(colour, WHITE) >= 3, colour
    assert contrast(TEXT, WHITE) >= 4.5
    # Not colour alone: the statuses differ in pattern too.
    assert len({style.pattern for style in STATUS_STYLES.values()}) == len(STATUS_STYLES)


# -- the charts' structure and numbers ------------------------------------------------------------


def test_each_chart_is_an_accessible_figure_with_the_numbers_in_words(register):
    report = build_report(START, END)
    charts = annual_report_charts(report)

    types = charts.types.description
    assert "Totalt 6 dokument." in types
    assert "Policy: 1 dokument, varav 1 aktuell." in types
    assert "Riktlinje: 2 dokument, varav 1 aktuell och 1 revision inom 60 dagar." in types
    assert "Rutin: 3 dokument, varav 2 försenad och 1 saknar ägare." in types
    assert "Program: inga." in types

    organisations = charts.organisations.description
    # The kontor's document counts under its förvaltning.
    assert "Socialförvaltningen: 3 dokument, varav 1 i tid, 1 revision snart och 1 försenad." in (
        organisations
    )
    assert "Samhällsbyggnadsförvaltningen: 1 dokument, varav 1 försenad." in organisations
    assert "Kommungemensam: 2 dokument, varav 2 i tid." in organisations

    decisions = charts.decisions.description
    assert "Totalt 5 beslut: Kommunstyrelsen 3, Kommundirektör 2." in decisions
    assert "mars: 4 beslut, varav 3 kommunstyrelsen och 1 kommundirektör." in decisions
    assert "juni: 1 beslut, varav 1 kommundirektör." in decisions
    assert "februari: inga." in decisions

    lis = charts.lis.description
    assert "8 av 10 områden saknar aktuella dokument." in lis
    assert "1. Funktion för informationssäkerhet: 1 dokument." in lis
    assert "2. Ledningens styrning och beslut: inga aktuella dokument, saknas." in lis

    required = charts.required.description
    assert "Informationssäkerhetspolicy: 2 krävda dokument, varav 1 finns, fastställt och " in (
        required
    )
    assert "och 1 saknas." in required

    trend = charts.trend.description
    assert "Försenade dokument: 14 i januari → 3 i november (11 färre)." in trend

    for chart in vars(charts).values():
        if chart is None:  # kvittens: no document here requires it
            continue
        svg = BeautifulSoup(str(chart.svg()), "html.parser").svg
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.find("title", id=title_id).get_text() == chart.title
        assert svg.find("desc", id=desc_id).get_text() == chart.description
        assert svg.find("script") is None
        assert not any(name.startswith("on") for tag in svg.find_all(True) for name in tag.attrs)


def test_bars_show_their_values_and_the_axis_is_in_swedish_numbers(register):
    charts = annual_report_charts(build_report(START, END))
    texts = [t.get_text() for t in BeautifulSoup(str(charts.types.svg()), "html.parser")("text")]
    # Legend, category labels, values on the segments and totals after the bars.
    for expected in ("Aktuell", "Försenad", "Saknar ägare", "Riktlinje", "Rutin", "2", "3"):
        assert expected in texts
    lis_texts = [t.get_text() for t in BeautifulSoup(str(charts.lis.svg()), "html.parser")("text")]
    assert lis_texts.count("saknas") == 8


def test_read_coverage_is_charted_from_plain_rows():
    chart = read_coverage_chart(
        [
            ("Riktlinje för lösenord", 42, 60),
            {"title": "Rutin för incidenter", "read": 0, "recipients": 12345},
        ]
    )
    assert "Riktlinje för lösenord: 42 av 60 personer har läst (70\u00a0%)." in chart.description
    assert "Rutin för incidenter: 0 av 12\u202f345 personer har läst (0\u00a0%)." in (
        chart.description
    )
    texts = [t.get_text() for t in BeautifulSoup(str(chart.svg()), "html.parser")("text")]
    assert "42 av 60 (70\u00a0%)" in texts
    assert read_coverage_chart([]) is None
    generic = share_chart(
        [{"label": "Utbildning", "done": 3, "total": 4}],
        chart_id="diagram-utbildning",
        title="Genomförd utbildning",
        caption="Diagram: genomförd utbildning.",
        done_label="Har genomfört",
        missing_label="Har inte genomfört",
    )
    assert "Utbildning: 3 av 4 personer har genomfört (75\u00a0%)." in generic.description


def test_the_figure_tag_renders_the_caption_and_the_pdf_title_carries_the_numbers():
    chart = read_coverage_chart([("Policy", 1, 2)], chart_id="test-diagram")
    html = Template("{% load report_charts %}{% report_chart chart pdf %}").render(
        Context({"chart": chart, "pdf": True})
    )
    figure = svg_of(html, "test-diagram")
    assert text_of(figure.figcaption).startswith("Diagram: hur många av mottagarna")
    assert "Policy: 1 av 2 personer har läst" in figure.svg.title.get_text()
    assert Template("{% load report_charts %}{% report_chart None %}").render(Context()) == ""


# -- the admin page --------------------------------------------------------------------------------


def test_the_report_page_shows_each_chart_with_its_table(register):
    chef = make_user("chef", superuser=True)
    response = client_for(chef).get(ANNUAL)
    assert response.status_code == 200
    html = response.content.decode()
    page = soup(response)
    for chart_id in (
        "diagram-utveckling",
        "diagram-typ-status",
        "diagram-forvaltning",
        "diagram-beslut",
        "diagram-kravda",
        "diagram-lis",
    ):
        figure = svg_of(html, chart_id)
        assert figure.figcaption.get_text().startswith("Diagram:")
    assert page.find("script", string=re.compile("diagram")) is None

    organisations = page.select_one(".annual-report__organisations")
    rows = [text_of(row) for row in organisations.select("tbody tr")]
    assert rows == [
        "Samhällsbyggnadsförvaltningen 0 0 1 1",
        "Socialförvaltningen 1 1 1 3",
        "Kommungemensam 2 0 0 2",
    ]
    months = {
        text_of(row.th): text_of(row)
        for row in page.select(".annual-report__decisions-by-month tbody tr")
    }
    assert months["mars"] == "mars 3 1 4"
    assert months["juni"] == "juni 0 1 1"
    assert len(months) == 12

    trend = text_of(page.select_one("#utveckling-rubrik").parent)
    assert "Försenade dokument: 14 i januari → 3 i november (11 färre)." in trend
    assert "Dokument i registret: 20 i januari → 6 i november (14 färre)." in trend
    trend_rows = [text_of(row) for row in page.select(".annual-report__trend tbody tr")]
    assert trend_rows == ["januari 20 4 2 14 3 0", "november 6 2 1 3 1 0"]
    required = [text_of(row) for row in page.select(".annual-report__required-summary tbody tr")]
    assert required == ["Informationssäkerhetspolicy 1 0 0 1 2"]
    assert page.select_one("link[href$='css/report_charts.css']") is not None


def test_the_pdf_carries_the_charts_text_alternatives_and_their_tables(register):
    report = build_report(START, END)
    pdf = render_report_pdf(report)
    reader = PdfReader(io.BytesIO(pdf.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

    # The captions and the tables' figures are text on the pages ...
    assert "Diagram: styrdokument per dokumenttyp och revisionsstatus per 2026-11-20." in text
    assert "Diagram: dokument i tid, med revision snart och försenade per förvaltning" in text
    assert "Socialförvaltningen 1 1 1 3" in text
    assert "Försenade dokument: 14 i januari → 3 i november (11 färre)." in text
    assert "Utveckling under perioden" in text

    # ... each drawing is a tagged Figure whose alternative text holds the numbers in words ...
    alts = figure_alts(reader)
    assert any(
        alt.startswith("Styrdokument per dokumenttyp") and "Rutin: 3 dokument" in alt
        for alt in alts
    )
    assert any("Socialförvaltningen: 3 dokument" in alt for alt in alts)
    assert any("mars: 4 beslut" in alt for alt in alts)
    assert any("Försenade dokument: 14 i januari" in alt for alt in alts)
    assert any("8 av 10 områden saknar aktuella dokument" in alt for alt in alts)

    # ... and drawn: the page with the types chart paints rectangles inside a Figure.
    page = next(
        p for p in reader.pages if "Diagram: styrdokument per dokumenttyp" in p.extract_text()
    )
    content = page.get_contents().get_data().decode("latin-1")
    figure = content[content.index("/Figure") :]
    assert re.search(r"[\d.]+ [\d.]+ [\d.]+ [\d.]+ re\b", figure)


def figure_alts(reader):
    """The /Alt text of every Figure in the PDF's structure tree."""
    root = reader.trailer["/Root"]["/StructTreeRoot"]
    alts, stack = [], [root]
    while stack:
        node = stack.pop()
        if hasattr(node, "get_object"):
            node = node.get_object()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not hasattr(node, "get"):
            continue
        if node.get("/S") == "/Figure" and "/Alt" in node:
            alts.append(str(node["/Alt"]))
        kids = node.get("/K")
        if kids is not None:
            stack.extend(kids if isinstance(kids, list) else [kids])
    return alts


def test_an_empty_register_draws_empty_charts_and_says_so(time_machine):
    time_machine.move_to(NOON, tick=False)
    report = build_report(START, END)
    charts = annual_report_charts(report)
    assert charts.organisations is None and charts.decisions is None and charts.trend is None
    assert charts.required is None
    assert "Totalt 0 dokument." in charts.types.description
    assert "10 av 10 områden saknar aktuella dokument." in charts.lis.description
    html = Template(
        "{% load report_charts %}{% report_chart charts.types %}{% report_chart charts.lis %}"
    ).render(Context({"charts": charts}))
    assert html.count("<figure") == 2

    page = soup(client_for(make_user("chef", superuser=True)).get(ANNUAL))
    assert "Det finns inga dokument i registret." in text_of(page)
    assert "Inga beslut under perioden." in text_of(page)
    assert "Inga dagliga mätningar ännu för perioden." in text_of(page)
