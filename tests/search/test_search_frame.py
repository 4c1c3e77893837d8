"""The search page reads the reader's hidden subtrees and the site's menus in one statement with
the start page (policies.models.routing.read_frame), as a routed page does, and the public site
searches through an index of what it may find (search migration 0011).

What the reader sees must not change: the menus Wagtail's own queryset gives, no document in a
subtree hidden from them, and the documents they may see."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from policies.models import (
    ContentPage,
    HomePage,
    InformationPage,
    Publicity,
    RiktlinjePage,
    RutinPage,
    Styrdokument,
)
from tests.factories import INTRANET_HOST, PUBLIC_HOST, make_live_document, make_user
from tests.shared import build_once

pytestmark = pytest.mark.django_db

SEARCH = "/sok/"
WORD = "brandskydd"


def build_world():
    home = HomePage.objects.first()

    def menu_page(page_class, title, **fields):
        page = page_class(title=title, slug=title.lower(), **fields)
        return home.add_child(instance=page)

    menu_page(InformationPage, "Omkommunen", show_in_menus=True)
    menu_page(ContentPage, "Kontakt", show_in_menus=True)
    menu_page(InformationPage, "Ejmeny", show_in_menus=False)
    locked = menu_page(InformationPage, "Inloggning", show_in_menus=True)
    PageViewRestriction.objects.create(page=locked, restriction_type="login")

    group = Group.objects.create(name="Räddningstjänst")
    make_user("medlem", groups=[group])
    make_user("utanfor")
    make_live_document(RiktlinjePage, title=f"Riktlinje för {WORD}")
    make_live_document(RutinPage, title=f"Intern rutin för {WORD}", publicity=Publicity.INTERNAL)
    restricted = make_live_document(
        RiktlinjePage,
        title=f"Begränsad riktlinje för {WORD}",
        publicity=Publicity.INTERNAL,
        restricted_to=[group],
    )
    # Public itself, but in the restricted riktlinje's subtree: hidden with it.
    make_live_document(RutinPage, parent=restricted, title=f"Rutin under sekretess om {WORD}")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


def client_for(reader):
    if reader == "public":
        return Client(HTTP_HOST=PUBLIC_HOST)
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(_user(reader))
    return client


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def search_page(client):
    client.get(SEARCH, {"q": WORD})  # what is kept per process is filled
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": WORD})
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser"), [
        query["sql"] for query in queries.captured_queries
    ]


SEEN = {
    "public": {f"Riktlinje för {WORD}"},
    "utanfor": {f"Riktlinje för {WORD}", f"Intern rutin för {WORD}"},
    "medlem": {
        f"Riktlinje för {WORD}",
        f"Intern rutin för {WORD}",
        f"Begränsad riktlinje för {WORD}",
        f"Rutin under sekretess om {WORD}",
    },
}


@pytest.mark.parametrize("reader", list(SEEN))
def test_the_results_are_what_the_reader_may_see(world, reader):
    soup, _sql = search_page(client_for(reader))
    titles = {a.get_text(strip=True) for a in soup.select(".search-result__title a")}
    assert titles == SEEN[reader]


@pytest.mark.parametrize("reader", list(SEEN))
def test_the_menus_are_wagtails(world, reader):
    soup, _sql = search_page(client_for(reader))
    nav = [a.get_text(strip=True) for a in soup.select(".site-nav a")]
    assert "Omkommunen" in nav
    assert "Ejmeny" not in nav and "Inloggning" not in nav
    footer = [a.get_text(strip=True) for a in soup.select(".footer-links a")]
    assert footer == ["Omkommunen", "Kontakt"]


@pytest.mark.parametrize("reader", list(SEEN))
def test_hidden_subtrees_and_menus_come_with_the_start_page(world, reader):
    """One statement names the restricted documents' table (the start page's, with the menus);
    no statement reads the menu pages or the hidden roots on its own."""
    _soup, sql = search_page(client_for(reader))
    restricted = Styrdokument.restricted_to.through._meta.db_table
    reading_roots = [s for s in sql if restricted in s and "show_in_menus" in s]
    assert len(reading_roots) == 1, sql
    assert not [s for s in sql if restricted in s and s not in reading_roots], sql
    # The menus' own statement asks about view restrictions too.
    view_restrictions = PageViewRestriction._meta.db_table
    assert not [s for s in sql if view_restrictions in s and s not in reading_roots], sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the copy is PostgreSQL's")
def test_the_public_search_reads_the_index_of_public_entries(world):
    """The statement the public site ranks its results with can be served by the partial index
    of public, live entries (its conditions imply the index's); the intranet's cannot."""
    from django.test import RequestFactory

    from search.models import RankedEntry

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_ranked_public_body'"
        )
        (definition,) = cursor.fetchone()
    assert "WHERE (live AND ((publicity)::text = 'public'::text))" in definition

    def plan(host, user=None):
        request = RequestFactory().get(SEARCH, HTTP_HOST=host)
        if user is not None:
            request.user = user
        entries = RankedEntry.objects.for_request(request).extra(
            where=["body @@ to_tsquery('swedish', %s)"], params=[WORD]
        )
        sql, params = entries.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            # Seq scans off: the few rows here would otherwise be read without any index.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())

    assert "search_ranked_public_body" in plan(PUBLIC_HOST)
    assert "search_ranked_public_body" not in plan(INTRANET_HOST, _user("utanfor"))
