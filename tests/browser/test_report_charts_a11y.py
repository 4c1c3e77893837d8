"""The yearly report's charts and the dashboard's trend chart in Chromium: axe-core finds no
violation on either page, and every chart is a named image with its caption."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.log_actions import log

from governance.constants import OrganisationKind
from policies.models import RiktlinjePage, RutinPage
from reports.models import StatusSnapshot
from tests.factories import get_lis_area, make_live_document, make_organisation, make_user

from . import a11y, ui

CHART_IDS = (
    "diagram-utveckling",
    "diagram-typ-status",
    "diagram-forvaltning",
    "diagram-beslut",
    "diagram-lis",
)


def build_register():
    today = timezone.localdate()
    social = make_organisation("Socialförvaltningen")
    kontor = make_organisation("IT-kontoret", kind=OrganisationKind.KONTOR, parent=social)
    owner = make_user("agare", first_name="Åsa", last_name="Ägare")
    for n, (days, organisation) in enumerate(
        [(200, social), (20, kontor), (-10, None), (-40, social), (90, None)]
    ):
        page = make_live_document(
            RutinPage if n % 2 else RiktlinjePage,
            title=f"Diagramdokument {n}",
            responsible=None if n == 4 else owner,
            next_review=today + datetime.timedelta(days=days),
            organisation=organisation,
            lis_areas=[get_lis_area(1 + n)],
        )
        log(
            page,
            "governance.decided",
            data={"decision_date": today.isoformat(), "body": "Kommunstyrelsen"},
        )
    for months_ago, overdue in ((3, 9), (2, 6), (1, 4), (0, 2)):
        date = today - datetime.timedelta(days=30 * months_ago)
        StatusSnapshot.objects.create(
            date=date,
            recorded_at=timezone.now(),
            warning_days=60,
            total=12,
            in_time=12 - overdue - 1,
            due_soon=1,
            overdue=overdue,
            no_owner=1,
        )


def assert_no_violations(page):
    results = a11y.axe_violations(page)
    assert results.response["violations"] == [], a11y.describe_violations(results)


@pytest.mark.browser
def test_the_yearly_report_and_the_dashboard_charts_pass_axe(styrdok, page):
    build_register()
    make_user("chef", superuser=True, first_name="Cecilia", last_name="Chef")
    ui.log_in(page, styrdok, "chef")

    # The dashboard (log_in ends there): the trend panel with its chart.
    panel = page.locator(".styrdok-trend-panel")
    expect(panel).to_contain_text("Försenade dokument:")
    expect(panel.get_by_role("img", name="Utvecklingen")).to_be_visible()
    assert_no_violations(page)

    page.goto(f"{styrdok.admin}/rapporter/arlig-genomgang/")
    expect(page.get_by_role("heading", name="Utveckling under perioden")).to_be_visible()
    for chart_id in CHART_IDS:
        figure = page.locator(f"figure#{chart_id}")
        expect(figure.get_by_role("img")).to_be_visible()
        expect(figure.locator("figcaption")).to_contain_text("Diagram:")
    expect(page.get_by_role("img", name="Styrdokument per dokumenttyp")).to_be_visible()
    assert_no_violations(page)
    assert page.js_errors == []
    ui.screenshot(page, "arlig-genomgang-diagram")
