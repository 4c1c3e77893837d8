"""Relaxation (issue 18): every term is required first; when that finds fewer than
RELAX_BELOW documents, a document holding at least half of the query's words is found too,
those with the most of them first. Stop words never count, and a number is always required.
Run through /sok/ on the database in use (SQLite by default, PostgreSQL with DATABASE_URL)."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import RiktlinjePage, RutinPage
from search import ranking
from search.paging import TOTAL
from search.parsing import parse_query
from tests.search.search_helpers import one_paragraph_document
from tests.shared import build_once

pytestmark = pytest.mark.django_db

SEARCH = "/sok/"
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


doc = one_paragraph_document


def build_world():
    return {
        "konton": doc(
            RutinPage,
            "Rutin för avslut av konton",
            "När en anställd slutar stänger systemförvaltaren av kontona samma dag. "
            "Chefen ansvarar för att beställningen görs i tid.",
        ),
        "losenord": doc(
            RiktlinjePage,
            "Riktlinje för lösenord",
            "Lösenord byts när någon misstänker att det har röjts. Chefen ansvarar för "
            "introduktionen.",
        ),
        # Five documents with both of two words, and three with one of them.
        **{
            f"brandlarm{n}": doc(
                RutinPage, f"Rutin för brandlarm {n}", "Brandlarmet provas varje månad."
            )
            for n in range(5)
        },
        **{
            f"sprinkler{n}": doc(
                RutinPage,
                f"Rutin för sprinkler {n}",
                "Sprinklern provas varje år." + (" Hissen besiktigas." if n == 0 else ""),
            )
            for n in range(2)
        },
        "hiss": doc(RutinPage, "Rutin för hissar", "Hissen besiktigas och sprinklern provas."),
        "nummer": doc(RutinPage, "Rutin för ärenden 2025", "Ärenden från 2025 arkiveras."),
        "jav": doc(
            RiktlinjePage,
            "Riktlinje om jäv",
            "Vid jäv deltar tjänstepersonen inte i handläggningen av ärendet.",
        ),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


def titles(response):
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".search-result__title a")]


def test_a_long_question_finds_the_document_that_answers_it(public_client, w):
    found = titles(
        public_client.get(
            SEARCH, {"q": "vem ansvarar för att stänga av konton när någon slutar på skolan"}
        )
    )
    # "skolan" is in no document: every word required finds nothing.
    assert found and found[0] == "Rutin för avslut av konton"
    # "Riktlinje för lösenord" holds only "ansvarar" of the five words.
    assert "Riktlinje för lösenord" not in found


def test_every_term_is_required_while_that_finds_enough(public_client, w):
    found = titles(public_client.get(SEARCH, {"q": "brandlarm provas"}))
    assert sorted(found) == sorted(f"Rutin för brandlarm {n}" for n in range(5))


def test_few_hits_are_completed_by_documents_with_most_of_the_terms(public_client, w):
    found = titles(public_client.get(SEARCH, {"q": "sprinkler hiss besiktigas"}))
    # All three words: the hiss document and sprinkler 0; two of three: none more; one of
    # three is below half.
    assert set(found[:2]) == {"Rutin för hissar", "Rutin för sprinkler 0"}
    assert "Rutin för sprinkler 1" not in found  # one word of three: below half


def test_a_two_word_query_relaxes_to_either_word_with_both_first(public_client, w):
    found = titles(public_client.get(SEARCH, {"q": "hissen sprinklern"}))
    assert set(found[:2]) == {"Rutin för hissar", "Rutin för sprinkler 0"}
    assert "Rutin för sprinkler 1" in found[2:]


def test_a_number_is_never_relaxed_away(public_client, w):
    assert titles(public_client.get(SEARCH, {"q": "ärenden 2024 arkiveras"})) == []
    assert titles(public_client.get(SEARCH, {"q": "ärenden 2025 arkiveras"})) == [
        "Rutin för ärenden 2025"
    ]


def test_stop_words_never_count():
    assert not ranking.relaxable(parse_query("och att för brandlarm"))
    assert ranking.relaxable(parse_query("och brandlarm sprinkler"))
    assert ranking.relaxable(parse_query('"brandlarm provas" sprinkler'))
    assert not ranking.relaxable(parse_query('"brandlarm provas" och'))
    assert not ranking.relaxable(parse_query("brandlarm OR sprinkler"))
    assert not ranking.relaxable(parse_query("ks 2025 9999"))
    assert [ranking.needed(n) for n in (2, 3, 4, 5)] == [1, 2, 2, 3]


def test_a_phrase_and_a_word_no_document_has_find_the_phrase(public_client, w):
    # No document has both "brandlarmet provas" and "skolan": the phrase is one term of two,
    # found as written; "provas" elsewhere (the sprinkler documents) is not the phrase.
    response = public_client.get(SEARCH, {"q": '"brandlarmet provas" skolan'})
    assert sorted(titles(response)) == sorted(f"Rutin för brandlarm {n}" for n in range(5))
    assert "Inget dokument innehåller alla sökorden" in notices(response)
    # Documents with both come first, then those with either.
    found = titles(public_client.get(SEARCH, {"q": '"hissen besiktigas" sprinklern'}))
    assert set(found[:2]) == {"Rutin för hissar", "Rutin för sprinkler 0"}
    assert found[2:] == ["Rutin för sprinkler 1"]


def statements(client, params):
    client.get(SEARCH, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, params)
    sql = [q["sql"] for q in queries.captured_queries]
    return response, [s for s in sql if not s.upper().startswith(TRANSACTION_CONTROL)]


def test_relaxing_asks_one_question_more_and_none_twice(public_client, w):
    """The strict search's page and count, then the relaxed one's: two statements that rank,
    none of the request's statements twice."""
    _strict, strict_sql = statements(public_client, {"q": "brandlarm provas"})
    relaxed, relaxed_sql = statements(public_client, {"q": "hissen sprinklern"})
    assert len(titles(relaxed)) == 3
    # "brandlarm" is a compound found in fewer than a page of documents as itself: the search
    # that also finds its parts apart is asked too (search.ranking.WIDEN_BELOW).
    widened = int(ranking.has_parts(parse_query("brandlarm provas")))
    assert len([s for s in strict_sql if TOTAL in s]) == 1 + widened
    assert len([s for s in relaxed_sql if TOTAL in s]) == 2
    assert len(set(strict_sql)) == len(strict_sql)
    assert len(set(relaxed_sql)) == len(relaxed_sql)


