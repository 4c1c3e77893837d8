"""Asking the search backend, and ordering what it finds.

The search always runs on `Styrdokument.objects.for_request(request)`: the database search
backends apply that queryset (live, channel, publicity, group restrictions) in the same query.
Hits whose title has the query's words come first, then by the backend's relevance.

This is the only module that reaches into modelsearch past its public API (the SQLite FTS
entry, MatchExpression, the query compilers' build_tsquery and sql_weights, the index entry
model): modelsearch is pinned exactly in pyproject.toml, and
tests/search/test_modelsearch_internals.py checks every such piece on the database in use, so
an upgrade that moves one fails there, by name, rather than as a wrong order of results.
"""

import logging
import operator
from functools import reduce

from django.db import DatabaseError, connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Length
from modelsearch.conf import get_app_config
from modelsearch.query import And, Or, Phrase, PlainText
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.search.backends import get_search_backend

from policies.swedish import STOPWORDS, fold, stem

from .parsing import QuotedPhrase, Word, unique

logger = logging.getLogger(__name__)

AUTOCOMPLETE_LIMIT = 8
MIN_TITLE_FORM = 4
POSTGRES = "postgres"
SQLITE = "sqlite"
# The modules of modelsearch's database backends (type(backend).__module__ ends with these).
BACKEND_MODULES = {POSTGRES: "database.postgres.postgres", SQLITE: "database.sqlite.sqlite"}


class SearchFailed(Exception):
    """The backend rejected a query (it should not: the parser only lets words through)."""


def checked(results, evaluate):
    """Run `evaluate(results)` in a savepoint; a backend error becomes SearchFailed."""
    try:
        with transaction.atomic():
            return evaluate(results)
    except DatabaseError as error:
        logger.warning("Search query failed: %s", error)
        raise SearchFailed from error


# PostgreSQL's default random_page_cost (4, for spinning disks) makes reading every index entry
# and testing `body @@ query` on it look cheaper than the GIN index for a common word, although
# each test unpacks a compressed vector: at 10,000 documents 60–100 ms instead of 5–10. The value
# for SSDs is used for the search's own transaction (never raised, if the server has a lower one).
INDEX_FRIENDLY_PAGE_COST = 1.1


def prefer_indexes():
    """Inside a transaction on PostgreSQL: plan the rest of it for SSDs (see above). A planner
    cost only chooses between plans; what a query returns is the same."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('random_page_cost', "
            "LEAST(current_setting('random_page_cost')::float, %s)::text, true)",
            [INDEX_FRIENDLY_PAGE_COST],
        )


# -- the backend query ------------------------------------------------------------------------


def _any(queries):
    return queries[0] if len(queries) == 1 else Or(queries)


def _all(queries):
    return queries[0] if len(queries) == 1 else And(queries)


def term_query(term, folded=False):
    """The backend query for one term; `folded` searches its forms without å, ä and ö."""
    f = fold if folded else str
    if isinstance(term, QuotedPhrase):
        return Phrase(" ".join(f(word) for word in term.words))
    alternatives = [PlainText(form) for form in unique(f(form) for form in term.forms)]
    if term.parts:
        alternatives.append(
            _all(
                [
                    _any([PlainText(p) for p in unique([f(part), f(stem(part))])])
                    for part in term.parts
                ]
            )
        )
    return _any(alternatives)


def build_query(parsed, folded=False, phrases_as_words=False):
    """The backend query: Or of the alternatives, each an And of its terms.

    `phrases_as_words` searches a phrase's words (but its stop words) anywhere instead: a query
    that finds at least what the real one finds, or None if it would not narrow anything.
    """
    alternatives = []
    for group in parsed.groups:
        terms = group
        if phrases_as_words:
            terms = _phrases_as_words(group)
            if not terms:
                return None
        alternatives.append(_all([term_query(term, folded) for term in terms]))
    return _any(alternatives)


def _phrases_as_words(group):
    terms = []
    for term in group:
        if isinstance(term, QuotedPhrase):
            terms += [Word(word) for word in term.words if word not in STOPWORDS]
        else:
            terms.append(term)
    return terms


# -- running it -----------------------------------------------------------------------------


def backend_kind(backend):
    """'postgres', 'sqlite' or None (another backend) for a search backend."""
    module = type(backend).__module__
    for kind, suffix in BACKEND_MODULES.items():
        if module.endswith(suffix):
            return kind
    return None


def searchable(documents):
    """The queryset to hand to the search backend.

    The database backends run the search inside the queryset's own SQL, so every filter of
    for_request() applies as it is. Other backends (Elasticsearch) translate the filters into
    their own query and skip lookups on the page pointer (the restrictions are such lookups), so
    they get the visible documents' ids instead.
    """
    backend = get_search_backend()
    if type(backend).__module__.startswith("modelsearch.backends.database"):
        return documents
    return documents.model.objects.filter(id__in=documents.values("id")).select_related(
        "decision_body", "organisation"
    )


def run_search(queryset, parsed, folded=False):
    """The documents of `queryset` matching the query: those whose title has the most of the
    query's words first (shorter titles first among them), then by relevance, then by title.

    On the database backends the result is a queryset of ids, ordered; `load_documents()`
    reads one page of them. Any other backend's results are used in its own order.
    """
    query = build_query(parsed, folded)
    backend = get_search_backend()
    kind = backend_kind(backend)
    if kind == POSTGRES and not any(isinstance(t, QuotedPhrase) for t in parsed.terms):
        # The indexed body holds every word of the title too (`search_terms`), so for words
        # `body @@ query` finds the same documents as modelsearch's `title || body @@ query`,
        # and unlike it is served by an index: at 10,000 documents modelsearch reads every
        # visible document's vectors.
        tsquery, weights = postgres_tsquery(backend, queryset, query)
        documents = queryset.filter(pk__in=postgres_matches(queryset.model, tsquery))
        relevance, descending = postgres_relevance(queryset.model, tsquery, weights), True
    else:
        if kind == POSTGRES:
            queryset = _narrowed_for_phrases(backend, queryset, parsed, folded)
        results = queryset.search(query, order_by_relevance=True)
        if getattr(results, "get_queryset", None) is None:
            return results
        documents = results.get_queryset()
        relevance, descending = _backend_relevance(backend, kind, queryset, results, query)
    return _ordered_ids(documents, parsed, folded, relevance, descending)


def _narrowed_for_phrases(backend, queryset, parsed, folded):
    """A phrase is matched by modelsearch (positions in `title || body`); the GIN index first
    narrows the documents to those with all of the phrase's words."""
    words_query = build_query(parsed, folded, phrases_as_words=True)
    if words_query is None:
        return queryset
    tsquery, _weights = postgres_tsquery(backend, queryset, words_query)
    return queryset.filter(pk__in=postgres_matches(queryset.model, tsquery))


