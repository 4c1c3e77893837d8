"""The search the views run: a query, filters and a page number in; results, notices and a
suggestion out. Nothing here reads a request or renders a response (search.views does).

What may be found is decided by the `visible` queryset the view passes in,
`Styrdokument.objects.for_request(request)`: the same as everywhere else (live, channel,
publicity, group restrictions). The search runs on it directly.

A query that finds nothing or almost nothing is searched again as "Menade du …" corrects it;
when that finds more, its results are shown, said at the top, with a link to search exactly
what was typed (`exact`). The correction is an edit distance over the vocabulary of the
documents the reader may see (search.suggest), the same on every database. When still nothing
is found, on PostgreSQL the titles are compared with the query's words by pg_trgm's
word_similarity (misspellings the vocabulary cannot correct, such as two in one word).
"""

import logging
import operator
from dataclasses import dataclass, field
from functools import partial, reduce

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField, F, Func, QuerySet, Value
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.search.backends import get_search_backend

from governance.models import DecisionBody
from policies.models import Styrdokument
from policies.swedish import MAX_WORD, WORD

from .dnr import documents_with_diarienummer, find_diarienummer
from .paging import RankedPaginator
from .parsing import (
    MAX_QUERY_LENGTH,
    ParsedQuery,
    QuotedPhrase,
    changes_when_folded,
    clean_query,
    parse_query,
    printable,
    unique,
)
from .ranking import (
    AUTOCOMPLETE_LIMIT,
    POSTGRES,
    RankedIds,
    SearchFailed,
    autocomplete_documents,
    backend_kind,
    build_query,
    checked,
    first_by_title,
    is_narrow_copy,
    load_documents,
    postgres_matches,
    postgres_tsquery,
    prefer_indexes,
    run_search,
    searchable,
    title_contains,
)
from .snippets import describe_hits

try:  # search.synonyms: the admin-editable synonym list
    from .synonyms import expansions as synonym_expansions
    from .synonyms import synonym_table
except ImportError:  # pragma: no cover - only while the synonyms are being built
    synonym_expansions = synonym_table = None

logger = logging.getLogger(__name__)

FILTERS = ("typ", "organ", "forvaltning", "omrade", "status")
PAGE_SIZE = 20
# "Menade du …" is offered, and searched instead when it finds more, when a search finds no
# more than this many documents.
FEW_HITS = 2
# pg_trgm word_similarity a title needs with one of the query's words, for the fuzzy fallback.
FUZZY_TITLE_SIMILARITY = 0.5
FUZZY_MIN_WORD = 4  # shorter words say too little about a title
FUZZY_MAX_WORDS = 8
# The most documents an excluded word is looked for in, with a search engine that is not the
# database (with the database the exclusion is a subquery, whatever the number).
MAX_EXCLUDED = 1000
AUTOCOMPLETE_MAX_LENGTH = 100
AUTOCOMPLETE_WORDS = 8


@dataclass
class SearchOutcome:
    """What the results page shows."""

    query: str  # the query as read, shown back to the reader
    notices: list = field(default_factory=list)
    redirect_url: str | None = None  # a diarienummer that names one document: go there
    results: object = None  # the page of results (a Paginator page)
    hits: list = field(default_factory=list)  # snippets.Hit for each document of the page
    fallback: bool = False  # found only without å, ä and ö
    suggestion: str | None = None  # "Menade du …"
    corrected: str | None = None  # the results are those of this corrected query
    original: str = ""  # what was typed, when the results are a corrected query's
    dnr_document: object = None  # the one document with a diarienummer in the query
    dnr: str = ""  # that diarienummer, as displayed
    searched: bool = False