def notices(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.get_text(" ", strip=True)


def test_the_reader_is_told_when_not_every_word_was_found(public_client, w):
    relaxed = public_client.get(SEARCH, {"q": "hissen sprinklern"})
    assert "Bara 2 dokument innehåller alla sökorden. Visar också dokument" in notices(relaxed)
    strict = public_client.get(SEARCH, {"q": "brandlarm provas"})
    assert "alla sökorden" not in notices(strict)


def test_when_half_of_the_words_find_nothing_any_of_them_will(public_client, w):
    # No document holds two of the three words; three hold "sprinkler".
    found = titles(public_client.get(SEARCH, {"q": "sprinkler skärm utomlands"}))
    assert set(found) == {"Rutin för hissar", "Rutin för sprinkler 0", "Rutin för sprinkler 1"}
    # Nothing at all: still nothing, and no statement asked twice.
    response, sql = statements(public_client, {"q": "skärm utomlands bärbar"})
    assert titles(response) == []
    assert len(set(sql)) == len(sql)


def test_an_unusual_compound_is_found_by_its_first_parts(public_client, w):
    # "jävsregler" is written nowhere, nor "regler": the topic, "jäv", is.
    response = public_client.get(SEARCH, {"q": "jävsregler"})
    assert titles(response) == ["Riktlinje om jäv"]
    assert "Inget dokument innehåller alla sökorden" in notices(response)


def test_a_compound_that_is_found_is_not_loosened(public_client, w):
    # A word that finds its document is searched as typed, never widened.
    found = titles(public_client.get(SEARCH, {"q": "lösenord"}))
    assert found == ["Riktlinje för lösenord"]
