"""The register's rows are written in Python (policies.register.rows_html, issue 17) rather
than by a template loop with a tag per row: every cell must still read as before, on both
channels, with the reader's review status, the internal tag and the review flag only where
they were shown, and every text escaped."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from governance.models import StyrdokSettings
from policies.channels import INTRANET, PUBLIC
from policies.models import (
    Publicity,
    ReviewStatus,
    RiktlinjePage,
    RutinPage,
    Styrdokument,
    review_status_label,
)
from policies.register import date_review_status
from tests.factories import get_lis_area, make_live_document, make_organisation
from tests.shared import build_once

pytestmark = pytest.mark.django_db

REGISTER = "/styrdokument/"
TODAY = datetime.date.today()
TRICKY_TITLE = 'Riktlinje <b>fet</b> & "citat"'


def build_world():
    organisation = make_organisation("Socialförvaltningen")
    make_live_document(
        RiktlinjePage,
        title=TRICKY_TITLE,
        organisation=organisation,
        lis_areas=[get_lis_area(3), get_lis_area(1)],
        next_review=TODAY + datetime.timedelta(days=10),
    )
    flagged = make_live_document(
        RiktlinjePage,
        title="Intern riktlinje",
        publicity=Publicity.INTERNAL,
        next_review=TODAY - datetime.timedelta(days=5),
    )
    Styrdokument.objects.filter(pk=flagged.pk).update(review_flagged_at=timezone.now())
    make_live_document(RutinPage, title="Rutin utan organ", decision_body=None, diarienummer="")
    return {}


@pytest.fixture(scope="module", autouse=True)
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


def shown_rows(response):
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        row.select_one("td a").get_text(): row
        for row in soup.select("table.register-table tbody tr")
    }


def expected_cells(document, channel):
    """What the template-rendered row showed for `document`, cell by cell."""
    warning_days = StyrdokSettings.load().review_warning_days
    status = document.status_for_channel(channel)
    areas = sorted(document.lis_areas.all(), key=lambda area: area.number)
    return [
        document.title,
        document.document_type_label,
        # One cell for the decision: organ, date and diarienummer (issue 19).
        " ".join(
            [
                document.decision_body.name if document.decision_body_id else "–",
                document.decision_date.isoformat() if document.decision_date else "–",
                f"Dnr {document.diarienummer or '–'}",
            ]
        ),
        document.organisation.name if document.organisation_id else "Kommungemensam",
        # The LIS areas by name, in the order of their numbers.
        ", ".join(area.name for area in areas) or "–",
        (document.next_review.isoformat() if document.next_review else "–")
        + " "
        + review_status_label(status, warning_days),
    ]


@pytest.mark.parametrize("channel", [PUBLIC, INTRANET])
def test_each_cell_reads_as_the_template_wrote_it(channel, public_client, intranet_client):
    client = public_client if channel == PUBLIC else intranet_client
    rows = shown_rows(client.get(REGISTER))
    documents = Styrdokument.objects.live().with_review_status()
    if channel == PUBLIC:
        documents = documents.filter(publicity=Publicity.PUBLIC)
    assert set(rows) == {document.title for document in documents}
    for document in documents:
        row = rows[document.title]
        cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
        cells[0] = row.select_one("td a").get_text()
        cells[-1] = cells[-1].replace(" Översyn behövs", "")
        assert cells == expected_cells(document, channel), document.title
        assert row.select_one("td a")["href"] == f"{REGISTER}{document.slug}/"
        assert [td["data-label"] for td in row.select("td")[1:]] == [
            "Dokumenttyp",
            "Beslut",
            "Förvaltning",
            "LIS-område",
            "Revideras senast",
        ]


def test_staff_alone_see_the_internal_tag_and_the_review_flag(public_client, intranet_client):
    staff = shown_rows(intranet_client.get(REGISTER))["Intern riktlinje"]
    assert staff.select_one(".tag").get_text() == "Intern"
    badges = [badge["class"][1] for badge in staff.select(".status")]
    assert badges == ["status--saknar-agare", "status--oversyn"]

    public = shown_rows(public_client.get(REGISTER))
    assert "Intern riktlinje" not in public
    assert not any(row.select(".tag") or row.select(".status--oversyn") for row in public.values())
    badges = {title: row.select_one(".status")["class"][1] for title, row in public.items()}
    assert badges[TRICKY_TITLE] == "status--snart"


def test_titles_are_escaped(public_client):
    response = public_client.get(REGISTER)
    row = shown_rows(response)[TRICKY_TITLE]
    assert row.select_one("td a b") is None
    assert "Riktlinje &lt;b&gt;fet&lt;/b&gt; &amp; &quot;citat&quot;" in response.content.decode()


def test_the_public_date_rule_matches_the_database_rule():
    """The public rows take their status from date_review_status, in Python; it must agree
    with with_review_status's CASE on every boundary."""
    warning_days = StyrdokSettings.load().review_warning_days
    soon = TODAY + datetime.timedelta(days=warning_days)
    document = Styrdokument.objects.live().first()
    offsets = [None, -1, 0, 1, warning_days - 1, warning_days, warning_days + 1]
    for offset in offsets:
        next_review = None if offset is None else TODAY + datetime.timedelta(days=offset)
        Styrdokument.objects.filter(pk=document.pk).update(next_review=next_review)
        stored = Styrdokument.objects.with_review_status(today=TODAY).get(pk=document.pk)
        assert date_review_status(next_review, TODAY, soon) == ReviewStatus(
            stored.date_review_status
        ), offset
