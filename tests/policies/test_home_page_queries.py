"""The start page reads a fixed number of rows however many documents the register holds
(issue 17): its "Senast beslutade" list joins each document's organ and förvaltning instead of
reading them one by one, and it lists exactly for_request's newest documents for every reader,
though it reads them with a statement compiled once per process (policies.models.site)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import PolicyPage, Publicity, RiktlinjePage, Styrdokument
from policies.models.site import LATEST, LATEST_OVERFETCH, latest_documents
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    days_ago,
    make_live_document,
    make_live_documents,
    make_organisation,
    make_user,
    reader_request,
)
from tests.shared import build_once

pytestmark = pytest.mark.django_db

# The bare page's six (site, routing, view restrictions, settings) and the menus, the register
# link, the hidden subtrees, the latest documents and Wagtail's site root paths for the links.
BUDGET = 10


def build_world():
    forvaltningar = [make_organisation(f"Förvaltning {n}") for n in range(8)]
    return forvaltningar


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


def add_documents(forvaltningar, count, start):
    """`count` public documents, each decided a day apart and owned by a förvaltning of its own."""
    for n in range(count):
        make_live_documents(
            RiktlinjePage if n % 2 else PolicyPage,
            1,
            title=f"Beslutat dokument {start + n:02d}",
            decision_date=days_ago(start + n),
            organisation=forvaltningar[n % len(forvaltningar)],
        )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_the_start_page_reads_the_same_rows_for_two_and_for_eight_documents(world, public_client):
    add_documents(world, 2, start=1)
    public_client.get("/")
    small_response, small = queries_for(public_client, "/")

    add_documents(world, 6, start=10)
    public_client.get("/")
    large_response, large = queries_for(public_client, "/")

    assert small == large <= BUDGET
    assert "Förvaltning 1" in small_response.content.decode()
    page = large_response.content.decode()
    # The five latest decisions, newest first, each with its förvaltning.
    shown = [f"Beslutat dokument {n:02d}" for n in (1, 2, 10, 11, 12)]
    assert [page.index(title) for title in shown] == sorted(page.index(t) for t in shown)
    assert "Beslutat dokument 13" not in page
    for n in range(3):  # the förvaltningar of documents 01, 02 and 10 to 12
        assert f"Förvaltning {n}" in page


def test_an_internal_document_is_not_among_the_public_start_pages_latest(
    world, public_client, intranet_client
):
    make_live_documents(
        PolicyPage,
        1,
        title="Intern nyhet",
        decision_date=days_ago(0),
        publicity=Publicity.INTERNAL,
        organisation=world[0],
    )

    assert "Intern nyhet" not in public_client.get("/").content.decode()
    assert "Intern nyhet" in intranet_client.get("/").content.decode()


def _restricted_news(group, count, start=0):
    """`count` documents decided today, newer than any other, restricted to `group`."""
    for n in range(count):
        make_live_document(
            RiktlinjePage,
            title=f"Begränsad nyhet {start + n}",
            decision_date=days_ago(0),
            publicity=Publicity.INTERNAL,
            restricted_to=[group],
        )


def _expected(request):
    """What the start page's list was before latest_documents: for_request's five newest."""
    return list(
        Styrdokument.objects.for_request(request)
        .exclude(decision_date__isnull=True)
        .order_by("-decision_date", "title", "pk")
        .values_list("title", flat=True)[:LATEST]
    )


@pytest.mark.parametrize("hidden", [0, 2, LATEST * LATEST_OVERFETCH - LATEST + 1, 12])
def test_the_latest_documents_are_for_requests_newest_for_every_reader(world, hidden):
    """Read by a compiled statement and checked one by one, the list is exactly what
    for_request gives, whether none, a few or most of the newest documents are hidden from
    the reader (then for_request itself is asked)."""
    group = Group.objects.create(name="Nyhetsgruppen")
    add_documents(world, 7, start=1)
    _restricted_news(group, hidden)
    readers = [
        (PUBLIC_HOST, None),
        (INTRANET_HOST, make_user("nyheter-personal")),
        (INTRANET_HOST, make_user("nyheter-medlem", groups=["Nyhetsgruppen"])),
    ]
    for host, user in readers:
        request = reader_request(host, user)
        titles = [document.title for document in latest_documents(request)]
        assert titles == _expected(request), (host, user)
        assert len(titles) == LATEST
    staff = reader_request(INTRANET_HOST, readers[1][1])
    assert not [t for t in (d.title for d in latest_documents(staff)) if "Begränsad" in t]


def test_a_reader_in_the_group_sees_the_restricted_news_first(world, intranet_client):
    group = Group.objects.create(name="Nyhetsgruppen")
    add_documents(world, 5, start=1)
    _restricted_news(group, 1)
    member = make_user("nyheter-medlem", groups=["Nyhetsgruppen"])

    staff_page = intranet_client.get("/").content.decode()
    intranet_client.force_login(member)
    member_page = intranet_client.get("/").content.decode()

    assert "Begränsad nyhet 0" not in staff_page
    assert member_page.index("Begränsad nyhet 0") < member_page.index("Beslutat dokument 01")
