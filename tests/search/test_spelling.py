"""A misspelt query is searched as "Menade du …" corrects it, when that finds more: the page
says so ("Visar resultat för … Sök i stället efter …") and links to exactly what was typed."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import Publicity, RiktlinjePage, RutinPage
from search import views as search_views
from tests.factories import make_live_documents
from tests.search.search_helpers import one_paragraph_document, result_titles, search_page
from tests.shared import build_once

pytestmark = pytest.mark.django_db

SEARCH = "/sok/"


def build_world():
    doc = one_paragraph_document
    return {
        "passwords": doc(
            RiktlinjePage,
            "Riktlinje för lösenord",
            "Lösenord ska vara långa och bytas vid misstanke om intrång.",
        ),
        "reset": doc(
            RutinPage,
            "Rutin för återställning av lösenord",
            "Servicedesken återställer lösenordet efter kontroll av legitimation.",
        ),
        "continuity": doc(
            RiktlinjePage,
            "Riktlinje för kontinuitetsplanering",
            "Verksamheten planerar för avbrott i it-stödet.",
        ),
        "secret": doc(
            RutinPage,
            "Rutin för larmkedjan",
            "Larmkedjan startas av vakthavande tjänsteman.",
            publicity=Publicity.INTERNAL,
        ),
        "archive": make_live_documents(RutinPage, 25, title="Rutin {n:02d} om arkivering"),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


search = search_page


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def titles(response):
    return sorted(result_titles(response))


def correction(response):
    """(the text of the notice, the query of its link) or None."""
    notice = soup_of(response).select_one(".search-correction")
    if notice is None:
        return None
    link = notice.select_one("a")
    return " ".join(notice.get_text(" ").split()), parse_qs(urlsplit(link["href"]).query)


def offered(response):
    link = soup_of(response).select_one(".did-you-mean a")
    return link.get_text(strip=True) if link else None


def test_a_misspelt_word_is_searched_corrected_and_said_so(public_client, w):
    response = search(public_client, "lösenrod")

    assert titles(response) == [
        "Riktlinje för lösenord",
        "Rutin för återställning av lösenord",
    ]
    text, link = correction(response)
    assert text == "Visar resultat för lösenord . Sök i stället efter lösenrod ."
    assert link == {"q": ["lösenrod"], "exakt": ["1"]}
    assert "2 träffar för ”lösenord”" in response.content.decode()
    assert offered(response) is None


def test_the_link_searches_exactly_what_was_typed(public_client, w):
    response = search(public_client, "lösenrod", exakt="1")

    assert titles(response) == []
    assert correction(response) is None
    assert "Inga träffar för ”lösenrod”" in response.content.decode()
    assert offered(response) == "lösenord"  # still offered, not applied


def test_a_compound_misspelt_in_one_part(public_client, w):
    response = search(public_client, "kontinutetsplanering")
    assert titles(response) == ["Riktlinje för kontinuitetsplanering"]
    assert correction(response)[0].startswith("Visar resultat för kontinuitetsplanering")


def test_filters_and_operators_stay_with_the_correction(public_client, w):
    response = search(public_client, "lösenrod -legitimation", typ="riktlinje")

    assert titles(response) == ["Riktlinje för lösenord"]
    text, link = correction(response)
    assert text.startswith("Visar resultat för lösenord -legitimation .")
    assert link == {"q": ["lösenrod -legitimation"], "exakt": ["1"], "typ": ["riktlinje"]}


def test_the_correction_only_replaces_a_search_it_beats(public_client, w, monkeypatch):
    # A suggestion that finds nothing more is offered, not applied.
    monkeypatch.setattr(search_views, "did_you_mean", lambda query, request: "brandskydd")
    response = search(public_client, "kvastskaft")
    assert titles(response) == []
    assert correction(response) is None
    assert offered(response) == "brandskydd"


def test_a_query_with_enough_hits_is_never_corrected(public_client, w, monkeypatch):
    calls = []

    def fake(query, request):
        calls.append(query)
        return "lösenord"

    monkeypatch.setattr(search_views, "did_you_mean", fake)
    response = search(public_client, "arkivering")
    assert len(titles(response)) == 20  # the first page
    assert calls == []
    assert correction(response) is None


def test_the_correction_uses_only_words_the_reader_may_see(public_client, intranet_client, w):
    assert titles(search(intranet_client, "larmkedjn")) == ["Rutin för larmkedjan"]
    public = search(public_client, "larmkedjn")
    assert titles(public) == []
    assert correction(public) is None
    assert "larmkedjan" not in public.content.decode()


def test_a_corrected_search_asks_a_fixed_number_of_questions(public_client, w):
    def statements(query):
        search(public_client, query)  # fills the vocabulary cache
        with CaptureQueriesContext(connection) as queries:
            response = search(public_client, query)
        assert correction(response) is not None
        return len(queries.captured_queries)

    # One hit and twenty-five after the correction: the same statements, but that a correction
    # into a compound found in less than a page of documents as itself also asks for the search
    # that finds its parts apart (search.ranking.WIDEN_BELOW).
    assert statements("kontinutetsplanering") == statements("arkiverinng") + 1
