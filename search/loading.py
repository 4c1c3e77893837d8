"""A page of search results read by id, in a statement compiled once per process.

The ranked query has already chosen the page's documents (their ids, in order) among those the
reader may see. Reading them again through the reader's visibility queryset meant building and
compiling its SQL (every hidden subtree's prefix, the filters) on each search, for twenty rows
whose visibility had just been decided. They are read by id here with only the channel's fixed
conditions (live; public on the public site) in SQL compiled once per process
(policies.models.routing.CompiledQuery, prepared on PostgreSQL), and each is checked again in
Python with document_shown_to_request, for_request's twin: a document unpublished or hidden in
the moment between the two statements is still left out.

The suggestions while typing (/sok/forslag/) are read the same way: the first matching titles
with the channel's fixed conditions, in a statement compiled once per process (with the words
typed in their place), each checked again with document_shown_to_request.
"""

from django.db import connection, router
from django.db.models import BigIntegerField, F
from django.db.models.functions import Cast
from wagtail.search.backends import get_search_backend

from policies.channels import PUBLIC, get_channel
from policies.models import Publicity, Styrdokument
from policies.models.routing import CompiledQuery, compiled_query
from policies.visibility import document_shown_to_request

from .models import RankedEntry
from .ranking import POSTGRES, backend_kind, index_entries

# The most ids one statement reads: a page of results holds at most this many (search.service's
# PAGE_SIZE); a shorter page fills the remaining places with NO_DOCUMENT.
SLOTS = 25
# Values no document's id has: where the page's ids go in the compiled query.
ID_MARKERS = tuple(-7_402_000 - index for index in range(SLOTS))
NO_DOCUMENT = -1


# What a suggestion shows (search.views.autocomplete), its address and document_shown() read:
# not the body, whose JSON would be parsed for nothing.
SUGGESTION_FIELDS = (
    "title",
    "url_path",
    "path",
    "depth",
    "locale",
    "live",
    "publicity",
    "document_type",
    "diarienummer",
)
# What a page of results shows and checks besides (search.views.results_html, search.snippets):
# the document's metadata and its stored plain text, but not the body either.
PAGE_FIELDS = (
    *SUGGESTION_FIELDS,
    "decision_date",
    "summary",
    "plain_text",
    "decision_body",
    "organisation",
)


def _page_query(public):
    documents = (
        Styrdokument.objects.live()
        .filter(pk__in=ID_MARKERS)
        .only(*PAGE_FIELDS)
        .annotate(
            hit_decision_body_name=F("decision_body__name"),
            hit_organisation_name=F("organisation__name"),
        )
    )
    if public:
        documents = documents.filter(publicity=Publicity.PUBLIC)
    return CompiledQuery(
        documents, **{f"id{index}": marker for index, marker in enumerate(ID_MARKERS)}
    )


def ranked_for_request(request):
    """The entries of the ranked search's narrow copy (search.models.RankedEntry) the reader of
    `request` may see, where the search runs on them: the PostgreSQL backend on PostgreSQL
    (the copy is kept by triggers there only). None elsewhere: the search runs on the
    documents."""
    if connection.vendor != "postgresql" or backend_kind(get_search_backend()) != POSTGRES:
        return None
    return RankedEntry.objects.for_request(request)


def load_shown(items, request, fallback):
    """The documents of one page of results, in order, as the reader of `request` may see them.

    `items` are ids from the ranked query; anything else (the documents another backend gave,
    more ids than one statement takes) goes to `fallback(items)`, the visibility queryset's
    own reading."""
    items = list(items)
    if not items or not isinstance(items[0], int) or len(items) > SLOTS:
        return fallback(items)
    public = get_channel(request) == PUBLIC
    query = compiled_query(
        ("search-page", public, router.db_for_read(Styrdokument)), lambda: _page_query(public)
    )
    values = {
        f"id{index}": items[index] if index < len(items) else NO_DOCUMENT for index in range(SLOTS)
    }
    found = {
        document.pk: document
        for document in query.run(**values)
        if document_shown_to_request(document, request)
    }
    return [found[pk] for pk in items if pk in found]


# -- suggestions while typing ---------------------------------------------------------------

# Where the words typed go in the compiled suggestion statement (a tsquery).
TSQUERY_MARKER = "styrdoktsquerymarker"
# The statement reads this many times the suggestions asked for, so that the reader still gets
# them all when some of the first by title lie in subtrees hidden from them.
OVERFETCH = 2


def prefix_tsquery(words):
    """The words as a tsquery for the index entries' `simple` autocomplete vectors: each word,
    the last one as a prefix (what modelsearch's autocomplete asks)."""
    quoted = ["'" + word.replace("\\", "\\\\").replace("'", "''") + "'" for word in words]
    quoted[-1] += ":*"
    return " & ".join(quoted)


def _suggestion_query(public, fetch):
    """The first `fetch` live documents by title (public ones on the public site) whose index
    entry's autocomplete vector matches the tsquery."""
    from django.contrib.postgres.search import SearchQuery  # needs psycopg: PostgreSQL only

    documents = Styrdokument.objects.live()
    if public:
        documents = documents.filter(publicity=Publicity.PUBLIC)
    matching = (
        index_entries(Styrdokument)
        .filter(autocomplete=SearchQuery(TSQUERY_MARKER, config="simple", search_type="raw"))
        .annotate(document_id=Cast("object_id", BigIntegerField()))
        .values("document_id")
    )
    first = documents.filter(pk__in=matching).order_by("title", "pk").values("pk")[:fetch]
    documents = (
        Styrdokument.objects.filter(pk__in=first).order_by("title", "pk").only(*SUGGESTION_FIELDS)
    )
    # Not prepared: the best plan for a word most titles start with is not the one for a rare
    # word, and a prepared statement would settle on one plan for both.
    return CompiledQuery(documents, prepare=False, tsquery=TSQUERY_MARKER)


def suggest_shown(words, limit, request):
    """The first `limit` documents by title matching the words typed (the last one a prefix)
    that the reader of `request` may see, as autocomplete_documents() finds them in
    for_request(): read by a statement compiled once per process with the channel's fixed
    conditions, each checked with document_shown_to_request. None where this does not apply:
    another search backend than PostgreSQL's, or so many of the first titles hidden from the
    reader that the statement did not read enough (the caller then asks the queryset)."""
    if not words or backend_kind(get_search_backend()) != POSTGRES:
        return None
    public = get_channel(request) == PUBLIC
    fetch = limit * OVERFETCH
    query = compiled_query(
        ("suggest", public, fetch, router.db_for_read(Styrdokument)),
        lambda: _suggestion_query(public, fetch),
    )
    documents = query.run(tsquery=prefix_tsquery(words))
    shown = [document for document in documents if document_shown_to_request(document, request)]
    if len(shown) < limit and len(documents) == fetch:
        return None
    return shown[:limit]
