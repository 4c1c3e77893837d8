"""A page of ranked results read by search.ranking.NarrowPage (PostgreSQL): every match scored
before it is counted and sorted, in a statement of its own rather than the ORM's.

It must change nothing a reader sees: the same results page, byte for byte, as the ORM's
statement gives, for every kind of query (one word, folded, compounds, relaxed and loose
questions, phrases, OR, exclusions, a misspelling), with filters and later pages, for every
kind of reader, on the ranked search's narrow copy and on the documents themselves.
"""

import pytest
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from policies.models import Styrdokument
from search import ranking, views
from search.ranking import NarrowPage
from tests.factories import INTRANET_HOST, PUBLIC_HOST, make_user
from tests.search.corpus import load_corpus
from tests.search.test_ranked_entries import BESLUTSFATTARE, page_of
from tests.shared import build_once

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="NarrowPage is PostgreSQL's"),
]

QUERIES = [
    "informationssäkerhet",
    "informationssakerhet",
    "säkerhet",
    "riktlinjer säkerhet",
    "lösenord -leverantör",
    "incident OR kontinuitet",
    "vem ansvarar för att stänga av konton när någon slutar",
    "hur ska jag rapportera en incident med personuppgifter",
    "jävsregler",
    "informatonssäkerhet",
    "säkerhetskopiering återställning",
    '"fysisk säkerhet"',
    '"informationssäkerhet" -molntjänster',
    "zzzyx",
]
FILTERS = [{}, {"typ": "rutin"}, {"sida": "2"}, {"organ": "ks"}, {"status": "aktuell"}]
NARROW_SQL = "OFFSET 0) AS s("


def build_corpus():
    load_corpus()
    return {
        "staff": make_user("medarbetare-smal"),
        "member": make_user("beslutsfattare-smal", groups=[BESLUTSFATTARE]),
    }


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_corpus)


@pytest.mark.parametrize("copy", [True, False], ids=["narrow-copy", "documents"])
@pytest.mark.parametrize("reader", ["public", "staff", "member"])
def test_the_narrow_page_shows_the_same_results(corpus, client, monkeypatch, reader, copy):
    host = PUBLIC_HOST if reader == "public" else INTRANET_HOST
    if reader != "public":
        client.force_login(corpus[reader])
    if not copy:
        monkeypatch.setattr(views, "ranked_for_request", lambda request: None)
    narrow_pages = with_results = 0
    for query in QUERIES:
        for filters in FILTERS:
            with CaptureQueriesContext(connection) as queries:
                narrow = page_of(client, host, query, filters)
            narrow_pages += any(NARROW_SQL in q["sql"] for q in queries)
            with_results += 'class="search-results"' in narrow[2]
            with monkeypatch.context() as patched:
                patched.setattr(ranking, "NARROW_PAGES", False)
                with CaptureQueriesContext(connection) as queries:
                    by_orm = page_of(client, host, query, filters)
                assert not any(NARROW_SQL in q["sql"] for q in queries)
            assert narrow == by_orm, (reader, query, filters)
    # The comparison was of real results, read the narrow way.
    assert with_results >= len(QUERIES) * len(FILTERS) // 3
    assert narrow_pages >= len(QUERIES) * len(FILTERS) // 2


def test_a_page_past_the_last_reads_nothing_and_the_view_says_so(corpus, client):
    response = client.get(
        "/sok/", {"q": "informationssäkerhet", "sida": "40"}, HTTP_HOST=PUBLIC_HOST
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sidan 40 finns inte; visar sista sidan (1)." in page
    assert 'class="search-results"' in page


def test_documents_that_can_be_none_read_an_empty_page(corpus):
    """A queryset Django knows to be empty has no SQL; the page is empty, as the ORM's is."""
    page = NarrowPage(Styrdokument.objects.none(), Value(1.0), Value(1.0), first=["-pk"])
    assert page(0, 20) == []
    assert page(380, 20) == []


def test_the_statement_ranks_before_it_counts(corpus, client):
    """The count and the sort see narrow rows: the scores are computed inside the subquery."""
    with CaptureQueriesContext(connection) as queries:
        client.get("/sok/", {"q": "säkerhet"}, HTTP_HOST=PUBLIC_HOST)
    (statement,) = [q["sql"] for q in queries if NARROW_SQL in q["sql"]]
    head, rest = statement.split(" FROM (", 1)
    inner, order = rest.split(NARROW_SQL)
    assert head == 'SELECT s.pk, COUNT(*) OVER () AS "_search_total"'
    assert "ts_rank(" in inner and "OVER" not in inner
    assert "ts_rank(" not in order and "body" not in order


def test_the_band_is_rounded_as_a_float(corpus, client, monkeypatch):
    """Rounding the band through numeric cost a conversion per match (2 ms of 12 for a broad
    word at 10,000 documents); both statements round the float itself, and show the same page."""
    pages = {}
    for narrow in (True, False):
        monkeypatch.setattr(ranking, "NARROW_PAGES", narrow)
        with CaptureQueriesContext(connection) as queries:
            pages[narrow] = page_of(client, PUBLIC_HOST, "riktlinjer säkerhet", {})
        ranked = [q["sql"] for q in queries if "ts_rank(" in q["sql"]]
        assert ranked and all("ROUND(" in sql and "numeric" not in sql for sql in ranked)
    assert pages[True] == pages[False]
    assert "search-result" in pages[True][2]
