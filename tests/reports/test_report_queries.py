"""The admin reports and the dashboard cost the same number of queries however large the register
is (issue 17), and Beslutsärenden still lists exactly the runs its reader may know of now that it
reads each run's document through the document's key."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, Workflow, WorkflowState

from governance.models import DecisionBody
from policies.models import Publicity, RiktlinjePage, RutinPage
from tests.factories import get_lis_area, make_live_document, make_user
from tests.governance.workflow_helpers import client_for, soup, text_of

pytestmark = pytest.mark.django_db

ANNUAL = "/admin/rapporter/arlig-genomgang/"
CASES = "/admin/rapporter/beslutsarenden/"
PLAN = "/admin/rapporter/revisionsplan/"
DASHBOARD = "/admin/"


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def finished_run(page, user, status=WorkflowState.STATUS_APPROVED):
    return WorkflowState.objects.create(
        content_type=page.content_type,
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        workflow=Workflow.objects.first(),
        requested_by=user,
        status=status,
    )


def add_documents(count, owner, offset=0):
    """Documents of every kind the report tells apart: owned and ownerless, overdue, due soon
    and current, in different LIS areas, each decided this year and with a finished run."""
    for n in range(offset, offset + count):
        page = make_live_document(
            RutinPage if n % 2 else RiktlinjePage,
            title=f"Rapportdokument {n:02d}",
            responsible=None if n % 5 == 0 else owner,
            next_review=in_days((n % 3 - 1) * 40),
            lis_areas=[get_lis_area(1 + n % 10)],
            decision_date=in_days(-10),
        )
        log(
            page,
            "governance.decided",
            data={"decision_date": in_days(-10).isoformat(), "body": "Kommunstyrelsen"},
        )
        finished_run(page, owner)
    return owner


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.fixture
def chef(db):
    """Reads every report and sees the samordnare's panels; owns the documents."""
    return make_user("chef", superuser=True, first_name="Cecilia", last_name="Chef")


@pytest.mark.parametrize(
    "url",
    [
        ANNUAL,
        CASES,
        f"{CASES}?document_type=rutin",
        f"{CASES}?decision_body={{body}}",
        PLAN,
        DASHBOARD,
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_register(chef, url):
    url = url.format(body=DecisionBody.objects.get(code="ks").pk)
    client = client_for(chef)
    add_documents(4, chef)
    client.get(url)  # warm up (session, settings, content types)
    few, _response = count_queries(client, url)

    add_documents(30, chef, offset=4)
    many, response = count_queries(client, url)

    assert many == few
    assert few < 60
    if url == ANNUAL:
        # The figures count every document, so the report did read them all.
        figures = text_of(soup(response).select_one(".annual-report__figures"))
        assert "Styrdokument i registret 34" in figures


def case_titles(response):
    return [text_of(cell) for cell in soup(response).select("tbody tr td:first-child")]


def test_decision_cases_list_only_runs_on_documents_the_reader_may_know_of(chef):
    secret = Group.objects.create(name="Hemliga gruppen")
    outsider = make_user("redaktor-x", groups=["Redaktörer"], first_name="Rut", last_name="Red")
    open_doc = make_live_document(RiktlinjePage, title="Öppen riktlinje")
    hidden = make_live_document(
        RiktlinjePage,
        title="Skyddad riktlinje",
        publicity=Publicity.INTERNAL,
        restricted_to=[secret],
    )
    finished_run(open_doc, chef)
    finished_run(hidden, chef)
    # A run on something that is not a page (a snippet's text key) is neither listed nor fatal.
    WorkflowState.objects.create(
        content_type=ContentType.objects.get_for_model(DecisionBody),
        base_content_type=ContentType.objects.get_for_model(DecisionBody),
        object_id="ks-nyckel",
        workflow=Workflow.objects.first(),
        requested_by=chef,
        status=WorkflowState.STATUS_APPROVED,
    )

    everyone = client_for(chef).get(CASES)
    restricted = client_for(outsider).get(CASES)

    assert everyone.status_code == restricted.status_code == 200
    everyone_text = text_of(soup(everyone))
    assert "Öppen riktlinje" in everyone_text
    assert "Skyddad riktlinje" in everyone_text
    restricted_text = text_of(soup(restricted))
    assert "Öppen riktlinje" in restricted_text
    assert "Skyddad riktlinje" not in restricted_text


def test_a_stored_pdf_adds_no_query_to_the_report_page(chef):
    """Whether the latest stored PDF shows today's data is read from the report itself, so the
    page costs the same before and after the first PDF (the bench compares the two states)."""
    from django.core.files.base import ContentFile
    from django.urls import reverse

    from reports.annual_report_views import default_period
    from reports.models import RenderedReport, ReportKind
    from reports.tasks import EVERYONE

    client = client_for(chef)
    add_documents(4, chef)
    client.get(ANNUAL)
    before, _response = count_queries(client, ANNUAL)

    start, end = default_period()
    rendered = RenderedReport(
        kind=ReportKind.ANNUAL_REPORT,
        period_start=start,
        period_end=end,
        audience=EVERYONE,
        as_of=end,
        content_hash="0" * 64,
        filename="arsrapport.pdf",
        sha256="0" * 64,
        size=4,
        pages=1,
        requested_by=chef,
    )
    rendered.file.save("arsrapport.pdf", ContentFile(b"%PDF"), save=False)
    rendered.save()

    after, response = count_queries(client, ANNUAL)
    assert after == before
    assert (
        reverse("styrdok_annual_report:download", args=[rendered.pk]) in response.content.decode()
    )
