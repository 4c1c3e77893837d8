"""The modelsearch internals search.ranking builds on, each imported and run on the database in
use (SQLite in the default run, PostgreSQL when DATABASE_URL names one; CI runs both).

modelsearch is pinned exactly in pyproject.toml because search.ranking reaches past its public
API. An upgrade that moves, renames or changes one of these pieces fails here, naming the piece
and the installed modelsearch version, instead of surfacing as results in a wrong order.
"""

import inspect
from contextlib import contextmanager
from importlib.metadata import version

import pytest
from django.db import connection
from modelsearch.query import PlainText
from wagtail.search.backends import get_search_backend

from policies.models import RutinPage, Styrdokument
from search import ranking
from search.parsing import parse_query
from tests.factories import make_live_document

MODELSEARCH = version("modelsearch")

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="modelsearch's SQLite internals: SQLite only"
)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="modelsearch's PostgreSQL internals: PostgreSQL only"
)


@contextmanager
def internal(name):
    """Fail with the piece's name and the modelsearch version when it is missing or changed."""
    try:
        yield
    except Exception as error:  # noqa: BLE001 - any change of the internal is the finding
        pytest.fail(
            f"modelsearch {MODELSEARCH}: {name} is missing or has changed "
            f"({type(error).__name__}: {error}). search/ranking.py builds on it: adapt "
            "ranking.py to this modelsearch, or pin the version it was written for.",
            pytrace=False,
        )


def parameters(function):
    return list(inspect.signature(function).parameters)


@pytest.fixture
def document(db):
    return make_live_document(RutinPage, title="Rutin för brandlarm", summary="Om larmet.")


def visible():
    return Styrdokument.objects.live()


def test_the_backend_is_one_ranking_knows(db):
    expected = {"sqlite": ranking.SQLITE, "postgresql": ranking.POSTGRES}.get(connection.vendor)
    if expected is None:
        pytest.skip(f"no modelsearch internals are used on {connection.vendor}")
    backend = get_search_backend()
    with internal(f"the backend module {type(backend).__module__}"):
        assert ranking.backend_kind(backend) == expected


def test_the_index_entry_model_and_content_types(document):
    with internal("modelsearch.conf.get_app_config().get_model('IndexEntry')"):
        entries = ranking.index_entries(Styrdokument)
        fields = {field.name for field in entries.model._meta.get_fields()}
        assert {"content_type", "object_id"} <= fields
    with internal("modelsearch.utils.get_descendants_content_types_pks"):
        from modelsearch.utils import get_descendants_content_types_pks

        assert document.content_type_id in get_descendants_content_types_pks(Styrdokument)
    with internal("IndexEntry rows for indexed documents"):
        assert entries.filter(object_id=str(document.pk)).exists()


# -- SQLite -------------------------------------------------------------------------------------


@on_sqlite
def test_sqlite_fts_entry_match_expression_and_normalize(document):
    with internal("modelsearch.backends.database.sqlite (SQLiteFTSIndexEntry, query)"):
        fts_entry, match_expression, normalize = ranking.sqlite_internals()
    with internal("SQLiteFTSIndexEntry.index_entry"):
        related = fts_entry._meta.get_field("index_entry").related_model
        assert {"content_type", "object_id"} <= {f.name for f in related._meta.get_fields()}
    with internal("the FTS5 table's columns (WeightedBM25 weighs them in this order)"):
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA table_info({fts_entry._meta.db_table})")
            columns = tuple(row[1] for row in cursor.fetchall())
        assert columns == ranking.SQLITE_FTS_COLUMNS
    with internal("MatchExpression(columns, query)"):
        assert parameters(match_expression.__init__)[1:] == ["columns", "query"]
    with internal("normalize(search_query)"):
        assert len(parameters(normalize)) == 1
        query = PlainText("brandlarm")
        assert normalize(query) is query


@on_sqlite
def test_sqlite_query_compiler_and_relevance(document):
    query = PlainText("brandlarm")
    with internal("SQLite search results: query_compiler and get_queryset()"):
        results = visible().search(query, order_by_relevance=True)
        compiler = results.query_compiler
        assert callable(results.get_queryset)
    with internal("SQLiteSearchQueryCompiler: query, fields, FTS_TABLE_FIELDS, queryset"):
        assert compiler.query is query
        assert compiler.fields is None or isinstance(compiler.fields, list)
        assert list(compiler.FTS_TABLE_FIELDS) == ["title", "body"]
        assert compiler.queryset.model is Styrdokument
    with internal("SQLiteSearchQueryCompiler.build_search_query(query)"):
        assert compiler.build_search_query(query) is not None
    with internal("ranking.sqlite_relevance (MatchExpression, bm25 over the FTS table)"):
        relevance = ranking.sqlite_relevance(compiler)
        scores = list(results.get_queryset().annotate(score=relevance).values_list("pk", "score"))
        assert [pk for pk, _score in scores] == [document.pk]
        assert scores[0][1] < 0  # bm25: lower is better, and a match scores below zero