def search(
    query,
    visible,
    *,
    filters=None,
    page="1",
    public=False,
    settings,
    filter_notices=(),
    suggest=None,
    url_of=None,
    exact=False,
    load=None,
    ranked=None,
):
    """Search `visible` (the documents this reader may see, or a function giving them when
    first needed) for the query typed.

    `filters` are valid filter values (see FILTERS), `settings` the site's StyrdokSettings,
    `suggest(query)` gives "Menade du …" (or None) and `url_of(document)` a document's address
    for this reader (or None): the view supplies both, since they depend on the request.
    `exact` searches what was typed even when a correction would find more. `load(ids,
    fallback)` reads a page of results for this reader (search.loading); without it they are
    read through `visible`. `ranked` is the same reader's entries in the ranked search's
    narrow copy (search.models.RankedEntry, PostgreSQL; search.loading.ranked_for_request), or
    None: the text search then runs on `visible`.
    """
    synonyms = query_synonyms()
    parsed = parse_query(query, synonyms=synonyms)
    outcome = SearchOutcome(query=parsed.text, notices=parsed.notices + list(filter_notices))
    # Built when first read: with the narrow copy (`ranked`), a query that is no diarienummer
    # and finds what it looks for never reads the documents themselves, and building their
    # visibility queryset (every hidden subtree's prefix) is half a millisecond of a search.
    of_reader = visible if callable(visible) else lambda: visible
    readers = SimpleLazyObject(lambda: of_reader().select_related("decision_body", "organisation"))
    listing = _diarienummer(outcome, readers, settings.diarienummer_pattern, url_of)
    if outcome.redirect_url or (listing is None and not parsed.groups):
        return outcome

    warning_days = settings.review_warning_days
    documents = SimpleLazyObject(
        lambda: apply_filters(readers, filters or {}, public, warning_days)
    )
    rows = None
    if ranked is not None:
        rows = apply_filters(ranked, filters or {}, public, warning_days)
    searched_in = TextSource(documents, rows)
    loader = partial(load_documents, queryset=readers)
    if load is not None:
        loader = partial(load, fallback=loader)
    try:
        # One savepoint for the whole search: a backend error leaves the request usable.
        results, object_list, parsed = checked(
            None,
            lambda _none: _results(
                outcome, searched_in, parsed, listing, page, loader, suggest, exact, synonyms
            ),
        )
    except SearchFailed:
        outcome.notices.append(_("Sökfrågan kunde inte tolkas. Försök med andra ord."))
        return outcome

    outcome.hits = _hits(outcome, object_list, parsed)
    outcome.results, outcome.searched = results, True
    return outcome


def query_synonyms():
    """synonyms(word) for one search, the synonym list read once; None without one."""
    if synonym_table is None:
        return None
    try:
        table = synonym_table()
    except DatabaseError as error:  # the search works without synonyms
        logger.warning("Synonyms could not be read: %s", error)
        return None
    return lambda word: synonym_expansions(word, table)


@dataclass
class TextSource:
    """The reader's documents, filtered, and the same documents' rows in the ranked search's
    narrow copy (search.models.RankedEntry; None where the search does not read it). The
    trigram title fallback (_fuzzy) reads `documents`, whose pages its index is on."""

    documents: object
    rows: object = None

    def for_query(self, parsed):
        """What the text search of `parsed` runs on: the copy's rows when there are any, else
        the documents. An excluded phrase is matched by modelsearch on the documents."""
        if self.rows is None:
            return self.documents
        if any(isinstance(term, QuotedPhrase) for term in parsed.exclusions):
            return self.documents
        return self.rows


def _results(outcome, searched_in, parsed, listing, page, loader, suggest, exact, synonyms):
    """(the page of results asked for, its documents in order, the query they were found by).

    `searched_in` (a TextSource) gives what a query is searched in. With few hits,
    "Menade du …" is asked for; unless `exact`, its search replaces the query's when it finds
    more."""
    prefer_indexes()
    searched = (*_paginator(searched_in.for_query(parsed), parsed, listing, page), parsed)
    if listing is None and few_hits(searched[0]):
        outcome.suggestion = suggestion_for(outcome.query, suggest)
        if outcome.suggestion and not exact:
            searched = _corrected(outcome, searched_in, searched, page, synonyms)
    if listing is None and not exact and searched[0].count == 0:
        searched = _fuzzy(outcome, searched_in.documents, searched, page)
    paginator, outcome.fallback, parsed = searched
    if getattr(paginator, "relaxed", False):
        outcome.notices.append(relaxed_notice(paginator.strict_count or 0))
    results = get_page(paginator, page, outcome.notices)
    return results, loader(results.object_list), parsed


