"""Asking the search backend, and ordering what it finds.

The search always runs on `Styrdokument.objects.for_request(request)`: the database search
backends apply that queryset (live, channel, publicity, group restrictions) in the same query.

Relevance comes first: the engine's own score (PostgreSQL: ts_rank() of the stored body and
title vectors, the body normalised for its length; SQLite: FTS5's bm25() with the title
weighted), multiplied by a boost for a title and a summary holding the query's terms. The
document type and the title only break ties. On PostgreSQL the documents are joined to their
index entries once: the join matches (the body's GIN index), and the rank is read from the same
row, so one statement ranks and counts the hits.

A compound is found as itself first, and by its parts too only when that finds less than a page
(WIDEN_BELOW). Every term is required first. When that finds fewer than RELAX_BELOW documents,
the paginator asks for the relaxed search: documents holding at least half of the terms, those
with the most of them first (minimum should match; stop words never count).

This is the only module that reaches into modelsearch past its public API (the SQLite FTS
entry, MatchExpression, the query compilers' build_tsquery and sql_weights, the index entry
model): modelsearch is pinned exactly in pyproject.toml, and
tests/search/test_modelsearch_internals.py checks every such piece on the database in use, so
an upgrade that moves one fails there, by name, rather than as a wrong order of results.
"""

import logging
import math
import operator
import re
from functools import partial, reduce

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Abs, Cast, Greatest, Ln
from modelsearch.conf import get_app_config
from modelsearch.query import And, Or, Phrase, PlainText
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.search.backends import get_search_backend

from policies.expressions import LikeAny
from policies.swedish import STOPWORDS, WORD, fold, stem

from .parsing import QuotedPhrase, Word, unique

logger = logging.getLogger(__name__)

NUMBER = re.compile(r"\d")

AUTOCOMPLETE_LIMIT = 8
MIN_TITLE_FORM = 4
# A title holding every term of the query multiplies the relevance by 1 + TITLE_BOOST, a summary
# by 1 + SUMMARY_BOOST (both: by 1 + both); a share of the terms by that share of the boost.
TITLE_BOOST = 2.0
SUMMARY_BOOST = 0.25
TITLE_LENGTH = 30  # characters
# A compound is searched as itself first ("informationssäkerhet", its stem and synonyms); only
# when that finds fewer documents than this (a page of results) are documents that hold its parts
# apart ("säkerhet för information") found too. A common compound so keeps its results about it,
# and the search does not rank half of a large kommun's documents for holding two common words.
WIDEN_BELOW = 20
# Relaxation: when all the terms find fewer documents than this, a document matching at least
# MIN_SHOULD_MATCH of the terms is found too (those with the most of them first).
RELAX_BELOW = 5
MIN_SHOULD_MATCH = 0.5
# Among documents as relevant (scores within RELEVANCE_BAND of each other): the document types
# in the register's order (policy first), then the title and summary boost, then the title.
# Nothing else about a document outranks how well it matches.
RELEVANCE_BAND = 0.05
MIN_SCORE = 1e-12
TYPE_ORDER = ("type_rank",)
TITLE_ORDER = ("title", "pk")
POSTGRES = "postgres"
SQLITE = "sqlite"
# A lower() for SQLite that lowers every letter, registered on each connection.
SQLITE_LOWER = "styrdok_lower"
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
# The ranked statement sorts its matches with their vectors; for a word found in a few thousand
# documents that passes PostgreSQL's default work_mem (4 MB), and the sort and the count went to
# temporary files on disk (3–4 ms of a 40 ms search at 10,000 documents). The search's own
# transaction may use this much per sort (never less than the server's setting).
SEARCH_WORK_MEM = 16 * 1024 * 1024  # bytes


def prefer_indexes():
    """Inside a transaction on PostgreSQL: plan the rest of it for SSDs and let its sorts stay
    in memory (see above), in one statement. Planner costs and work_mem only choose between
    plans; what a query returns is the same."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('random_page_cost', "
            "LEAST(current_setting('random_page_cost')::float, %s)::text, true), "
            "set_config('work_mem', (GREATEST(pg_size_bytes(current_setting('work_mem')), %s) "
            "/ 1024)::text || 'kB', true)",
            [INDEX_FRIENDLY_PAGE_COST, SEARCH_WORK_MEM],
        )


# -- the backend query ------------------------------------------------------------------------


def _any(queries):
    return queries[0] if len(queries) == 1 else Or(queries)


def _all(queries):
    return queries[0] if len(queries) == 1 else And(queries)


def term_query(term, folded=False, parts=True):
    """The backend query for one term; `folded` searches its forms without å, ä and ö, `parts`
    also a compound's parts (all of them, each as written or as its stem)."""
    f = fold if folded else str
    if isinstance(term, QuotedPhrase):
        return Phrase(" ".join(f(word) for word in term.words))
    alternatives = [_form_query(form) for form in unique(f(form) for form in term.forms)]
    if parts and term.parts:
        alternatives.append(
            _all(
                [
                    _any([PlainText(p) for p in unique([f(part), f(stem(part))])])
                    for part in term.parts
                ]
            )
        )
    return _any(alternatives)


