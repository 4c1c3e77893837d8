"""Purging a CDN or Varnish in front of the public website (wagtail.contrib.frontend_cache).

Public pages are sent with `Cache-Control: public` (styrdok/page_cache.py), so a cache in front
may keep them. When a page is published, unpublished (a repeal decision unpublishes) or moved,
the addresses that show it are purged: the page itself, the pages above it (the register and
the start page list it), the pages below it (they name their parent), its archived versions,
the feed, the sitemap, search and the API. Purging runs after the transaction commits, through
Wagtail's purge task (the background worker with the database task backend), so a purge never
waits on or fails a decision, and a cache never fetches the page again before the change is
visible.

Only the public site is purged: the intranet is `private, no-store` and is never in a shared
cache. Wagtail's own frontend_cache app is not installed, because its handlers would purge
each page's address on one site only and nothing that lists the page; see docs/deployment.md.
"""

from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from wagtail.contrib.frontend_cache.utils import PurgeBatch

from governance.links import SiteLinks

# Addresses whose content lists or searches documents; a cache in front that purges by path
# (the VCL in docs/deployment.md) drops every query-string variant of them too.
LISTING_ROUTES = ("feed", "sitemap", "search", "wagtailapi:pages:listing")
# The pages below a page that name it; the register has hundreds, which its own purge skips.
MAX_CHILDREN = 100


def enabled():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def _route(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def public_urls(page, old_url_path=None):
    """The public addresses that show `page` or list it."""
    from .models import AdoptedVersion

    links = SiteLinks()
    root = links.root_url(intranet=False)
    paths = [_route(name) for name in LISTING_ROUTES]
    paths.append(_route("wagtailapi:pages:detail", page.pk))
    for version in AdoptedVersion.objects.filter(document_id=page.pk).values_list("pk", flat=True):
        paths += [_route("adopted_version", version), _route("adopted_version_pdf", version)]
    urls = {root + path for path in paths if path}
    related = [
        *page.get_ancestors(inclusive=True).filter(depth__gt=1),
        *page.get_children()[:MAX_CHILDREN],
    ]
    if old_url_path:
        related.append(SimpleNamespace(url_path=old_url_path))
    urls.update(links.page(item, intranet=False) for item in related)
    urls.discard("")
    return sorted(urls)


def purge_page(page, old_url_path=None):
    """Purge the public addresses of `page` once the current transaction commits."""
    if not enabled():
        return
    urls = public_urls(page, old_url_path)
    transaction.on_commit(lambda: PurgeBatch(urls).purge(), robust=True)


def on_published(sender, instance, **kwargs):
    purge_page(instance)


def on_unpublished(sender, instance, **kwargs):
    purge_page(instance)


def on_moved(sender, instance, url_path_before=None, **kwargs):
    purge_page(instance, old_url_path=url_path_before)


def connect():
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(on_published, dispatch_uid="styrdok-frontend-cache-published")
    page_unpublished.connect(on_unpublished, dispatch_uid="styrdok-frontend-cache-unpublished")
    post_page_move.connect(on_moved, dispatch_uid="styrdok-frontend-cache-moved")