def relaxed_notice(strict_count):
    """What the reader is told when the results also hold documents without every word."""
    if not strict_count:
        return _(
            "Inget dokument innehåller alla sökorden. Visar de dokument som innehåller "
            "flest av dem."
        )
    return ngettext(
        "Bara %(n)s dokument innehåller alla sökorden. Visar också dokument som innehåller "
        "några av dem, de med flest först.",
        "Bara %(n)s dokument innehåller alla sökorden. Visar också dokument som innehåller "
        "några av dem, de med flest först.",
        strict_count,
    ) % {"n": strict_count}


def _corrected(outcome, searched_in, searched, page, synonyms):
    """The search of the suggestion instead, if it finds more than the query typed: then the
    suggestion becomes what is shown (`outcome.corrected`), not offered as "Menade du …"."""
    paginator = searched[0]
    corrected = parse_query(outcome.suggestion, synonyms=synonyms)
    if not corrected.groups:
        return searched
    found = _paginator(searched_in.for_query(corrected), corrected, None, page)
    if not finds_more(found[0], paginator):
        return searched
    outcome.original, outcome.corrected = outcome.query, corrected.text
    outcome.query, outcome.suggestion = corrected.text, None
    return (*found, corrected)


def few_hits(paginator):
    """At most FEW_HITS documents, or only documents with some of the words (the relaxed
    search of search.ranking, which says so as `relaxed`)."""
    return paginator.count <= FEW_HITS or getattr(paginator, "relaxed", False)


def finds_more(found, paginator):
    """Whether `found` is better than `paginator`: documents with every word rather than some
    (relaxed), else more of them."""
    found_relaxed = getattr(found, "relaxed", False)
    if found_relaxed != getattr(paginator, "relaxed", False):
        return not found_relaxed and found.count > 0
    return found.count > paginator.count


def _fuzzy(outcome, documents, searched, page):
    """The documents whose title is like the query's words (PostgreSQL), if any: said in a
    notice; otherwise the search as it was. Only for a query of one group of words (with OR
    or a phrase, what was meant is clearer than what titles look like)."""
    parsed = searched[2]
    if len(parsed.groups) != 1 or any(isinstance(term, QuotedPhrase) for term in parsed.terms):
        return searched
    ids = fuzzy_titles(without_excluded(documents, parsed.exclusions), parsed)
    if ids is None:
        return searched
    paginator = RankedPaginator(ids, PAGE_SIZE, wanted=page)
    if not paginator.count:
        return searched
    outcome.notices.append(
        _("Inga träffar på ”%(query)s”; visar dokument med titlar som liknar sökorden.")
        % {"query": outcome.query}
    )
    return paginator, False, parsed


def fuzzy_titles(documents, parsed):
    """Ids of the documents whose title has a word like each of the query's (pg_trgm's
    word_similarity), most alike first; None where the database has no pg_trgm. Every word is
    needed, as in the search itself: one word of a title ("riktlinje") is no reason to show it.

    `title %> word` is what the trigram index on titles (migration 0004) serves; its threshold
    is set for this transaction only.
    """
    if connection.vendor != "postgresql":
        return None
    from django.contrib.postgres.search import TrigramWordSimilarity  # needs psycopg

    words = []
    for term in parsed.terms:
        words += term.words if isinstance(term, QuotedPhrase) else [term.word]
    words = unique(word for word in words if len(word) >= FUZZY_MIN_WORD)[:FUZZY_MAX_WORDS]
    if not words:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(FUZZY_TITLE_SIMILARITY)],
        )
    for word in words:
        documents = documents.filter(TitleLike(F("title"), Value(word)))
    likeness = [TrigramWordSimilarity(Value(word), "title") for word in words]
    return (
        documents.annotate(_likeness=reduce(operator.add, likeness))
        .order_by("-_likeness", "title", "pk")
        .values_list("pk", flat=True)
    )