def _form_query(form):
    """One form of a term: a word, or (a synonym such as "e-post" or "arbete hemifrån") its
    words in this order, as PostgreSQL would otherwise find "e" and "post" anywhere."""
    return PlainText(form) if len(WORD.findall(form)) <= 1 else Phrase(form)


def build_query(parsed, folded=False, phrases_as_words=False, parts=True):
    """The backend query: Or of the alternatives, each an And of its terms.

    `phrases_as_words` searches a phrase's words (but its stop words) anywhere instead: a query
    that finds at least what the real one finds, or None if it would not narrow anything.
    `parts=False` finds a compound only as itself (its forms and synonyms), not by its parts.
    """
    alternatives = []
    for group in parsed.groups:
        terms = group
        if phrases_as_words:
            terms = _phrases_as_words(group)
            if not terms:
                return None
        alternatives.append(_all([term_query(term, folded, parts) for term in terms]))
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
    """The documents of `queryset` matching every term of the query, by relevance (see the
    module's docstring), then type, then title.

    On the database backends the result is a queryset of ids, ordered; `load_documents()`
    reads one page of them. A compound is first found only as itself; when that finds fewer
    than WIDEN_BELOW documents the queryset's `widen` gives the search that also finds its
    parts (search.paging.RankedPaginator asks for it). When relaxation may help (relaxable()),
    the (widened) queryset carries `relax`, a function giving the relaxed search (asked for when
    the strict one finds fewer than RELAX_BELOW documents). Any other backend's results are
    used in its own order, with the parts searched at once.
    """
    kind = backend_kind(get_search_backend())
    if kind in (POSTGRES, SQLITE) and has_parts(parsed):
        ids = _database_search(queryset, parsed, folded, kind, parts=False)
        ids.widen = partial(_database_search, queryset, parsed, folded, kind)
        return ids
    return _database_search(queryset, parsed, folded, kind)


def has_parts(parsed):
    """Whether a word of the query is a compound the search may also find by its parts."""
    return any(isinstance(term, Word) and term.parts for term in parsed.terms)


def _database_search(queryset, parsed, folded, kind, parts=True):
    """run_search() with or without compounds' parts (on another backend: its results)."""
    backend = get_search_backend()
    if kind == POSTGRES and not has_phrase(parsed):
        query = build_query(parsed, folded, parts=parts)
        tsquery, _weights = postgres_tsquery(backend, queryset, query)
        documents, relevance = postgres_ranked(queryset, tsquery)
        ids = _ordered_ids(documents, parsed, folded, relevance, descending=True)
    elif kind == POSTGRES and is_narrow_copy(queryset):
        narrowed = _narrowed_for_phrases(backend, queryset, parsed, folded, parts)
        query = build_query(parsed, folded, parts=parts)
        tsquery, _weights = postgres_tsquery(backend, narrowed, query)
        documents = narrowed.annotate(_vector_=phrase_vector()).filter(_vector_=tsquery)
        ids = _ordered_ids(documents, parsed, folded, postgres_score(tsquery, "body"), True)
    else:
        narrowed = queryset
        if kind == POSTGRES:
            narrowed = _narrowed_for_phrases(backend, queryset, parsed, folded, parts)
        query = build_query(parsed, folded, parts=parts)
        results = narrowed.search(query, order_by_relevance=True)
        if getattr(results, "get_queryset", None) is None:
            return results
        documents = results.get_queryset()
        relevance, descending = _backend_relevance(backend, kind, narrowed, results, query)
        ids = _ordered_ids(documents, parsed, folded, relevance, descending)
    if kind in (POSTGRES, SQLITE):
        # The relaxed searches start from the documents as given, not as narrowed for every
        # word of a phrase.
        if relaxable(parsed):
            ids.relax = partial(relaxed_search, queryset, parsed, folded)
        # When even that finds nothing: any one of the words, a compound by its first parts.
        if loosenable(parsed):
            ids.relax_loosely = partial(relaxed_search, queryset, parsed, folded, loose=True)
    return ids


def has_phrase(parsed):
    return any(isinstance(term, QuotedPhrase) for term in parsed.terms)


def _narrowed_for_phrases(backend, queryset, parsed, folded, parts=True):
    """A phrase is matched by modelsearch (positions in `title || body`); the GIN index first
    narrows the documents to those with all of the phrase's words."""
    words_query = build_query(parsed, folded, phrases_as_words=True, parts=parts)
    if words_query is None:
        return queryset
    tsquery, _weights = postgres_tsquery(backend, queryset, words_query)
    if is_narrow_copy(queryset):
        return queryset.filter(body=tsquery)
    return queryset.filter(pk__in=postgres_matches(queryset.model, tsquery))


