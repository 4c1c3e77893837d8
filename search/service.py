"""The search the views run: a query, filters and a page number in; results, notices and a
suggestion out. Nothing here reads a request or renders a response (search.views does).

What may be found is decided by the `visible` queryset the view passes in,
`Styrdokument.objects.for_request(request)`: the same as everywhere else (live, channel,
publicity, group restrictions). The search runs on it directly.
"""

import logging
from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from governance.models import DecisionBody
from policies.models import Styrdokument
from policies.swedish import MAX_WORD, WORD

from .dnr import documents_with_diarienummer, find_diarienummer
from .paging import RankedPaginator
from .parsing import MAX_QUERY_LENGTH, changes_when_folded, clean_query, parse_query, printable
from .ranking import (
    AUTOCOMPLETE_LIMIT,
    SearchFailed,
    autocomplete_documents,
    checked,
    first_by_title,
    load_documents,
    prefer_indexes,
    run_search,
    searchable,
)
from .snippets import describe_hits

logger = logging.getLogger(__name__)

FILTERS = ("typ", "organ", "forvaltning", "omrade", "status")
PAGE_SIZE = 20
# "Menade du …" is offered when a search finds no more than this many documents.
FEW_HITS = 2
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
):
    """Search `visible` (the documents this reader may see) for the query typed.

    `filters` are valid filter values (see FILTERS), `settings` the site's StyrdokSettings,
    `suggest(query)` gives "Menade du …" (or None) and `url_of(document)` a document's address
    for this reader (or None): the view supplies both, since they depend on the request.
    """
    parsed = parse_query(query)
    outcome = SearchOutcome(query=parsed.text, notices=parsed.notices + list(filter_notices))
    visible = visible.select_related("decision_body", "organisation")
    listing = _diarienummer(outcome, visible, settings.diarienummer_pattern, url_of)
    if outcome.redirect_url or (listing is None and not parsed.groups):
        return outcome

    documents = apply_filters(visible, filters or {}, public, settings.review_warning_days)
    try:
        # One savepoint for the whole search: a backend error leaves the request usable.
        results, object_list = checked(
            None, lambda _none: _results(outcome, documents, parsed, listing, page, visible)
        )
    except SearchFailed:
        outcome.notices.append(_("Sökfrågan kunde inte tolkas. Försök med andra ord."))
        return outcome

    outcome.hits = _hits(outcome, object_list, parsed)
    if listing is None and results.paginator.count <= FEW_HITS:
        outcome.suggestion = suggestion_for(outcome.query, suggest)
    outcome.results, outcome.searched = results, True
    return outcome


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


def _results(outcome, documents, parsed, listing, page, visible):
    """The page of results asked for and its documents, in order."""
    prefer_indexes()
    results = get_page(_paginator(outcome, documents, parsed, listing, page), page, outcome.notices)
    return results, load_documents(results.object_list, visible)


def _paginator(outcome, documents, parsed, listing, page):
    """The listing as it is, or the text search; when that finds nothing, the search without
    å, ä and ö if it finds something (outcome.fallback). The text search reads the page asked
    for and the number of hits in one query (RankedPaginator)."""
    if listing is not None:
        return Paginator(listing, PAGE_SIZE)
    paginator = paginate(documents, parsed, page=page)
    if paginator.count == 0 and changes_when_folded(parsed):
        folded = paginate(documents, parsed, folded=True, page=page)
        if folded.count:
            paginator, outcome.fallback = folded, True
    return paginator


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
    if isinstance(results, QuerySet):
        return RankedPaginator(results, PAGE_SIZE, wanted=page)
    return Paginator(results, PAGE_SIZE)


def suggestion_for(query, suggest):
    """`suggest(query)` ("Menade du …"), which must never break the search page; None when it
    offers nothing new."""
    if suggest is None:
        return None
    try:
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


def autocomplete(typed, visible):
    """Up to AUTOCOMPLETE_LIMIT documents of `visible` for what has been typed so far: by
    diarienummer, then by title words (the last one a prefix), then titles containing the
    words. Never an error: anything odd gives an empty list."""
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
            found = _more_by_title(found, visible, words)
    except DatabaseError as error:
        logger.warning("Autocomplete failed for %r: %s", text, error)
    return found[:AUTOCOMPLETE_LIMIT]


def _more_by_title(found, visible, words):
    """`found` filled up to AUTOCOMPLETE_LIMIT: through the search index, then any title that
    contains every word."""
    if len(found) < AUTOCOMPLETE_LIMIT:
        found += autocomplete_documents(
            searchable(visible.exclude(pk__in=[doc.pk for doc in found])),
            words,
            AUTOCOMPLETE_LIMIT - len(found),
        )
    if len(found) < AUTOCOMPLETE_LIMIT:
        title_matches = Q()
        for word in words:
            title_matches &= Q(title__icontains=word)
        found += first_by_title(
            visible.filter(title_matches).exclude(pk__in=[doc.pk for doc in found]),
            AUTOCOMPLETE_LIMIT - len(found),
        )
    return found