class TitleLike(Func):
    """`title %> word`: pg_trgm's word similarity of the word and the title is at least
    pg_trgm.word_similarity_threshold (a trigram index on the title serves it)."""

    arg_joiner = " %%> "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _diarienummer(outcome, visible, pattern, url_of):
    """A diarienummer goes straight to its document, if exactly one visible document has it.

    Returns the documents to list instead of a text search (None: search the text); sets the
    outcome's redirect, notices or the one document to point out.
    """
    query = outcome.query
    dnr = find_diarienummer(query, pattern) if query else None
    dnr_documents = documents_with_diarienummer(visible, dnr)
    if dnr is not None and dnr.whole_query:
        if len(dnr_documents) == 1:
            outcome.redirect_url = url_of(dnr_documents[0]) if url_of else None
            if outcome.redirect_url:
                return None
        if not dnr_documents:
            outcome.notices.append(
                _("Inget dokument med diarienummer %(dnr)s hittades.") % {"dnr": dnr.display}
            )
            return None
        outcome.notices.append(
            _("%(n)s dokument har diarienummer %(dnr)s.")
            % {"n": len(dnr_documents), "dnr": dnr.display}
        )
        return dnr_documents
    if len(dnr_documents) == 1:
        outcome.dnr_document, outcome.dnr = dnr_documents[0], dnr.display
    return None


def _paginator(documents, parsed, listing, page):
    """(paginator, fallback): the listing as it is, or the text search; when that finds
    nothing, the search without å, ä and ö if it finds something (fallback). The text search
    reads the page asked for and the number of hits in one query (RankedPaginator)."""
    if listing is not None:
        return Paginator(listing, PAGE_SIZE), False
    documents = without_excluded(documents, parsed.exclusions)
    paginator = paginate(documents, parsed, page=page)
    if paginator.count == 0 and changes_when_folded(parsed):
        folded = paginate(documents, parsed, folded=True, page=page)
        if folded.count:
            return folded, True
    return paginator, False


def without_excluded(documents, exclusions):
    """`documents` but those containing an excluded term (-ord: in any of its forms; -"fras").

    With the database backends the excluded documents are a subquery of the same statement: on
    PostgreSQL, for words, the index entries' body vectors (a GIN index serves it; the indexed
    body holds the title's words too), otherwise the backend's own match.
    """
    if not exclusions:
        return documents
    query = build_query(ParsedQuery(groups=[[term] for term in exclusions]))
    backend = get_search_backend()
    model = documents.model
    if backend_kind(backend) == POSTGRES and not any(
        isinstance(term, QuotedPhrase) for term in exclusions
    ):
        tsquery, _weights = postgres_tsquery(backend, model.objects.all(), query)
        if is_narrow_copy(documents):  # the row's own vector
            return documents.exclude(body=tsquery)
        return documents.exclude(pk__in=postgres_matches(model, tsquery))
    results = searchable(model.objects.all()).search(query, order_by_relevance=False)
    get_queryset = getattr(results, "get_queryset", None)
    if get_queryset is not None:
        return documents.exclude(pk__in=get_queryset().order_by().values("pk"))
    return documents.exclude(pk__in=[document.pk for document in results[:MAX_EXCLUDED]])


def _hits(outcome, object_list, parsed):
    """The page's hits; when every one matched only without å, ä and ö, that is said once."""
    hits = describe_hits(object_list, parsed)
    if hits and (outcome.fallback or all(hit.folded_only for hit in hits)):
        outcome.fallback = True
        outcome.notices.append(
            _("Inga träffar på ”%(query)s”; visar träffar utan hänsyn till å, ä och ö.")
            % {"query": outcome.query}
        )
        for hit in hits:
            hit.folded_only = False  # said once for the whole page
    return hits


def apply_filters(documents, values, public, warning_days):
    """Only lookups the search backends accept: filter fields, or the id in a subquery."""
    if "typ" in values:
        documents = documents.filter(document_type=values["typ"])
    if "organ" in values:
        body = DecisionBody.objects.filter(code=values["organ"]).values_list("pk", flat=True)
        documents = documents.filter(decision_body_id=body.first())
    if "forvaltning" in values:
        documents = documents.filter(organisation_id=int(values["forvaltning"]))
    if "omrade" in values:
        documents = documents.filter(
            pk__in=Styrdokument.lis_areas.through.objects.filter(
                lisarea__number=int(values["omrade"])
            ).values("styrdokument_id")
        )
    if "status" in values:
        status_field = "date_review_status" if public else "review_status"
        documents = documents.filter(
            pk__in=Styrdokument.objects.with_review_status(warning_days=warning_days)
            .filter(**{status_field: values["status"]})
            .values("pk")
        )
    return documents


