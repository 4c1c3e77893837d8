"""A page of search results read by id, in a statement compiled once per process.

The ranked query has already chosen the page's documents (their ids, in order) among those the
reader may see. Reading them again through the reader's visibility queryset meant building and
compiling its SQL (every hidden subtree's prefix, the filters) on each search, for twenty rows
whose visibility had just been decided. They are read by id here with only the channel's fixed
conditions (live; public on the public site) in SQL compiled once per process
(policies.models.routing.CompiledQuery, prepared on PostgreSQL), and each is checked again in
Python with document_shown_to_request, for_request's twin: a document unpublished or hidden in
the moment between the two statements is still left out.
"""

from django.db import router

from policies.channels import PUBLIC, get_channel
from policies.models import Publicity, Styrdokument
from policies.models.routing import CompiledQuery, compiled_query
from policies.visibility import document_shown_to_request

# The most ids one statement reads: a page of results holds at most this many (search.service's
# PAGE_SIZE); a shorter page fills the remaining places with NO_DOCUMENT.
SLOTS = 25
# Values no document's id has: where the page's ids go in the compiled query.
ID_MARKERS = tuple(-7_402_000 - index for index in range(SLOTS))
NO_DOCUMENT = -1


def _page_query(public):
    documents = (
        Styrdokument.objects.live()
        .filter(pk__in=ID_MARKERS)
        .select_related("decision_body", "organisation")
    )
    if public:
        documents = documents.filter(publicity=Publicity.PUBLIC)
    return CompiledQuery(
        documents, **{f"id{index}": marker for index, marker in enumerate(ID_MARKERS)}
    )


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
