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

from contextvars import ContextVar

from django.utils.html import escape
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from .channels import PUBLIC, get_channel
from .models import Styrdokument

_render_request = ContextVar("styrdok_render_request", default=None)


def set_render_request(request):
    """Remember the request whose response is being rendered; returns a token for reset."""
    return _render_request.set(request)


def reset_render_request(token):
    _render_request.reset(token)


def current_render_request():
    return _render_request.get()


def shown_page_ids(page_ids, request):
    """The ids among `page_ids` whose pages the reader of `request` may open on its channel.

    Styrdokument follow `StyrdokumentQuerySet.for_channel`, the one rule every channel uses;
    other pages (information and content pages) must be live, and on the public site free of
    view restrictions.
    """
    page_ids = {int(pk) for pk in page_ids}
    if not page_ids:
        return set()
    channel = get_channel(request) if request is not None else PUBLIC
    user = getattr(request, "user", None) if channel != PUBLIC else None
    documents = set(Styrdokument.objects.filter(pk__in=page_ids).values_list("pk", flat=True))
    shown = set(
        Styrdokument.objects.for_channel(channel, user)
        .filter(pk__in=documents)
        .values_list("pk", flat=True)
    )
    others = Page.objects.live().filter(pk__in=page_ids - documents)
    if channel == PUBLIC:
        others = others.public()
    shown.update(others.values_list("pk", flat=True))
    return shown


class ChannelPageLinkHandler(PageLinkHandler):
    """Wagtail's "page" link type, checked against the reader's channel at render time.

    A target the reader may not open renders as its link text with no address (`<a>`, as
    Wagtail renders a link to a deleted page): neither its URL nor its slug reaches them.
    """

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        request = current_render_request()
        pages = cls.get_many(attrs_list)
        shown = shown_page_ids([page.pk for page in pages if page is not None], request)
        tags = []
        for page in pages:
            if page is None or page.pk not in shown:
                tags.append("<a>")
                continue
            page = page.localized
            # With the request, Wagtail picks the site the reader is on (the intranet keeps its
            # own host and port: the address is relative); without one, its default.
            url = page.get_url(request=request) if request is not None else page.url
            tags.append(f'<a href="{escape(url)}">' if url else "<a>")
        return tags
