"""The register's LIS area filter on pages beyond the first few (policies.register: the area is
then tested against a hash of its documents on PostgreSQL, not joined, issue 17). Every page lists
what the joined condition lists, and together the pages list exactly the area's documents the
reader may see, each once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies import register
from policies.models import Publicity, RiktlinjePage, RutinPage
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    get_lis_area,
    make_live_document,
    make_live_documents,
    make_user,
)
from tests.policies.test_register import listed_titles
from tests.shared import build_once

pytestmark = pytest.mark.django_db

REGISTER = "/styrdokument/"
AREA = "3"
PUBLIC_IN_AREA = 110  # five pages of 25 on the public site, two of them deep
INTERNAL_IN_AREA = 20  # and a sixth on the intranet


def build_world():
    area, other = get_lis_area(int(AREA)), get_lis_area(4)
    public = make_live_documents(
        RiktlinjePage, PUBLIC_IN_AREA, title="Riktlinje i området {n:03d}", lis_areas=[area]
    )
    internal = make_live_documents(
        RutinPage,
        INTERNAL_IN_AREA,
        title="Intern rutin i området {n:02d}",
        parent=public[0],
        publicity=Publicity.INTERNAL,
        lis_areas=[area, other],
    )
    make_live_documents(RiktlinjePage, 12, title="Riktlinje utanför {n:02d}", lis_areas=[other])
    make_live_document(RiktlinjePage, title="Riktlinje utan område")
    return {
        "public": sorted(page.title for page in public),
        "intranet": sorted(page.title for page in public + internal),
        "staff": make_user("omraden-medarbetare"),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


def _page(client, host, number):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(REGISTER, {"omrade": AREA, "sida": number}, HTTP_HOST=host)
    assert response.status_code == 200
    hashed = any(") IS TRUE" in query["sql"] for query in queries.captured_queries)
    return listed_titles(response), hashed


@pytest.mark.parametrize("channel", ["public", "intranet"])
def test_every_page_of_an_area_lists_what_the_join_lists(world, client, monkeypatch, channel):
    host = PUBLIC_HOST if channel == "public" else INTRANET_HOST
    if channel == "intranet":
        client.force_login(world["staff"])
    pages = -(-len(world[channel]) // register.PAGE_SIZE)
    assert pages >= register.DEEP_PAGE + 2  # two deep pages are compared

    listed = []
    for number in range(1, pages + 1):
        titles, hashed = _page(client, host, number)
        # The hashed condition is used beyond DEEP_PAGE, on PostgreSQL only.
        assert hashed == (number > register.DEEP_PAGE and connection.vendor == "postgresql")
        with monkeypatch.context() as joined:
            joined.setattr(register, "DEEP_PAGE", 10**6)
            assert _page(client, host, number) == (titles, False), number
        listed += titles

    assert sorted(listed) == world[channel]
    assert len(set(listed)) == len(listed)