def is_narrow_copy(queryset):
    """Whether `queryset` is of the ranked search's narrow copy (search.models.RankedEntry)."""
    return hasattr(queryset.model, "indexed_model")


def phrase_vector():
    """On the narrow copy, the vector modelsearch matches a phrase against: the index entry's
    title vector followed by its body's (`title || body`, positions and all)."""
    return F("title_vector")._combine(F("body"), "||", False)


def _backend_relevance(backend, kind, queryset, results, query):
    """(relevance expression or None, whether higher is better) for modelsearch's results."""
    if kind == SQLITE:
        return sqlite_relevance(results.query_compiler), False
    if kind == POSTGRES:
        tsquery, _weights = postgres_tsquery(backend, queryset, query)
        return postgres_relevance(queryset.model, tsquery), True
    return None, True


def _ordered_ids(documents, parsed, folded, relevance, descending, first=()):
    """Only the ids, in order: the database sorts narrow rows, and load_documents() reads one
    page's. On PostgreSQL the ids carry `narrow_page`, which reads a page of them with the
    total in a statement that ranks each match before counting (NarrowPage)."""
    boosted = boost(parsed, folded)

    def ordered_ids():
        ordered = _ordered(documents, parsed, folded, relevance, descending, first, boosted)
        return ordered.values_list("pk", flat=True)

    if NARROW_PAGES and connection.vendor == "postgresql" and relevance is not None and descending:
        return RankedIds(ordered_ids, NarrowPage(documents, boosted, relevance, first))
    return ordered_ids()


class RankedIds:
    """_ordered()'s ids where NarrowPage reads their pages: the ORM's ordered queryset is built
    only if something else reads them (a count past the last page, a caller iterating them).

    NarrowPage writes the same order in its own statement, so building the ORM's as well, with
    the boost's and the band's expressions resolved once more, was 0.4–0.6 ms of every search
    for nothing (three times for a misspelt query). `widen`, `relax` and `relax_loosely` are
    set on it as on the queryset (run_search, _database_search)."""

    ordered = True  # for Django's Paginator: these are in order
    widen = relax = relax_loosely = None

    def __init__(self, build, narrow_page):
        self._build, self._ids = build, None
        self.narrow_page = narrow_page

    @property
    def ids(self):
        if self._ids is None:
            self._ids = self._build()
        return self._ids

    def count(self):
        return self.ids.count()

    def __iter__(self):
        return iter(self.ids)


# The column of a page of ranked ids that holds the number of matches (search.paging).
TOTAL = "_search_total"
# True: on PostgreSQL a page of ranked ids is read by NarrowPage. False: by the ORM's statement
# (kept to compare the two: tests/search/test_narrow_page.py).
NARROW_PAGES = True


