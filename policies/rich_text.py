"""Rich-text page links resolved when the text is rendered, for the channel that renders it.

A link in a public document's text is stored as `<a linktype="page" id="…">`. Whether its target
may be shown is decided when the text is read, not when the linking document was saved: a
document re-adopted as internal later, or restricted to groups, must stop being linked from the
public site at once, without anyone re-saving the pages that link to it. Wagtail's own handler
has no request, so it names the first site's host (the public one, without the dev server's
port) on the intranet too; this one builds the address for the site the reader is on.

The request being rendered is kept in a context variable, set by the channel middleware for each
request and by the channel context processor for every template rendered with a request (the
archival PDFs included). Text rendered with no request at all is treated as public: that is the
channel where showing too little is harmless and showing too much is a leak.
"""

import re
from contextvars import ContextVar

from django.db import models
from django.utils.html import escape
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from .channels import PUBLIC, get_channel
from .models import Styrdokument
from .visibility import document_shown_to_request, with_view_restriction

_render_request = ContextVar("styrdok_render_request", default=None)


def set_render_request(request):
    """Remember the request whose response is being rendered; returns a token for reset."""
    return _render_request.set(request)


def reset_render_request(token):
    _render_request.reset(token)


def current_render_request():
    return _render_request.get()


def shown_pages(page_ids, request):
    """The pages among `page_ids` the reader of `request` may open on its channel, as one
    queryset of (non-specific) pages.

    Styrdokument follow `StyrdokumentQuerySet.for_channel`, the one rule every channel uses;
    other pages (information and content pages) must be live, and on the public site free of
    view restrictions.
    """
    page_ids = {int(pk) for pk in page_ids}
    if not page_ids:
        return Page.objects.none()
    channel = get_channel(request) if request is not None else PUBLIC
    user = getattr(request, "user", None) if channel != PUBLIC else None
    documents = Styrdokument.objects.for_channel(channel, user).filter(pk__in=page_ids)
    others = Page.objects.live().filter(pk__in=page_ids, styrdokument__isnull=True)
    if channel == PUBLIC:
        others = others.public()
    return Page.objects.filter(
        models.Q(pk__in=documents.values("pk")) | models.Q(pk__in=others.values("pk"))
    )


def shown_page_ids(page_ids, request):
    """The ids among `page_ids` whose pages the reader of `request` may open (shown_pages)."""
    return set(shown_pages(page_ids, request).values_list("pk", flat=True))


LINKS_ATTR = "_styrdok_page_links"
PAGE_LINK_ID = re.compile(r'<a\b(?=[^>]*\blinktype="page")[^>]*?\bid="(\d+)"')


def _texts(value):
    """Every string in a StreamField's stored data (rich text is stored as HTML strings)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)


def _link_table(request):
    return request.__dict__.setdefault(LINKS_ATTR, {}) if request is not None else None


def resolve_page_links(page_ids, request):
    """{id: page, or None where the reader may not open it} for rich-text page links, in one
    query: styrdokument by document_shown (for_channel's twin, see policies.visibility), other
    pages live and, on the public site, under no view restriction (Wagtail's public()). Kept on
    the request, so each id is checked once however many texts link to it."""
    table = _link_table(request)
    wanted = {int(pk) for pk in page_ids}
    missing = wanted - table.keys() if table is not None else wanted
    if missing:
        found = dict.fromkeys(missing)
        for page in with_view_restriction(Page.objects.filter(pk__in=missing)).annotate(
            publicity=models.F("styrdokument__publicity")
        ):
            found[page.pk] = page if _link_shown(page, request) else None
        if table is None:
            return found
        table.update(found)
    return {pk: table[pk] for pk in wanted}


def _link_shown(page, request):
    if page.publicity is not None:  # a styrdokument
        return document_shown_to_request(page, request)
    public = request is None or get_channel(request) == PUBLIC
    return page.live and not (public and page.view_restricted)


def prefetch_page_links(request, stream_value, extra=()):
    """Check every page link in a StreamField, and the pages `extra` names, for this reader
    before the text is rendered; returns {id: page or None} (resolve_page_links)."""
    ids = {
        int(pk) for text in _texts(list(stream_value.raw_data)) for pk in PAGE_LINK_ID.findall(text)
    }
    ids.update(pk for pk in extra if pk is not None)
    return resolve_page_links(ids, request) if ids else {}


class ChannelPageLinkHandler(PageLinkHandler):
    """Wagtail's "page" link type, checked against the reader's channel at render time.

    A target the reader may not open renders as its link text with no address (`<a>`, as
    Wagtail renders a link to a deleted page): neither its URL nor its slug reaches them.
    """

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        request = current_render_request()
        ids = [_int(attrs.get("id")) for attrs in attrs_list]
        pages = resolve_page_links({pk for pk in ids if pk is not None}, request)
        tags = []
        for pk in ids:
            page = pages.get(pk) if pk is not None else None
            if page is None:
                tags.append("<a>")
                continue
            page = page.localized
            # With the request, Wagtail picks the site the reader is on (the intranet keeps its
            # own host and port: the address is relative); without one, its default.
            url = page.get_url(request=request) if request is not None else page.url
            tags.append(f'<a href="{escape(url)}">' if url else "<a>")
        return tags


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
