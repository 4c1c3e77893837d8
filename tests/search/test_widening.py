"""A compound is searched as itself first (issue 17 and 18): only when that finds fewer than
WIDEN_BELOW documents are documents holding its parts apart found too. A common compound keeps
results that are about it, and the search does not rank every document that holds two common
words; a rare one still finds "hantering av incidenter" for "incidenthantering".
Run through /sok/ on the database in use (SQLite by default, PostgreSQL with DATABASE_URL)."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import RiktlinjePage, RutinPage
from search import ranking
from search.paging import TOTAL
from search.parsing import parse_query
from tests.search.search_helpers import one_paragraph_document, result_titles, search_page
from tests.shared import build_once

pytestmark = pytest.mark.django_db

TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")
APART = "Rutin för hantering av incidenter"
PLANNING_APART = "Rutin för planering av kontinuitet"


def build_world():
    doc = one_paragraph_document
    # As many documents with the compound as make a page: the parts are not searched.
    for n in range(ranking.WIDEN_BELOW):
        doc(
            RutinPage,
            f"Incidenthantering i verksamhet {n:02d}",
            "Incidenthantering sker enligt kommunens rutin.",
        )
    doc(RutinPage, APART, "Hantering av incidenter sker dygnet runt.")
    # One document with a rarer compound, one with its parts apart: both found.
    doc(RiktlinjePage, "Riktlinje för kontinuitetsplanering", "Kontinuitetsplanering övas.")
    doc(RutinPage, PLANNING_APART, "Planering av kontinuitet görs varje år.")
    # A compound written nowhere: found by its parts alone.
    doc(RutinPage, "Rutin för brandskydd", "Skydd mot brand i lokalerna kontrolleras.")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


def count_shown(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select_one(".result-count").get_text(" ", strip=True)


def statements(client, query):
    client.get("/sok/", {"q": query})
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sok/", {"q": query})
    sql = [q["sql"] for q in queries.captured_queries]
    return response, [s for s in sql if not s.upper().startswith(TRANSACTION_CONTROL)]


def test_a_common_compound_finds_the_documents_that_hold_it(public_client, w):
    response = search_page(public_client, "incidenthantering")
    found = result_titles(response)
    assert len(found) == ranking.WIDEN_BELOW
    assert all(title.startswith("Incidenthantering i verksamhet") for title in found)
    assert APART not in found
    assert count_shown(response).startswith(f"{ranking.WIDEN_BELOW} träffar")
    # Its inflections too, and nothing more on a second page.
    assert APART not in result_titles(search_page(public_client, "incidenthanteringen"))
    assert result_titles(search_page(public_client, "incidenthantering", sida="2")) == found


def test_a_rarer_compound_also_finds_its_parts_apart(public_client, w):
    found = result_titles(search_page(public_client, "kontinuitetsplanering"))
    assert found[0] == "Riktlinje för kontinuitetsplanering"
    assert PLANNING_APART in found


def test_the_parts_apart_are_found_when_the_query_says_them(public_client, w):
    found = result_titles(search_page(public_client, "hantering av incidenter"))
    assert APART in found


def test_a_compound_written_nowhere_is_found_by_its_parts(public_client, w):
    assert result_titles(search_page(public_client, "brandskydd")) == ["Rutin för brandskydd"]
    assert "Rutin för brandskydd" in result_titles(search_page(public_client, "brandskyddet"))


def test_a_common_compound_asks_one_question_a_rare_one_two(public_client, w):
    common, common_sql = statements(public_client, "incidenthantering")
    rare, rare_sql = statements(public_client, "kontinuitetsplanering")
    assert len([s for s in common_sql if TOTAL in s]) == 1
    assert len([s for s in rare_sql if TOTAL in s]) == 2
    assert len(set(rare_sql)) == len(rare_sql)
    assert result_titles(common) and result_titles(rare)


def test_only_a_compound_with_parts_is_searched_twice():
    assert ranking.has_parts(parse_query("incidenthantering"))
    assert ranking.has_parts(parse_query("rutin incidenthantering"))
    assert not ranking.has_parts(parse_query("rutin incident"))
    assert not ranking.has_parts(parse_query('"incident hantering"'))
