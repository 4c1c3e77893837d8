"""The sitemap: every page the reader of this channel may see, for search engines.

Wagtail's sitemap view builds a specific page object per page, asks each for its full URL and
renders the list through a template loop: at a kommun's few thousand documents that is by far the
most expensive public address (tens of times a plain page), and crawlers ask for it often. The
view here lists the same pages in the same XML from one query of plain values, with the URLs
joined from the site's root URL and each page's url_path, as Wagtail joins them;
tests/channels/test_listing_cache.py compares it byte for byte with Wagtail's own view. The public
site's sitemap is moreover kept between changes (policies.channels.public_listing).
"""

import datetime
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import RFC3986_SUBDELIMS, http_date
from wagtail.contrib.sitemaps import Sitemap

from .channels import public_listing
from .models import Styrdokument

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
TAIL = "\n</urlset>\n"

# What django.urls.reverse leaves unquoted in a path, so the locations match Wagtail's.
PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


class ChannelSitemap(Sitemap):
    """Wagtail's sitemap without the documents this channel's reader may not see."""

    def items(self):
        return super().items().exclude(pk__in=self.hidden())

    def hidden(self):
        return Styrdokument.objects.exclude(
            pk__in=Styrdokument.objects.for_request(self.request).values("pk")
        ).values("pk")

    def rows(self):
        """(url_path, lastmod) of the pages items() lists, in its order, without page objects."""
        root = self.get_wagtail_site().root_page
        pages = (
            root.get_descendants(inclusive=True)
            .live()
            .public()
            .exclude(pk__in=self.hidden())
            .order_by("path")
        )
        return [
            (url_path, published or revised)
            for url_path, published, revised in pages.values_list(
                "url_path", "last_published_at", "latest_revision_created_at"
            )
        ]


def sitemap(request):
    """Wagtail's sitemap view for ChannelSitemap (same pages, XML, headers and 404s); the public
    site's is the same for every visitor and kept (policies.channels.public_listing)."""
    return public_listing(request, "sitemap", lambda: _response(request))


def _response(request):
    content, last_modified = _render(request)
    response = HttpResponse(content, content_type="application/xml")
    if last_modified:
        response["Last-Modified"] = last_modified
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def _render(request):
    """The XML and the Last-Modified header (or None) of the reader's sitemap."""
    sitemap = ChannelSitemap(request)
    try:
        rows = Paginator(sitemap.rows(), sitemap.limit).page(request.GET.get("p", 1))
    except InvalidPage:  # ?p=2 of a one-page sitemap, ?p=abc
        raise Http404("Sidan finns inte i webbplatskartan.") from None
    root = sitemap.get_wagtail_site().root_page
    base = root.get_full_url(request)
    skip = len(root.url_path)
    strip = not getattr(settings, "WAGTAIL_APPEND_SLASH", True)
    zone = timezone.get_current_timezone()
    entries = []
    for url_path, lastmod in rows.object_list:
        location = escape(base + quote(url_path[skip:], safe=PATH_SAFE))
        if strip and url_path != root.url_path:
            location = location.rstrip("/")
        modified = f"<lastmod>{_day(lastmod, zone)}</lastmod>" if lastmod else ""
        entries.append(f"<url><loc>{location}</loc>{modified}</url>")
    last = [lastmod for _path, lastmod in rows.object_list]
    last_modified = None
    if last and None not in last:
        last_modified = http_date(_aware(max(last)).timestamp())
    return HEAD + "".join(entries) + TAIL, last_modified


def _day(value, zone):
    """The date as the sitemap template's `date:"Y-m-d"` writes it: in the site's time zone."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = value.astimezone(zone)
    return value.strftime("%Y-%m-%d")


def _aware(value):
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value
