"""/sok/ and /sok/forslag/ ask the database the same number of questions whether a word is in
30 documents or 80 (each more than a page), and never the same question twice (issue 17: the
match used to run twice, once to count and once for the page)."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from policies.models import Publicity, RiktlinjePage, RutinPage
from tests.factories import make_live_document, make_user
from tests.shared import build_once

pytestmark = pytest.mark.django_db

SEARCH = "/sok/"
SUGGEST = "/sok/forslag/"
# Two topics: the same questions at two sizes. Each has public, internal and restricted ones.
# Neither word is a compound: a compound found in less than a page of documents as itself is
# searched once more with its parts apart (search.ranking.WIDEN_BELOW, tests/search/
# test_widening.py), so with a filter it would not ask the same questions at both sizes.
SIZES = {"ventilation": 30, "arkivering": 80}
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


def build_world():
    group = Group.objects.create(name="Sekretess")
    numbers = {}
    for word, size in SIZES.items():
        for n in range(size):
            page_class = RutinPage if n % 3 == 0 else RiktlinjePage
            document = make_live_document(
                page_class,
                title=f"{page_class._meta.verbose_name.capitalize()} om {word} {n:02d}",
                summary=f"Så sköts {word} i förvaltningen, del {n}.",
                publicity=Publicity.INTERNAL if n % 4 == 1 else Publicity.PUBLIC,
                restricted_to=[group] if n == 5 else [],
            )
            numbers.setdefault(word, document.diarienummer)
    return numbers


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def numbers(world, db):
    return world


def statements(client, path, params):
    """The response and the SQL statements of a second, identical request (the first one fills
    what is cached per process, such as the "Menade du …" vocabulary)."""
    client.get(path, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    sql = [query["sql"] for query in queries.captured_queries]
    return response, [s for s in sql if not s.upper().startswith(TRANSACTION_CONTROL)]


def assert_no_statement_twice(sql):
    repeated = {s for s in sql if sql.count(s) > 1}
    assert not repeated, "\n\n".join(sorted(repeated))


def result_titles(response):
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".search-result__title a")]


def result_count(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select_one(".result-count").get_text(" ", strip=True)


def counts_at_both_sizes(client, path, params_for):
    """{word: (response, statements)}; asserts no statement twice in any request."""
    measured = {}
    for word in SIZES:
        response, sql = statements(client, path, params_for(word))
        assert_no_statement_twice(sql)
        measured[word] = (response, sql)
    return measured


def assert_constant(measured):
    small, large = (len(sql) for _response, sql in measured.values())
    assert small == large, (small, large)


@pytest.fixture
def staff_client(db):
    """A member of staff on the intranet, not in the group the restricted documents are for."""
    client = Client(HTTP_HOST=settings.STYRDOK_INTRANET_HOSTNAME)
    client.force_login(make_user("sokare"))
    return client


def expected_hits(public, typ=None):
    """Of the arkivering documents: every fourth from the second is internal, the sixth
    restricted; every third a rutin."""
    return len(
        [
            n
            for n in range(SIZES["arkivering"])
            if (not public or n % 4 != 1) and n != 5 and (typ is None or n % 3 == 0)
        ]
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"typ": "rutin"},
        {"sida": "2"},
        {"sida": "sista"},
        {"sida": "99"},
    ],
    ids=["first-page", "type-filter", "second-page", "page-not-a-number", "page-past-the-end"],
)
@pytest.mark.parametrize("channel", ["public_client", "staff_client"])
def test_a_search_asks_the_same_questions_for_30_and_80_hits(request, numbers, channel, params):
    client = request.getfixturevalue(channel)
    measured = counts_at_both_sizes(client, SEARCH, lambda word: {"q": word, **params})
    assert_constant(measured)
    response, _sql = measured["arkivering"]
    expected = expected_hits(channel == "public_client", params.get("typ"))
    assert result_count(response).startswith(f"{expected} träffar")
    titles = result_titles(response)
    assert titles and all("arkivering" in title for title in titles)
    assert not any(title.endswith(" 05") for title in titles)  # the restricted one


@pytest.mark.parametrize("channel", ["public_client", "staff_client"])
def test_a_diarienummer_goes_to_its_document_with_the_same_questions(request, numbers, channel):
    client = request.getfixturevalue(channel)
    measured = counts_at_both_sizes(client, SEARCH, lambda word: {"q": numbers[word]})
    assert_constant(measured)
    for response, _sql in measured.values():
        assert response.status_code == 302


def test_no_hits_with_a_suggestion_asks_the_same_questions(public_client, numbers):
    misspelt = {"ventilation": "ventilatoin", "arkivering": "arkiverinng"}
    # As typed ("exakt"): no hits, and the correction offered.
    measured = counts_at_both_sizes(
        public_client, SEARCH, lambda word: {"q": misspelt[word], "exakt": "1"}
    )
    assert_constant(measured)
    for word, (response, _sql) in measured.items():
        assert result_titles(response) == []
        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.select_one(".did-you-mean a").get_text(strip=True) == word
    # The correction applied: the corrected word's hits.
    measured = counts_at_both_sizes(public_client, SEARCH, lambda word: {"q": misspelt[word]})
    assert_constant(measured)
    for word, (response, _sql) in measured.items():
        titles = result_titles(response)
        assert titles and all(word in title for title in titles)


@pytest.mark.parametrize("channel", ["public_client", "staff_client"])
def test_the_autocomplete_asks_the_same_questions(request, numbers, channel):
    client = request.getfixturevalue(channel)
    prefixes = {"ventilation": "ventil", "arkivering": "arkiv"}
    measured = counts_at_both_sizes(client, SUGGEST, lambda word: {"q": prefixes[word]})
    assert_constant(measured)
    for word, (response, _sql) in measured.items():
        suggestions = response.json()
        assert 1 <= len(suggestions) <= 8
        assert all(word in item["title"] for item in suggestions)


def test_the_match_runs_once_per_search(public_client, numbers):
    """The count of hits comes with the page: one statement reads the full-text match."""
    _response, sql = statements(public_client, SEARCH, {"q": "arkivering"})
    matching = [s for s in sql if "arkiv" in s.lower() and "select" in s.lower()]
    assert len(matching) == 1, matching


def test_the_autocomplete_reads_its_documents_in_one_statement(public_client, numbers):
    """The eight documents are chosen and read by one statement (the ids sorted in a subquery),
    not chosen by one and read by another."""
    response, sql = statements(public_client, SUGGEST, {"q": "arkiv"})
    assert len(response.json()) == 8
    documents = [s for s in sql if '"policies_styrdokument"' in s]
    assert len(documents) == 1, documents
