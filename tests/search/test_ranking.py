"""Ranking (issue 18): relevance comes first, a title and a summary holding the query's words
boost it, and the document type and the title only break ties; a title full of the query's
words no longer comes first whatever the rest says. The same order on SQLite (FTS5 bm25) and
PostgreSQL (ts_rank), through /sok/."""

import pytest
from django.db.models import Case, Value, When

from policies.models import PolicyPage, RiktlinjePage, RutinPage, Styrdokument
from search import ranking
from search.parsing import parse_query
from tests.search.search_helpers import one_paragraph_document, result_titles, search_page
from tests.shared import build_once

pytestmark = pytest.mark.django_db

SEARCH = "/sok/"
FILLER = (
    "Dokumentet gäller alla medarbetare i kommunen och ses över vartannat år av den som "
    "ansvarar för det. Förvaltningarna kan komplettera det med egna anvisningar. "
)


doc = one_paragraph_document


def build_world():
    return {
        # Named after the words, but mentions them once among much else.
        "named": doc(
            RiktlinjePage,
            "Riktlinje för vattenskador, översvämning och annan påverkan på kommunens lokaler",
            FILLER * 6 + "Vid vattenskador kontaktas fastighetsförvaltaren.",
        ),
        # About nothing else.
        "about": doc(
            RutinPage,
            "Rutin vid läckage",
            "Vattenskador dokumenteras. Vattenskador anmäls till försäkringen. Vid "
            "vattenskador stängs vattnet av. Vattenskador följs upp.",
        ),
        # The same text under three types: only the type tells them apart.
        **{
            key: doc(cls, "Ordningsregler för arkivlokalen", "Arkivlokalen hålls låst.")
            for key, cls in (("rutin", RutinPage), ("policy", PolicyPage), ("rikt", RiktlinjePage))
        },
        # As relevant, but one says it in its title and summary.
        "plain": doc(RutinPage, "Rutin C", "Frysrummet avfrostas varje vecka."),
        "titled": doc(
            RutinPage,
            "Frysrummet",
            "Frysrummet avfrostas varje vecka.",
            summary="Hur frysrummet sköts.",
        ),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


def titles(client, query):
    return result_titles(search_page(client, query))


def test_relevance_outranks_a_long_title_holding_the_word(public_client, w):
    assert titles(public_client, "vattenskador")[:2] == [
        "Rutin vid läckage",
        "Riktlinje för vattenskador, översvämning och annan påverkan på kommunens lokaler",
    ]


def test_a_title_and_summary_boost_an_equally_relevant_document(public_client, w):
    assert titles(public_client, "frysrummet") == ["Frysrummet", "Rutin C"]


def test_the_document_type_only_breaks_ties(public_client, w):
    """The three documents differ a little in what the index holds (their type's name), so
    their scores do too: the order of types is checked on scores set here."""
    found = titles(public_client, "arkivlokalen")
    assert found == ["Ordningsregler för arkivlokalen"] * 3
    documents = Styrdokument.objects.live().filter(title="Ordningsregler för arkivlokalen")
    parsed = parse_query("arkivlokalen")

    def order(relevance):
        ordered = ranking._ordered(documents, parsed, False, relevance, descending=True)
        return [document.document_type for document in ordered]

    # As relevant: the register's order of types.
    assert order(Value(1.0)) == ["policy", "riktlinje", "rutin"]
    # More relevant: first, whatever its type.
    better = Case(When(pk=w["rutin"].pk, then=Value(2.0)), default=Value(1.0))
    assert order(better) == ["rutin", "policy", "riktlinje"]


def test_the_boost_counts_only_real_terms():
    assert isinstance(ranking.boost(parse_query("och")), Value)
    assert isinstance(ranking.boost(parse_query("frysrummet"), folded=True), Value)