def get_page(paginator, raw_page, notices):
    """The requested page; a page that is not a number or out of range, with a notice."""
    try:
        return paginator.page(raw_page)
    except PageNotAnInteger:
        notices.append(
            _("Sidnumret ”%(value)s” är inte ett tal; visar första sidan.")
            % {"value": printable(raw_page)[:20]}
        )
        return paginator.page(1)
    except EmptyPage:
        notices.append(
            _("Sidan %(value)s finns inte; visar sista sidan (%(last)s).")
            % {"value": printable(raw_page)[:20], "last": paginator.num_pages}
        )
        return paginator.page(paginator.num_pages)


def paginate(documents, parsed, folded=False, page="1"):
    """Pages of the search's results. On the database backends the results are an ordered
    queryset of ids, read a page at a time together with the total (RankedPaginator); any
    other backend's results are paged as they are."""
    results = run_search(searchable(documents), parsed, folded)
    if isinstance(results, QuerySet | RankedIds):
        return RankedPaginator(results, PAGE_SIZE, wanted=page)
    return Paginator(results, PAGE_SIZE)


def suggestion_for(query, suggest):
    """`suggest(query)` ("Menade du …"), which must never break the search page; None when it
    offers nothing new."""
    if suggest is None:
        return None
    try:
        with transaction.atomic():  # a database error here leaves the search's usable
            suggestion = suggest(query)
    except Exception:  # noqa: BLE001 - a suggestion is a nicety; the results page must render
        logger.exception("did_you_mean failed for %r", query)
        return None
    if not suggestion or not isinstance(suggestion, str):
        return None
    suggestion = " ".join(suggestion.split())[:MAX_QUERY_LENGTH]
    if not suggestion or suggestion.casefold() == query.casefold():
        return None
    return suggestion


# -- suggestions while typing ---------------------------------------------------------------


def autocomplete(typed, visible, titles=None):
    """Up to AUTOCOMPLETE_LIMIT documents of `visible` for what has been typed so far: by
    diarienummer, then by title words (the last one a prefix), then titles containing the
    words. Never an error: anything odd gives an empty list.

    `titles(words, limit)` finds the documents by title words for this reader as the search
    index would (search.loading.suggest_shown), or None where it cannot: they are then found
    through `visible`."""
    text, _shortened = clean_query(typed)
    text = text[:AUTOCOMPLETE_MAX_LENGTH]
    words = [w for w in WORD.findall(text.lower()) if len(w) <= MAX_WORD][:AUTOCOMPLETE_WORDS]
    if not words or len("".join(words)) < 2:
        return []
    found = []
    try:
        with transaction.atomic():
            prefer_indexes()
            dnr = find_diarienummer(text)
            if dnr is not None:
                found += documents_with_diarienummer(visible, dnr)[:AUTOCOMPLETE_LIMIT]
            # A whole diarienummer that names documents is what the reader is after: its
            # series, year and number are no title words to complete.
            if not (found and dnr.whole_query):
                found = _more_by_title(found, visible, words, titles)
    except DatabaseError as error:
        logger.warning("Autocomplete failed for %r: %s", text, error)
    return found[:AUTOCOMPLETE_LIMIT]


def _more_by_title(found, visible, words, titles=None):
    """`found` filled up to AUTOCOMPLETE_LIMIT: through the search index, then any title that
    contains every word."""
    by_words = titles(words, AUTOCOMPLETE_LIMIT) if titles is not None and not found else None
    if by_words is not None:
        found += by_words
    elif len(found) < AUTOCOMPLETE_LIMIT:
        found += autocomplete_documents(
            searchable(visible.exclude(pk__in=[doc.pk for doc in found])),
            words,
            AUTOCOMPLETE_LIMIT - len(found),
        )
    if len(found) < AUTOCOMPLETE_LIMIT:
        found += first_by_title(
            visible.filter(*[title_contains(word) for word in words]).exclude(
                pk__in=[doc.pk for doc in found]
            ),
            AUTOCOMPLETE_LIMIT - len(found),
        )
    return found