@on_sqlite
def test_sqlite_matches_for_the_relaxed_search(document):
    backend = get_search_backend()
    with internal("ranking.sqlite_matches (FTS5 MATCH through query_compiler_class)"):
        ids = ranking.sqlite_matches(backend, visible(), PlainText("brandlarm"))
        assert list(visible().filter(pk__in=ids).values_list("pk", flat=True)) == [document.pk]
    with internal("ranking.relaxed_search on SQLite"):
        relaxed = ranking.relaxed_search(visible(), parse_query("brandlarm sprinkler hiss"))
        assert list(relaxed) == []
        relaxed = ranking.relaxed_search(visible(), parse_query("brandlarm sprinkler"))
        assert list(relaxed) == [document.pk]


@on_sqlite
def test_sqlite_search_runs_end_to_end(document):
    with internal("ranking.run_search on SQLite"):
        ids = list(ranking.run_search(visible(), parse_query("brandlarm")))
        assert ids == [document.pk]
        phrase = list(ranking.run_search(visible(), parse_query('"rutin för brandlarm"')))
        assert phrase == [document.pk]
    with internal("autocomplete on SQLite"):
        assert [d.pk for d in ranking.autocomplete_documents(visible(), ["brandl"])] == [
            document.pk
        ]


# -- PostgreSQL ---------------------------------------------------------------------------------


@on_postgres
def test_postgres_query_compilers(document):
    backend = get_search_backend()
    query = PlainText("brandlarm")
    with internal("PostgresSearchBackend.query_compiler_class, config"):
        compiler = backend.query_compiler_class(visible(), query)
        assert backend.config == "swedish"
    with internal("PostgresSearchQueryCompiler.build_tsquery(query, config)"):
        assert parameters(compiler.build_tsquery)[:2] == ["query", "config"]
        assert compiler.build_tsquery(query, config=backend.config) is not None
    with internal("PostgresSearchQueryCompiler.sql_weights"):
        weights = compiler.sql_weights
        assert isinstance(weights, str)
        assert len(weights.strip("{}").split(",")) == 4
    with internal("autocomplete_query_compiler_class, autocomplete_config"):
        autocomplete = backend.autocomplete_query_compiler_class(visible(), query)
        assert backend.autocomplete_config == "simple"
        assert autocomplete.build_tsquery(query, config=backend.autocomplete_config) is not None


@on_postgres
def test_postgres_index_entry_vectors_and_relevance(document):
    backend = get_search_backend()
    with internal("IndexEntry vectors: title, body, autocomplete, title_norm"):
        fields = {field.name for field in ranking.index_entries(Styrdokument).model._meta.fields}
        assert {"title", "body", "autocomplete", "title_norm"} <= fields
    with internal("ranking.postgres_tsquery, postgres_matches, postgres_relevance"):
        tsquery, weights = ranking.postgres_tsquery(backend, visible(), PlainText("brandlarm"))
        matches = visible().filter(pk__in=ranking.postgres_matches(Styrdokument, tsquery))
        relevance = ranking.postgres_relevance(Styrdokument, tsquery, weights)
        scores = list(matches.annotate(score=relevance).values_list("pk", "score"))
        assert [pk for pk, _score in scores] == [document.pk]
        assert scores[0][1] > 0
    with internal("ranking.postgres_autocomplete_tsquery"):
        assert [d.pk for d in ranking.autocomplete_documents(visible(), ["brandl"])] == [
            document.pk
        ]


@on_postgres
def test_postgres_index_entries_relation_and_score(document):
    backend = get_search_backend()
    with internal("the index_entries generic relation modelsearch adds to indexed models"):
        field = Styrdokument._meta.get_field("index_entries")
        assert field.related_model is ranking.index_entries(Styrdokument).model
    with internal("ranking.postgres_score on the joined index entry"):
        tsquery, _weights = ranking.postgres_tsquery(backend, visible(), PlainText("brandlarm"))
        joined = visible().filter(index_entries__body=tsquery)
        scores = list(
            joined.annotate(score=ranking.postgres_score(tsquery)).values_list("pk", "score")
        )
        assert [pk for pk, _score in scores] == [document.pk]
        assert scores[0][1] > 0
    with internal("ranking.relaxed_search on PostgreSQL"):
        relaxed = ranking.relaxed_search(visible(), parse_query("brandlarm sprinkler"))
        assert list(relaxed) == [document.pk]


@on_postgres
def test_postgres_search_runs_end_to_end(document):
    with internal("ranking.run_search on PostgreSQL"):
        assert list(ranking.run_search(visible(), parse_query("brandlarm"))) == [document.pk]
        phrase = list(ranking.run_search(visible(), parse_query('"rutin för brandlarm"')))
        assert phrase == [document.pk]