class NarrowPage:
    """A page of `_ordered()`'s ids with the number of matches, read as one statement in which
    every match is scored first and only its narrow row (id, score, boost, type, title) goes on
    to be counted and sorted.

    Written by the ORM, the count (COUNT(*) OVER ()) and the boost's window passed every match
    with its body vector (1.6 kB) through two window buffers before ts_rank read it: for a word
    in a third of 10,000 documents, 28 ms of which 15 ms copying vectors. Here the scores are
    computed in a subquery (OFFSET 0 keeps PostgreSQL from folding it into the outer query), the
    boost once per row without a window, and the order is _ordered()'s, expression for
    expression: the same documents in the same order (tests/search/test_narrow_page.py).
    """

    # The subquery's columns: the id, the score and the boost, then those TYPE_ORDER and
    # TITLE_ORDER sort on (ascending, as in _ordered), then those `first` sorts on.
    KEYS = (*TYPE_ORDER, *TITLE_ORDER)

    def __init__(self, documents, boost_expression, relevance, first=()):
        self.first = [(name.lstrip("-"), name.startswith("-")) for name in first]
        keys = [key for key in self.KEYS if key != "pk"]
        self.columns = ["pk", "r", "b", *keys, *(f"f{i}" for i in range(len(self.first)))]
        self.inner = (
            documents.order_by()
            .annotate(_r=relevance, _b=boost_expression)
            .values_list("pk", "_r", "_b", *keys, *(name for name, _desc in self.first))
        )

    def statement(self, offset, limit):
        """(SQL, params) of the page `offset`–`offset + limit` with the total on each row, in
        _ordered()'s order: `first`, the band of score × boost, TYPE_ORDER, the boost,
        TITLE_ORDER."""
        sql, params = self.inner.query.get_compiler(using=self.inner.db).as_sql()
        first_order = [
            f"s.f{index} {'DESC' if desc else 'ASC'}"
            for index, (_name, desc) in enumerate(self.first)
        ]
        band = "ROUND((LN(GREATEST(ABS((s.r * s.b)), %s)) / %s))"
        order = ", ".join(
            [
                *first_order,
                f"{band} DESC",
                *(f"s.{key} ASC" for key in TYPE_ORDER),
                "s.b DESC",
                *(f"s.{key} ASC" for key in TITLE_ORDER),
            ]
        )
        return (
            f'SELECT s.pk, COUNT(*) OVER () AS "{TOTAL}" FROM ({sql} OFFSET 0) '
            f"AS s({', '.join(self.columns)}) ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, MIN_SCORE, math.log1p(RELEVANCE_BAND), limit, offset],
        )

    def __call__(self, offset, limit):
        """[(id, total)] for the page; empty past the last match, or when the documents can be
        none at all (Django then writes no SQL; its own queries answer with no rows)."""
        try:
            sql, params = self.statement(offset, limit)
        except EmptyResultSet:
            return []
        with connections[self.inner.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def _ordered(documents, parsed, folded, relevance, descending, first=(), boosted=None):
    """The documents in order, scored as `_relevance` (`descending`: higher is better; the
    band sorts either way, since it is of the score's size). `first` are orderings that come before
    relevance (the relaxed search's share of terms); `boosted` is boost(parsed, folded) when the
    caller has built it already."""
    if relevance is None:
        by_relevance = list(documents.query.order_by)[:1]
        return documents.order_by(*first, *by_relevance, *TYPE_ORDER, *TITLE_ORDER)
    # The boosts multiply: a score keeps its sign (bm25 is negative, lower is better), and a
    # document far more about the words than another still comes first, whatever its title
    # says. Scores within RELEVANCE_BAND of each other are as relevant: their band is the same
    # (the logarithm of the score's size, rounded), and the type decides between them. Only the
    # band is sorted on, so the database ranks each document once.
    # Between documents of a type in one band, the one whose title and summary hold the terms.
    # Each annotation names the one before (F): Django resolves an expression tree once per
    # annotation that holds it, and the boost's is the largest part of building the search.
    if boosted is None:
        boosted = boost(parsed, folded)
    documents = documents.annotate(_boost=computed_once(boosted))
    documents = documents.annotate(_relevance=relevance * F("_boost"))
    band = Band(
        Ln(Greatest(Abs(F("_relevance")), Value(MIN_SCORE))) / Value(math.log1p(RELEVANCE_BAND))
    )
    documents = documents.annotate(_band=band)
    return documents.order_by(*first, "-_band", *TYPE_ORDER, "-_boost", *TITLE_ORDER)


class Band(Func):
    """A relevance band: the float rounded to a whole number, as a float.

    Django's Round casts a float to numeric(1000, 15) on PostgreSQL before rounding it. For a
    word found in a few thousand documents that is a numeric conversion per match, about 2 ms
    of a 12 ms ranked statement at 10,000 documents. The band only needs the nearest whole
    number, which round(double precision) gives without the cast; SQLite's ROUND(x) is the
    same. The two differ only for a value exactly halfway between two whole numbers, which a
    logarithm of a score does not land on."""

    function = "ROUND"
    output_field = FloatField()


def computed_once(expression):
    """On PostgreSQL, `expression` as a window over the row itself (the same value), so that
    the score and the tie-break share one computation.

    The boost compares the title and summary with every form of every term; the score and the
    ordering both use it, and PostgreSQL evaluates an expression again wherever it appears, but
    a window function once per row however often the query names it. For a broad word (half of
    10,000 documents) that halves the boost's cost. The window's frame is the current row alone
    (ROWS BETWEEN CURRENT ROW AND CURRENT ROW), with no partition: partitioning by the document
    made PostgreSQL sort every match, each with its body vector (1.4 kB), only to find each
    document alone in its partition (8 ms of a 40 ms search at 10,000 documents). Elsewhere the
    expression is returned as is.
    """
    if connection.vendor != "postgresql" or isinstance(expression, Value):
        return expression
    from django.db.models import Max, RowRange, Window

    return Window(Max(expression), frame=RowRange(start=0, end=0))


def boost(parsed, folded=False):
    """1, plus TITLE_BOOST for a title and SUMMARY_BOOST for a summary holding every term of
    the query (a share of them for some): a document named or summed up after what is searched
    for is more about it than one mentioning it. The index cannot tell, since it holds a
    title's compounds whole ("Informationssäkerhetsriktlinjer") and the summary with the body.
    A title longer than TITLE_LENGTH is about more than the terms: its boost shrinks with the
    square of its length (a title twice as long, a quarter of the boost)."""
    terms = [term for term in parsed.terms if counts(term)]
    if folded or not terms:
        return Value(1.0)
    return Boost(
        [field_condition(term, "title") for term in terms],
        [field_condition(term, "summary") for term in terms],
    )


class Boost(Func):
    """boost() as one expression that writes its SQL at once.

    As a tree of Django expressions (a Case per term and field, Least, Greatest, Cast, Length
    and the arithmetic) the boost was rebuilt, resolved, copied and compiled node by node on
    every search: 1.6–1.8 ms of Python, half of building the ranked statement. This node holds
    only the columns and the terms' conditions (LikeAny, themselves one node each) and renders
    the same SQL, operation for operation, so every score is the same to the last bit;
    tests/search/test_boost_expression.py compares the two on both databases.

        1 + (TITLE_BOOST * ((hits(title) * shortness) * shortness)
             + SUMMARY_BOOST * hits(summary)) * (1 / number of terms)

    hits() is the sum of `CASE WHEN condition THEN 1 ELSE 0 END`, one per term, and shortness
    `LEAST(1, TITLE_LENGTH / GREATEST(LENGTH(title), 1))`.
    """

    output_field = FloatField()

    def __init__(self, title_conditions, summary_conditions):
        if not title_conditions or len(title_conditions) != len(summary_conditions):
            raise ValueError("Boost needs one title and one summary condition per term")
        self.terms = len(title_conditions)
        super().__init__(F("title"), *title_conditions, *summary_conditions)

    def as_sql(
        self, compiler, connection, greatest="GREATEST", least="LEAST", cast=None, number=None
    ):
        title, *conditions = self.source_expressions
        number = number or (lambda value: ("%s", [value]))
        title_sql, title_params = compiler.compile(title)
        title_hits, title_hit_params = self._hits(compiler, conditions[: self.terms], number)
        summary_hits, summary_hit_params = self._hits(compiler, conditions[self.terms :], number)
        (one, one_params), (most, most_params) = number(1.0), number(float(TITLE_LENGTH))
        length = f"{greatest}(LENGTH({title_sql}), %s)"
        length = cast(length) if cast else f"({length})::double precision"
        shortness = f"{least}({one}, ({most} / {length}))"
        shortness_params = [*one_params, *most_params, *title_params, 1]
        (title_boost, title_boost_params) = number(TITLE_BOOST)
        (summary_boost, summary_boost_params) = number(SUMMARY_BOOST)
        (share, share_params) = number(1.0 / self.terms)
        sql = (
            f"({one} + ((({title_boost} * (({title_hits} * {shortness}) * {shortness})) "
            f"+ ({summary_boost} * {summary_hits})) * {share}))"
        )
        params = [
            *one_params,
            *title_boost_params,
            *title_hit_params,
            *shortness_params,
            *shortness_params,
            *summary_boost_params,
            *summary_hit_params,
            *share_params,
        ]
        return sql, params

    def as_postgresql(self, compiler, connection, **extra_context):
        """The constants as double precision: Django binds a float on the client as a numeric
        literal, and every CASE and product of the boost then ran on numeric (0.5–1.5 ms of a
        broad search at 10,000 documents). Each constant is exactly the same value, so each
        score is too (tests/search/test_boost_expression.py)."""
        return self.as_sql(
            compiler, connection, number=lambda value: (f"{float(value)!r}::double precision", [])
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            greatest="MAX",
            least="MIN",
            cast=lambda sql: f"CAST({sql} AS real)",
        )

    @staticmethod
    def _hits(compiler, conditions, number):
        """How many of the conditions hold: the sum of a CASE per condition, added from the
        left as Django adds them."""
        (one, one_params), (zero, zero_params) = number(1.0), number(0.0)
        sql, params = None, []
        for condition in conditions:
            condition_sql, condition_params = compiler.compile(condition)
            case = f"CASE WHEN {condition_sql} THEN {one} ELSE {zero} END"
            sql = case if sql is None else f"({sql} + {case})"
            params += [*condition_params, *one_params, *zero_params]
        return sql, params


# On PostgreSQL the boost reads the documents' lower-case copies of their title and summary
# (Styrdokument.ranking_title, ranking_summary) with a plain LIKE: comparing upper-cased text
# per form and row cost three times as much. The terms' forms are lower case already.
LOWER_CASE_COPIES = {"title": "ranking_title", "summary": "ranking_summary"}


def field_lookup(name):
    if connection.vendor == "postgresql" and name in LOWER_CASE_COPIES:
        return f"{LOWER_CASE_COPIES[name]}__contains"
    return f"{name}__icontains"


def shortest(forms):
    """The forms, lower case, without those holding another one: a text holding
    "informationssäkerhet" holds "informationssäker", so one test of the shorter finds both."""
    forms = unique(form.lower() for form in forms)
    return [form for form in forms if not any(other != form and other in form for other in forms)]


def field_condition(term, name):
    """The field holds the term: the phrase, one of the word's forms, or all of its parts."""
    column, lookup = field_lookup(name).split("__")
    if isinstance(term, QuotedPhrase):
        return TextContains(column, lookup, [[" ".join(term.words).lower()]])
    forms = [form for form in term.forms if len(form) >= MIN_TITLE_FORM] or [term.word]
    alternatives = [[form] for form in shortest(forms)]
    parts = [stem(part) for part in term.parts]
    if parts and all(len(part) >= MIN_TITLE_FORM for part in parts):
        alternatives.append([part.lower() for part in parts])
    return TextContains(column, lookup, alternatives)


class TextContains(LikeAny):
    """LikeAny for the boost's terms. On PostgreSQL a lower-case copy holding a form is
    `strpos(copy, form) > 0`, not `copy LIKE '%form%'`: the same answer (the form is matched
    as it is, with no wildcards to escape) for less work per row, on every match of a broad
    word (0.5–1 ms at 10,000 documents)."""

    def as_postgresql(self, compiler, connection, **extra_context):
        if self.lookup != "contains" or not self.alternatives:
            return self.as_sql(compiler, connection)
        column, column_params = compiler.compile(self.column)
        alternatives, params = [], []
        for strings in self.alternatives:
            alternatives.append(
                "(" + " AND ".join([f"strpos({column}, %s) > 0"] * len(strings)) + ")"
            )
            for string in strings:
                params += [*column_params, string]
        return "(" + " OR ".join(alternatives) + ")", params


# -- relaxation -------------------------------------------------------------------------------


def counts(term):
    """Whether a term counts towards a query's terms: a stop word never does."""
    if isinstance(term, QuotedPhrase):
        return any(word not in STOPWORDS for word in term.words)
    return getattr(term, "word", None) not in STOPWORDS


def relaxable(parsed):
    """Whether the query may be relaxed: one group of words and phrases (no OR) with at least
    two that are optional (optional()). A phrase counts as one term: `"säker e-post" sekretess`
    still finds the document with the phrase when no document also has the word."""
    if len(parsed.groups) != 1:
        return False
    terms = parsed.groups[0]
    return all(isinstance(term, Word | QuotedPhrase) for term in terms) and (
        len(optional(terms)) >= 2
    )


def loosenable(parsed):
    """Whether the loose search (relaxed_search(loose=True)) can find more than the relaxed
    one: a query of one group of words with a compound among them, or with three optional
    words or more (where "at least half" needs two)."""
    if len(parsed.groups) != 1 or not all(isinstance(t, Word) for t in parsed.groups[0]):
        return False
    some = optional(parsed.groups[0])
    return needed(len(some)) > 1 or any(len(term.parts) >= 2 for term in some)


def compound_by_its_first_parts(term, folded=False):
    """A compound found by its first parts alone: in a Swedish compound the last part is the
    generic head ("regler", "rapportering", "policy") and the first ones name the topic, so
    "jävsregler" finds what is written as "regler om jäv" or just "jäv"."""
    f = fold if folded else str
    alternatives = [PlainText(form) for form in unique(f(form) for form in term.forms)]
    alternatives.append(
        _all(
            [
                _any([PlainText(p) for p in unique([f(part), f(stem(part))])])
                for part in term.parts[:-1]
            ]
        )
    )
    return _any(alternatives)


def optional(terms):
    """The terms a relaxed search may do without: words, not stop words, and no number (a
    number is a diarienummer's, a paragraph's or a year's: "KS-2025-9999" must not find every
    document of KS from 2025)."""
    return [term for term in terms if counts(term) and not NUMBER.search(_text(term))]


def _text(term):
    return " ".join(term.words) if isinstance(term, QuotedPhrase) else term.word


def needed(count):
    """How many of `count` optional terms a document must match when the query is relaxed."""
    return max(1, math.ceil(count * MIN_SHOULD_MATCH))


def relaxed_search(queryset, parsed, folded=False, loose=False):
    """The documents of `queryset` holding every required term and at least needed() of the
    optional ones (optional()), those with the most of them first, then by relevance as
    run_search() orders (an ordered queryset of ids): a long question ("vem ansvarar för att
    stänga av konton när någon slutar") still finds the document that answers it.

    `loose`: one of the optional terms is enough, and a compound is found by its first parts
    (compound_by_its_first_parts); asked only when the strict and the relaxed search found
    nothing, so that a long question or an unusual compound rarely ends with no result."""
    terms = [term for term in parsed.groups[0] if counts(term)]
    some = optional(terms)
    required = [term_query(term, folded) for term in terms if term not in some]
    queries = [
        compound_by_its_first_parts(term, folded)
        if loose and len(getattr(term, "parts", ())) >= 2
        else term_query(term, folded)
        for term in some
    ]
    query = _all([*required, _any(queries)])
    backend = get_search_backend()
    if backend_kind(backend) == POSTGRES:
        tsquery, _weights = postgres_tsquery(backend, queryset, query)
        body = vector(queryset)
        if any(isinstance(term, QuotedPhrase) for term in terms):
            documents = _for_phrases(backend, queryset, terms, some, folded)
            documents, target = documents.filter(_vector_=tsquery), F("_vector_")
        else:
            documents, target = queryset.filter(**{body: tsquery}), F(body)
        matched = [Matches(target, postgres_tsquery(backend, queryset, one)[0]) for one in queries]
        relevance, descending = postgres_score(tsquery, body), True
    else:
        results = queryset.search(query, order_by_relevance=True)
        documents = results.get_queryset()
        matched = [
            Case(
                When(pk__in=sqlite_matches(backend, queryset, one), then=Value(1)),
                default=Value(0),
            )
            for one in queries
        ]
        relevance, descending = sqlite_relevance(results.query_compiler), False
    documents = documents.annotate(_matched=reduce(operator.add, matched)).filter(
        _matched__gte=1 if loose else needed(len(queries))
    )
    return _ordered_ids(documents, parsed, folded, relevance, descending, first=["-_matched"])


def _for_phrases(backend, queryset, terms, some, folded):
    """The documents a relaxed query with a phrase may find (PostgreSQL), annotated with the
    vector a phrase is matched against, `title || body` as in the strict search: the GIN index
    first narrows them to those with every required term's words and any optional term's."""

    def words(term):
        return _all([term_query(word, folded) for word in _phrases_as_words([term])])

    wide = _all(
        [*(words(term) for term in terms if term not in some), _any(list(map(words, some)))]
    )
    wide_tsquery, _weights = postgres_tsquery(backend, queryset, wide)
    documents = queryset.filter(**{vector(queryset): wide_tsquery})
    if is_narrow_copy(queryset):
        return documents.annotate(_vector_=phrase_vector())
    title, body = F(vector(queryset, "title")), F(vector(queryset))
    return documents.annotate(_vector_=title._combine(body, "||", False))


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


class ILike(Func):
    """`field ILIKE pattern` (PostgreSQL): the trigram index on page titles (search migration
    0004) serves it, whereas Django's icontains compares UPPER(title) with every row."""

    arg_joiner = " ILIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class Like(Func):
    """`expression LIKE pattern`, with a backslash escaping the wildcards as Django escapes them
    (connection.ops.prep_for_like_query)."""

    arg_joiner = " LIKE "
    template = "(%(expressions)s ESCAPE '\\')"
    output_field = BooleanField()


def title_contains(word):
    """A condition on documents: the title holds `word`, in any case, å, ä and ö included (for
    the autocomplete's titles containing the words typed, such as a compound's later part). On
    PostgreSQL an ILIKE the title's trigram index serves; on SQLite, whose own LIKE and lower()
    fold ASCII letters only, a LIKE on SQLITE_LOWER (register_sqlite_functions)."""
    pattern = Value(f"%{connection.ops.prep_for_like_query(word.lower())}%")
    if connection.vendor == "postgresql":
        return ILike(F("title"), pattern)
    return Like(Func(F("title"), function=SQLITE_LOWER), pattern)


def register_sqlite_functions(sender, connection, **kwargs):
    """connection_created: SQLITE_LOWER on a new SQLite connection (Python's str.lower)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_LOWER,
            1,
            lambda text: text.lower() if isinstance(text, str) else text,
            deterministic=True,
        )


def first_by_title(queryset, limit):
    """The first `limit` documents of `queryset` by title, in one statement: the ids are sorted
    in a subquery and only those documents read (sorting whole rows, the body and every field,
    costs the database two to three times as much as sorting narrow ones, for every match).
    The subquery applies `queryset`'s visibility; the outer query, reading the same snapshot,
    only fetches what it chose."""
    first = queryset.order_by("title", "pk").values("pk")[:limit]
    return list(queryset.model.objects.filter(pk__in=first).order_by("title", "pk"))


def load_documents(items, queryset):
    """The documents of one page of results, in order: `items` are ids from run_search() on a
    database backend, or documents already (from any other backend)."""
    items = list(items)
    if not items or not isinstance(items[0], int):
        return items
    found = queryset.filter(pk__in=items).in_bulk()
    return [found[pk] for pk in items if pk in found]


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
    title_weight = 0.0
    body_weight = 1.0

    def as_sql(self, compiler, connection, **extra_context):
        fts_entry, _match, _normalize = sqlite_internals()
        table = fts_entry._meta.db_table
        return f"bm25({table}, 0.0, {self.body_weight}, {self.title_weight})", []


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


def sqlite_matches(backend, queryset, query):
    """Ids of the documents whose FTS5 entry matches `query` (for the relaxed search's count
    of terms: each such subquery is run once, not per document)."""
    fts_entry, match_expression, normalize = sqlite_internals()
    compiler = backend.query_compiler_class(queryset, query)
    match = match_expression(
        compiler.FTS_TABLE_FIELDS, compiler.build_search_query(normalize(query))
    )
    return (
        fts_entry.objects.filter(match)
        .filter(index_entry__content_type__in=get_descendants_content_types_pks(queryset.model))
        .annotate(document_id=Cast("index_entry__object_id", BigIntegerField()))
        .values("document_id")
    )


# -- modelsearch internals: PostgreSQL ------------------------------------------------------


def indexed(queryset):
    """`queryset`, or for the ranked search's narrow copy (search.models.RankedEntry) the
    documents it copies: the model the search backend indexes, whose compiler builds a query."""
    model = getattr(queryset.model, "indexed_model", None)
    return queryset if model is None else model.objects.all()


def vector(queryset, column="body"):
    """The lookup of `queryset`'s indexed vector: the narrow copy's own column, or the column of
    the document's index entry (a join)."""
    if is_narrow_copy(queryset):
        return column
    return f"index_entries__{column}"


def postgres_tsquery(backend, queryset, query):
    """The query as PostgreSQL's tsquery, built as modelsearch builds it, and its weights."""
    compiler = backend.query_compiler_class(indexed(queryset), query)
    return compiler.build_tsquery(query, config=backend.config), compiler.sql_weights


def postgres_autocomplete_tsquery(backend, queryset, text):
    """The words as the prefix tsquery modelsearch's autocomplete builds."""
    query = PlainText(text, operator="and")
    compiler = backend.autocomplete_query_compiler_class(queryset, query)
    return compiler.build_tsquery(query, config=backend.autocomplete_config)


def index_entries(model):
    """modelsearch's index entries of `model` and its subclasses (for the narrow copy, of the
    documents it copies)."""
    model = getattr(model, "indexed_model", model)
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


# ts_rank() weighs each of the four labels; modelsearch labels the title A and the body D
# (and boosts A a hundred-fold), so the same weight for all: the title's share of the score is
# TITLE_RANK_WEIGHT's.
RANK_WEIGHTS = [1.0, 1.0, 1.0, 1.0]
# ts_rank()'s normalization 1: the rank divided by 1 + the logarithm of the vector's length, so
# that a long document is not first for holding the words more often (as BM25 does).
BODY_NORMALIZATION = 1
TITLE_RANK_WEIGHT = 0.0


def postgres_rank(title, body, title_norm, tsquery):
    """The relevance of a document's index entry: ts_rank() of its body, plus that of its
    title (times modelsearch's title_norm, which favours shorter titles)."""
    from django.contrib.postgres.search import SearchRank  # needs psycopg: PostgreSQL only

    rank = SearchRank(body, tsquery, weights=RANK_WEIGHTS, normalization=Value(BODY_NORMALIZATION))
    if TITLE_RANK_WEIGHT:
        rank += (
            Value(TITLE_RANK_WEIGHT) * SearchRank(title, tsquery, weights=RANK_WEIGHTS) * title_norm
        )
    return rank


# True: the documents are joined to their index entries, and ranked from the joined row. False:
# matched by a semi-join and ranked by a subquery per document (as before issue 17's work; kept
# to compare the two: at 10,000 documents the join was 5–20 % faster through /sok/).
JOIN_ENTRIES = True


def postgres_ranked(queryset, tsquery):
    """(the documents of `queryset` matching `tsquery`, their relevance expression)."""
    if JOIN_ENTRIES or is_narrow_copy(queryset):
        body = vector(queryset)
        return queryset.filter(**{body: tsquery}), postgres_score(tsquery, body)
    matching = queryset.filter(pk__in=postgres_matches(queryset.model, tsquery))
    return matching, postgres_relevance(queryset.model, tsquery)


def postgres_score(tsquery, body="index_entries__body"):
    """The relevance of a document joined to its index entry (`index_entries__…`), or of the
    narrow copy's row (`body`): the ranked query reads each matching vector once, in the same
    row that matched it."""
    if body != "index_entries__body":
        if TITLE_RANK_WEIGHT:  # the narrow copy holds the body's vector only
            raise ValueError("the narrow copy cannot rank titles separately")
        return postgres_rank(None, F(body), None, tsquery)
    return postgres_rank(
        F("index_entries__title"),
        F("index_entries__body"),
        F("index_entries__title_norm"),
        tsquery,
    )


def postgres_relevance(model, tsquery, weights=None):
    """postgres_score() for documents that are not joined to their index entry (modelsearch's
    results for a phrase): one subquery per document. `weights` is not used (kept for
    callers)."""
    scores = (
        index_entries(model)
        .filter(object_id=Cast(OuterRef("pk"), CharField()))
        .annotate(score=postgres_rank(F("title"), F("body"), F("title_norm"), tsquery))
        .values("score")[:1]
    )
    return Subquery(scores, output_field=FloatField())


class Matches(Func):
    """1 if the vector matches the tsquery, else 0: how the relaxed search counts terms."""

    template = "(CASE WHEN %(expressions)s THEN 1 ELSE 0 END)"
    arg_joiner = " @@ "
    output_field = IntegerField()
