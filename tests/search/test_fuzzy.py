"""Fuzzy matching: an edit distance over the vocabulary of what the reader may see (every
database), and on PostgreSQL pg_trgm's word_similarity on titles when nothing else is found."""

import pytest
from django.db import connection

from policies.models import Publicity, RiktlinjePage, RutinPage, Styrdokument
from search import service
from search.parsing import parse_query
from search.suggest import Vocabulary, edit_distance
from tests.search.search_helpers import (
    notice_items,
    one_paragraph_document,
    result_titles,
    search_page,
)
from tests.shared import build_once

pytestmark = pytest.mark.django_db

SEARCH = "/sok/"
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's"
)


def build_world():
    doc = one_paragraph_document
    return {
        "policy": doc(
            RiktlinjePage,
            "Riktlinje för informationssäkerhet",
            "Alla medarbetare ansvarar för att skydda kommunens information.",
        ),
        "phones": doc(
            RutinPage,
            "Rutin för mobiltelefoner",
            "Telefonen låses med kod och rapporteras förlorad till servicedesken.",
        ),
        "internal": doc(
            RutinPage,
            "Rutin för krypteringsnycklar",
            "Nycklarna förvaras i kassaskåpet.",
            publicity=Publicity.INTERNAL,
        ),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


search = search_page


titles = result_titles


notices = notice_items


# -- the vocabulary, on every database -----------------------------------------------------------


def test_edit_distance_counts_a_swap_as_one_edit():
    assert edit_distance("lösenrod", "lösenord") == 1
    assert edit_distance("mobiltelfon", "mobiltelefon") == 1
    assert edit_distance("kryptering", "kryptering") == 0


def test_the_vocabulary_corrects_within_a_few_edits_only():
    vocabulary = Vocabulary({"mobiltelefoner": 3, "mobiltelefon": 2, "informationssäkerhet": 5})
    assert vocabulary.closest("mobiltelfon") == "mobiltelefon"
    assert vocabulary.closest("informationssäkerhte") == "informationssäkerhet"
    assert vocabulary.closest("kassaskåp") is None


def test_a_misspelt_word_finds_the_document_on_every_database(public_client, w):
    assert titles(search(public_client, "mobiltelfoner")) == ["Rutin för mobiltelefoner"]


# -- titles by trigrams, PostgreSQL ----------------------------------------------------------------


@postgres_only
def test_titles_like_the_query_are_shown_when_nothing_else_is(public_client, w):
    # Too far from any word for the vocabulary (four edits), near enough in trigrams.
    response = search(public_client, "informasjonsäkerhett")
    assert titles(response) == ["Riktlinje för informationssäkerhet"]
    assert any("titlar som liknar sökorden" in notice for notice in notices(response))


@postgres_only
def test_fuzzy_titles_keep_to_what_the_reader_may_see(public_client, intranet_client, w):
    assert titles(search(intranet_client, "krypteringsnyklarna")) == [
        "Rutin för krypteringsnycklar"
    ]
    response = search(public_client, "krypteringsnyklarna")
    assert titles(response) == []
    assert "krypteringsnycklar" not in response.content.decode().lower()


@postgres_only
def test_fuzzy_titles_keep_filters_and_exclusions(public_client, w):
    assert titles(search(public_client, "informasjonsäkerhett", typ="rutin")) == []
    assert titles(search(public_client, "informasjonsäkerhett -medarbetare")) == []


@postgres_only
def test_a_query_unlike_every_title_finds_nothing(public_client, w):
    response = search(public_client, "vattenförsörjning")
    assert titles(response) == []
    assert "Inga träffar för ”vattenförsörjning”" in response.content.decode()


@postgres_only
def test_exakt_turns_the_fuzzy_titles_off(public_client, w):
    assert titles(search(public_client, "informasjonsäkerhett", exakt="1")) == []


def test_fuzzy_titles_order_the_most_alike_first(w):
    visible = Styrdokument.objects.live()
    ids = service.fuzzy_titles(visible, parse_query("mobiltelefonen"))
    if connection.vendor != "postgresql":
        assert ids is None
        return
    assert list(ids) == [w["phones"].pk]
    # Every word is needed.
    assert list(service.fuzzy_titles(visible, parse_query("mobiltelefonen riktlinje"))) == []
