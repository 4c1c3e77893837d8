"""search.ranking.Boost writes the title and summary boost as one expression: the same SQL,
operation for operation, as the tree of Django expressions it replaces (rebuilt here as the
reference; on PostgreSQL with double precision constants and strpos instead of LIKE), and so
the same value for every document, on the database in use."""

import operator
from functools import reduce

import pytest
from django.db import connection
from django.db.models import Case, FloatField, Value, When
from django.db.models.functions import Cast, Greatest, Least, Length

from policies.models import PolicyPage, RiktlinjePage, RutinPage, Styrdokument
from search import ranking
from search.parsing import parse_query
from tests.factories import make_live_document
from tests.shared import build_once

pytestmark = pytest.mark.django_db

QUERIES = [
    "lösenord",
    "lösenord riktlinjer",
    "säkerhetskopiering av servrar och molntjänster",
    "informationssäkerhet",
    '"fysisk säkerhet" incident',
    "e-post",
    "RIKTLINJER för Lösenord",
    "100% säker_kopia",  # LIKE's wildcards in a term
]


def reference_boost(parsed):
    """The boost as the expression tree search.ranking built before Boost."""
    terms = [term for term in parsed.terms if ranking.counts(term)]
    shortness = Least(
        Value(1.0),
        Value(float(ranking.TITLE_LENGTH)) / Cast(Greatest(Length("title"), 1), FloatField()),
    )

    def hits(name):
        cases = [
            Case(When(ranking.field_condition(term, name), then=Value(1.0)), default=Value(0.0))
            for term in terms
        ]
        return reduce(operator.add, cases)

    title = hits("title") * shortness * shortness
    summary = hits("summary")
    share = Value(1.0 / len(terms))
    return (
        Value(1.0)
        + (Value(ranking.TITLE_BOOST) * title + Value(ranking.SUMMARY_BOOST) * summary) * share
    )


def build_world():
    make_live_document(
        RiktlinjePage,
        title="Riktlinjer för lösenord",
        summary="Hur lösenord och lösenfraser väljs.",
    )
    make_live_document(
        PolicyPage,
        title="Informationssäkerhetspolicy för kommunens samtliga förvaltningar och bolag",
        summary="Fysisk säkerhet, incidenthantering och säkerhetskopiering.",
    )
    make_live_document(RutinPage, title="Säkerhetskopiering", summary="")
    make_live_document(RutinPage, title="E-post och 100% säker_kopia", summary="Molntjänster.")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


def _sql(expression):
    query = Styrdokument.objects.annotate(boost=expression).values("boost").query
    sql, params = query.sql_with_params()
    return sql, [str(param) for param in params]


@pytest.mark.parametrize("text", QUERIES)
def test_boost_writes_the_sql_of_the_expression_tree(world, text):
    if connection.vendor == "postgresql":
        pytest.skip(
            "On PostgreSQL the constants are double precision and a form is found with strpos "
            "(Boost.as_postgresql, TextContains); the next test holds the values to the tree's."
        )
    parsed = parse_query(text)
    boost = ranking.boost(parsed)

    assert isinstance(boost, ranking.Boost)
    assert _sql(boost) == _sql(reference_boost(parsed))


@pytest.mark.parametrize("text", QUERIES)
def test_boost_gives_every_document_the_same_value(world, text):
    parsed = parse_query(text)
    documents = Styrdokument.objects.order_by("pk")
    new = list(documents.annotate(boost=ranking.boost(parsed)).values_list("pk", "boost"))
    old = list(documents.annotate(boost=reference_boost(parsed)).values_list("pk", "boost"))

    assert new == old
    assert any(value > 1.0 for _pk, value in new), "no document of the world is boosted"


def test_a_title_with_every_term_is_boosted_most(world):
    values = dict(
        Styrdokument.objects.annotate(
            boost=ranking.boost(parse_query("lösenord riktlinjer"))
        ).values_list("title", "boost")
    )
    # Both terms in a short title (2.0) and one of them in the summary (0.25, half of it).
    assert values["Riktlinjer för lösenord"] == pytest.approx(1.0 + 2.0 + 0.25 / 2)
    assert values["Säkerhetskopiering"] == 1.0


def test_the_ranked_statement_holds_one_boost_node():
    """The boost is one node in the ranked query, not the tree of dozens it replaced."""
    parsed = parse_query("lösenord riktlinjer")
    boost = ranking.boost(parsed)
    nodes = list(boost.flatten())

    assert len([node for node in nodes if isinstance(node, ranking.Boost)]) == 1
    assert not [node for node in nodes if isinstance(node, Case | Least | Greatest | Cast)]


def test_boost_needs_a_condition_per_term_for_both_fields():
    condition = ranking.field_condition(parse_query("lösenord").terms[0], "title")
    with pytest.raises(ValueError):
        ranking.Boost([], [])
    with pytest.raises(ValueError):
        ranking.Boost([condition], [])
