"""The register fits every screen, and Revisionsplan's titles wrap between words (issue 19).

The register's table was 1,217 px wide inside its container, its status column behind a
horizontal scroll at every width. In headless Chromium, at 320, 768, 1,280 and 1,920 px, on both
channels (the intranet shows the internal tag and more statuses), nothing scrolls sideways: not
the page, not the table's container, not the table; every review status is inside the viewport.
From 768 px the rows are a table; below, cards whose values are named by their column.

Revisionsplan in the admin broke titles inside a word (Wagtail's `word-break: break-word` on a
squeezed column): no word of a title is split over two lines there.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from policies.models import (
    PolicyPage,
    Publicity,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
    Styrdokument,
)
from tests.factories import (
    PASSWORD,
    days_ago,
    get_body,
    get_lis_area,
    make_live_document,
    make_organisation,
    make_user,
)

from .ui import log_in, screenshot

pytestmark = pytest.mark.browser

STAFF = "medarbetare"
WIDTHS = (320, 768, 1280, 1920)
LONG_TITLE = (
    "Riktlinje för informationsklassning, behörighetsstyrning och loggning i "
    "kommunens verksamhetssystem"
)


def build_register():
    """Documents with the longest values a register row shows: compound words, every LIS area,
    each review status, the internal tag and the review flag."""
    make_user(STAFF, first_name="Maja", last_name="Medarbetare")
    make_user("granskare", superuser=True, first_name="Gun", last_name="Granskare")
    long_unit = make_organisation("Samhällsbyggnadsförvaltningen")
    other_unit = make_organisation("Kommunledningsförvaltningen")
    make_live_document(
        PolicyPage,
        title="Informationssäkerhetspolicy",
        organisation=other_unit,
        lis_areas=[get_lis_area(number) for number in range(1, 11)],
        next_review=days_ago(-400),
    )
    flagged = make_live_document(
        RiktlinjePage,
        title=LONG_TITLE,
        publicity=Publicity.INTERNAL,
        organisation=long_unit,
        decision_body=get_body("kf"),
        diarienummer="KS-2026-12345-10",
        lis_areas=[get_lis_area(5), get_lis_area(9)],
        next_review=days_ago(-10),
    )
    Styrdokument.objects.filter(pk=flagged.pk).update(review_flagged_at=timezone.now())
    make_live_document(
        RutinPage,
        title="Rutin för rapportering av informationssäkerhetsincidenter",
        organisation=long_unit,
        lis_areas=[get_lis_area(7)],
        next_review=days_ago(3),
    )
    make_live_document(
        StodanvisningPage,
        title="Stödanvisning för incidentrapportering",
        decision_body=None,
        diarienummer="",
        lis_areas=[get_lis_area(6)],
        next_review=days_ago(-30),
    )


def open_register(browser, styrdok, channel, width):
    context = browser.new_context(
        locale="sv-SE", viewport={"width": width, "height": 900}, timezone_id="Europe/Stockholm"
    )
    tab = context.new_page()
    base = styrdok.public if channel == "public" else styrdok.intranet
    if channel == "intranet":
        tab.goto(f"{base}/logga-in/")
        tab.get_by_label("Användarnamn").fill(STAFF)
        tab.get_by_label("Lösenord").fill(PASSWORD)
        tab.get_by_role("button", name="Logga in").click()
        tab.wait_for_url(f"{base}/")
    response = tab.goto(f"{base}/styrdokument/")
    assert response.status == 200
    return context, tab


MEASURE = """() => {
  const wrap = document.querySelector('.table-wrap');
  const table = wrap.querySelector('table');
  const rows = [...table.querySelectorAll('tbody tr')];
  const outside = (el) => {
    const r = el.getBoundingClientRect();
    return r.width === 0 || r.left < -0.5 || r.right > window.innerWidth + 0.5;
  };
  return {
    page: document.scrollingElement.scrollWidth,
    viewport: window.innerWidth,
    wrap: [wrap.scrollWidth, wrap.clientWidth],
    table: [table.scrollWidth, table.clientWidth, Math.round(table.getBoundingClientRect().width)],
    rowDisplay: getComputedStyle(rows[0]).display,
    rows: rows.length,
    statuses: rows.map((row) => row.querySelectorAll('td:last-child .status').length),
    statusesOutside: rows.flatMap((row) => [...row.querySelectorAll('td:last-child .status')])
      .filter(outside).map((badge) => badge.textContent),
    cellsOutside: rows.flatMap((row) => [...row.cells]).filter(outside)
      .map((cell) => cell.dataset.label || 'Titel'),
  };
}"""


def test_the_register_fits_every_width_on_both_channels(styrdok, browser):
    build_register()
    failures = []
    for channel in ("public", "intranet"):
        for width in WIDTHS:
            context, tab = open_register(browser, styrdok, channel, width)
            try:
                shown = tab.evaluate(MEASURE)
                # From 1,280 px every word fits its column whole (at 768 px a long compound
                # may have to break where the browser cannot hyphenate Swedish).
                split = tab.evaluate(SPLIT_WORDS, ".register-table th, .register-table td")
                screenshot(tab, f"register-{channel}-{width}")
            finally:
                context.close()
            problems = []
            if shown["page"] > shown["viewport"]:
                problems.append("the page scrolls sideways")
            if shown["wrap"][0] > shown["wrap"][1]:
                problems.append("the table's container scrolls sideways")
            if shown["table"][0] > shown["table"][1] or shown["table"][2] > shown["wrap"][1]:
                problems.append("the table is wider than its container")
            if shown["statusesOutside"] or shown["cellsOutside"]:
                problems.append("a status or cell is outside the viewport")
            if width >= 1280 and split:
                problems.append(f"words split over two lines: {split}")
            if 0 in shown["statuses"]:
                problems.append("a row has no review status")
            expected = "table-row" if width >= 768 else "block"
            if shown["rowDisplay"] != expected:
                problems.append(f"rows are {shown['rowDisplay']}, not {expected}")
            if problems:
                failures.append(f"{channel} at {width} px: {', '.join(problems)}: {shown}")
    assert not failures, "\n".join(failures)


def test_the_intranet_register_shows_its_extra_statuses(styrdok, browser):
    build_register()
    context, tab = open_register(browser, styrdok, "intranet", 768)
    try:
        row = tab.get_by_role("row").filter(has_text=LONG_TITLE)
        assert row.locator(".tag").inner_text() == "Intern"
        badges = row.locator("td:last-child .status").all_inner_texts()
        assert "Översyn behövs" in badges
        assert row.get_by_text("Informationsklassning, Säkerhetskrav vid upphandling").is_visible()
    finally:
        context.close()


# The words under `selector` that are split over two lines (each word's boxes on one line).
SPLIT_WORDS = """(selector) => {
  const split = [];
  const range = document.createRange();
  document.querySelectorAll(selector).forEach((cell) => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /\\S+/g;
      let match;
      while ((match = re.exec(node.textContent))) {
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) split.push(match[0]);
      }
    }
  });
  return split;
}"""


@pytest.mark.parametrize("width", [1280, 768])
def test_revisionsplan_titles_wrap_between_words(styrdok, browser, width):
    build_register()
    context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
    tab = context.new_page()
    try:
        log_in(tab, styrdok, "granskare")
        tab.goto(f"{styrdok.intranet}{reverse('styrdok_revision_plan:index')}")
        titles = tab.locator("table.revision-plan .title")
        assert titles.count() == 4
        style = titles.first.evaluate(
            "(el) => [getComputedStyle(el).wordBreak, getComputedStyle(el).overflowWrap]"
        )
        assert style == ["normal", "break-word"]
        screenshot(tab, f"revisionsplan-{width}")
        assert tab.evaluate(SPLIT_WORDS, "table.revision-plan .title") == []
    finally:
        context.close()