def _backend_relevance(backend, kind, queryset, results, query):
    """(relevance expression or None, whether higher is better) for modelsearch's results."""
    if kind == SQLITE:
        return sqlite_relevance(results.query_compiler), False
    if kind == POSTGRES:
        tsquery, weights = postgres_tsquery(backend, queryset, query)
        return postgres_relevance(queryset.model, tsquery, weights), True
    return None, True


def _ordered_ids(documents, parsed, folded, relevance, descending):
    documents = documents.annotate(_title_hits=title_hits(parsed, folded))
    # Among titles with as many of the words, the shorter one is more about them.
    documents = documents.annotate(
        _title_length=Case(When(_title_hits__gt=0, then=Length("title")), default=Value(0))
    )
    if relevance is not None:
        documents = documents.annotate(_relevance=relevance)
        by_relevance = ["-_relevance" if descending else "_relevance"]
    else:
        by_relevance = list(documents.query.order_by)[:1]
    ordering = ["-_title_hits", "_title_length", *by_relevance, "title", "pk"]
    # Only the ids: the database sorts narrow rows, and load_documents() reads one page's.
    return documents.order_by(*ordering).values_list("pk", flat=True)


def autocomplete_documents(queryset, words, limit=AUTOCOMPLETE_LIMIT):
    """Documents of `queryset` whose title has the words, the last one as a prefix, by title.

    On PostgreSQL the matching runs on the index entries' autocomplete vectors alone (a GIN
    index serves it); modelsearch would read every visible document's entry.
    """
    text = " ".join(words)
    backend = get_search_backend()
    if backend_kind(backend) == POSTGRES:
        tsquery = postgres_autocomplete_tsquery(backend, queryset, text)
        matching = (
            index_entries(queryset.model)
            .filter(autocomplete=tsquery)
            .annotate(document_id=Cast("object_id", BigIntegerField()))
            .values("document_id")
        )
        return first_by_title(queryset.filter(pk__in=matching), limit)
    return list(queryset.autocomplete(text, operator="and", order_by="title")[:limit])


def first_by_title(queryset, limit):
    """The first `limit` documents of `queryset` by title. The ids are sorted first, then only
    those documents read: sorting whole rows (the body and every field) costs the database
    two to three times as much as sorting narrow ones, for every match."""
    ids = list(queryset.order_by("title", "pk").values_list("pk", flat=True)[:limit])
    return load_documents(ids, queryset)


def load_documents(items, queryset):
    """The documents of one page of results, in order: `items` are ids from run_search() on a
    database backend, or documents already (from any other backend)."""
    items = list(items)
    if not items or not isinstance(items[0], int):
        return items
    found = queryset.filter(pk__in=items).in_bulk()
    return [found[pk] for pk in items if pk in found]


def title_hits(parsed, folded=False):
    """How many of the query's terms the title contains (as a word, its stem, or all its
    parts): a document named after what is searched for comes first. The index cannot tell,
    since it holds a title's compounds whole ("Informationssäkerhetsriktlinjer")."""
    if folded:
        return Value(0)
    hits = [
        Case(When(title_condition(term), then=Value(1)), default=Value(0)) for term in parsed.terms
    ]
    if not hits:
        return Value(0)
    return reduce(operator.add, hits)


def title_condition(term):
    """The title holds the term: the phrase, one of the word's forms, or all of its parts."""
    if isinstance(term, QuotedPhrase):
        return Q(title__icontains=" ".join(term.words))
    forms = [form for form in term.forms if len(form) >= MIN_TITLE_FORM] or [term.word]
    condition = reduce(operator.or_, [Q(title__icontains=form) for form in forms])
    parts = [stem(part) for part in term.parts]
    if parts and all(len(part) >= MIN_TITLE_FORM for part in parts):
        condition |= reduce(operator.and_, [Q(title__icontains=part) for part in parts])
    return condition


# -- modelsearch internals: SQLite ----------------------------------------------------------


def sqlite_internals():
    """(SQLiteFTSIndexEntry, MatchExpression, normalize) from modelsearch's SQLite backend.

    Imported when used: the module looks its FTS model up as it is imported, and that model
    exists only when the database is SQLite.
    """
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

    return SQLiteFTSIndexEntry, MatchExpression, normalize


# The FTS5 table's columns, in order; bm25() takes one weight per column.
SQLITE_FTS_COLUMNS = ("autocomplete", "body", "title")


class WeightedBM25(Func):
    """FTS5's bm25() with the title weighted as Page.search_fields boosts it (columns in the
    order of SQLITE_FTS_COLUMNS). Lower is better."""

    output_field = FloatField()
    title_weight = 2.0

    def as_sql(self, compiler, connection, **extra_context):
        fts_entry, _match, _normalize = sqlite_internals()
        table = fts_entry._meta.db_table
        return f"bm25({table}, 0.0, 1.0, {self.title_weight})", []


def sqlite_relevance(compiler):
    """On SQLite, a relevance score for ordering: FTS5's bm25() of the whole match.

    modelsearch combines the score of an Or/And query arithmetically from one bm25() value per
    part, which turns the order upside down for the nested queries built here (bm25 is
    negative); the plain bm25() of the match is the engine's own ranking.
    """
    fts_entry, match_expression, normalize = sqlite_internals()
    normalized = normalize(compiler.query)
    if not isinstance(normalized, (And, Or, Phrase, PlainText)):
        return None
    match = match_expression(
        compiler.fields or compiler.FTS_TABLE_FIELDS, compiler.build_search_query(normalized)
    )
    scores = (
        fts_entry.objects.filter(match)
        .filter(
            index_entry__content_type__in=get_descendants_content_types_pks(
                compiler.queryset.model
            ),
            index_entry__object_id=OuterRef("pk"),
        )
        .annotate(score=WeightedBM25())
        .values("score")[:1]
    )
    return Subquery(scores, output_field=FloatField())


# -- modelsearch internals: PostgreSQL ------------------------------------------------------


def postgres_tsquery(backend, queryset, query):
    """The query as PostgreSQL's tsquery, built as modelsearch builds it, and its weights."""
    compiler = backend.query_compiler_class(queryset, query)
    return compiler.build_tsquery(query, config=backend.config), compiler.sql_weights


def postgres_autocomplete_tsquery(backend, queryset, text):
    """The words as the prefix tsquery modelsearch's autocomplete builds."""
    query = PlainText(text, operator="and")
    compiler = backend.autocomplete_query_compiler_class(queryset, query)
    return compiler.build_tsquery(query, config=backend.autocomplete_config)


def index_entries(model):
    """modelsearch's index entries of `model` and its subclasses."""
    return (
        get_app_config()
        .get_model("IndexEntry")
        .objects.filter(content_type_id__in=get_descendants_content_types_pks(model))
    )


def postgres_matches(model, tsquery):
    """Ids of the documents whose indexed body matches (served by the body's GIN index)."""
    return (
        index_entries(model)
        .filter(body=tsquery)
        .annotate(document_id=Cast("object_id", BigIntegerField()))
        .values("document_id")
    )


def postgres_relevance(model, tsquery, weights):
    """On PostgreSQL, one ts_rank() of the whole query on the title and one on the body.

    modelsearch ranks every word form of the query on its own (two ts_rank() per form, each
    reading the document's vectors again), which for a query of a few words and thousands of
    matching documents takes most of the search's time.
    """
    from django.contrib.postgres.search import SearchRank  # needs psycopg: PostgreSQL only

    scores = (
        index_entries(model)
        .filter(object_id=Cast(OuterRef("pk"), CharField()))
        .annotate(
            score=SearchRank(F("title"), tsquery, weights=weights) * F("title_norm")
            + SearchRank(F("body"), tsquery, weights=weights)
        )
        .values("score")[:1]
    )
    return Subquery(scores, output_field=FloatField())
