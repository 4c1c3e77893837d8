"""A server-side cache of the public website's pages, shared by every web server.

An anonymous visitor on the public site sees the same page as every other anonymous visitor, so
a rendered page is stored in Django's cache (the database or Redis, styrdok/cache.py) and sent
again to the next visitor without running the view. What may be stored is narrow:

* only the public host; the intranet is never stored (it is `private, no-store`);
* only GET (HEAD is answered from a stored GET), never /admin/;
* only a visitor with no session, messages or language cookie and no Authorization header, so
  the page cannot depend on who is asking;
* only a plain 200 of at most STYRDOK_PAGE_CACHE_MAX_BYTES that sets no cookie, varies on
  nothing but the host, the cookie header and the language, has no Cache-Control of its own
  (an explicit private, no-store or no-cache wins) and used no CSP nonce;
* only an address without a query string or with the register's filter parameters
  (STYRDOK_PAGE_CACHE_QUERY_PARAMS, short slug values, each once), normalised to one order,
  so that a flood of made-up query strings renders pages but fills no cache.

Invalidation does not depend on knowing which addresses a change touches. Every stored page
carries the cache *generation* read when its request began; a new generation is drawn after
any database change that can alter a public page commits (`connect_invalidation`: every model's
save and delete except the bookkeeping in STYRDOK_PAGE_CACHE_IGNORED_MODELS, many-to-many
changes and Wagtail's publish, unpublish and move signals). A page whose generation is not the
current one is never served. Pages also expire after STYRDOK_PAGE_CACHE_SECONDS, which bounds
what changes with the date alone (revision status "försenad").

The middleware sits inside the security-header middlewares, so Content-Security-Policy,
Permissions-Policy and HSTS are written afresh on every answer, stored or not. Styrdok's public
templates use no CSP nonce; a page whose rendering asked for one is never stored, so a nonce is
never sent twice.

Public pages also get `Cache-Control: public, max-age=…` for browsers and a CDN or Varnish in
front (docs/deployment.md); policies/frontend_cache.py purges such a cache on publish,
unpublish and repeal.
"""

import hashlib
import logging
import re
import threading
import uuid
import zlib
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

GENERATION_KEY = "styrdok:page-cache:generation"
ENTRY_PREFIX = "styrdok:page-cache:page:"
STATUS_HEADER = "X-Styrdok-Page-Cache"
# Vary values a stored page may carry: the anonymous visitors it is served to share them all.
SHAREABLE_VARY = {"host", "cookie", "accept-language", "accept-encoding"}
# Cookies that can change what a page shows (a login, a pending message, a language choice).
PERSONAL_COOKIES = ("messages", "django_language")
QUERY_VALUE = re.compile(r"[\w-]{0,40}")
MAX_QUERY_LENGTH = 300
# Headers that belong to one answer, not to the page.
UNSTORED_HEADERS = {"set-cookie", "date", STATUS_HEADER.lower()}


# -- the generation ------------------------------------------------------------------------------


def current_generation():
    """The current generation; a fresh one if the cache has none (first use, eviction, flush).

    A generation is random rather than a counter, so a generation key that was evicted and
    drawn again can never bring back pages stored under an earlier one.
    """
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY) or generation
    return generation


def new_generation():
    """Every stored page is stale from now on."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # a cache that is down holds no pages to invalidate either
        logger.exception("Sidcachen kunde inte tömmas")


# Set while `migrate` runs: the cache table may not exist yet, and one renewal at the end
# covers whatever the migrations changed.
_migrating = threading.Event()


def invalidate():
    """Renew the generation once the current transaction commits (at once outside one).

    After the commit, not before: a request that began between a change and its commit would
    otherwise read the old content and store it under the new generation. One renewal per
    transaction, however many rows it changes.
    """
    if not getattr(settings, "STYRDOK_PAGE_CACHE", False) or _migrating.is_set():
        return
    connection = transaction.get_connection()
    queued = getattr(connection, "_styrdok_page_cache_renewal", None)
    # Still queued: neither committed (which empties the list) nor rolled back with a savepoint.
    if connection.in_atomic_block and queued is not None and queued in connection.run_on_commit:
        return
    transaction.on_commit(new_generation, robust=True)
    if connection.in_atomic_block:
        connection._styrdok_page_cache_renewal = connection.run_on_commit[-1]


# -- what may be stored ------------------------------------------------------------------------


def cache_key(request):
    """The entry's key, or None when this request is not served from or stored in the cache."""
    if not getattr(settings, "STYRDOK_PAGE_CACHE", False) or not _anonymous_public(request):
        return None
    query = _normalised_query(request.META.get("QUERY_STRING", ""))
    if query is None:
        return None
    address = f"{request.scheme}://{request.get_host().lower()}{request.path}?{query}"
    return ENTRY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def _anonymous_public(request):
    from policies.channels import PUBLIC, channel_for_host

    if request.method not in {"GET", "HEAD"} or request.path.startswith("/admin/"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or any(name in cookies for name in PERSONAL_COOKIES):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: the normal handling answers 400
        return False
    return channel_for_host(host) == PUBLIC


def _normalised_query(query_string):
    """The query string in one canonical order, or None when it may not be cached."""
    if not query_string:
        return ""
    if len(query_string) > MAX_QUERY_LENGTH:
        return None
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    names = [name for name, _value in pairs]
    allowed = set(settings.STYRDOK_PAGE_CACHE_QUERY_PARAMS)
    if len(set(names)) != len(names) or not set(names) <= allowed:
        return None
    if not all(QUERY_VALUE.fullmatch(value) for _name, value in pairs):
        return None
    return urlencode(sorted(pairs))


def shareable(request, response):
    """Whether `response` is the same for every anonymous visitor and may be shared.

    A page that set a cookie is personal; that includes every page with a form that posts,
    since rendering a CSRF token always (re)sets the csrftoken cookie.
    """
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Cache-Control") or getattr(request, "_csp_nonce", None):
        return False
    vary = {value.strip().lower() for value in response.get("Vary", "").split(",") if value}
    return vary <= SHAREABLE_VARY


# -- the middleware ------------------------------------------------------------------------------


class PublicPageCacheMiddleware:
    """Serves and stores anonymous public pages (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = cache_key(request)
        if key is None:
            response = self.get_response(request)
            if response.status_code == 200 and _anonymous_public(request):
                mark_public(request, response)
            return response
        generation, entry = self._lookup(key)
        if entry is not None and entry[0] == generation:
            return _rebuild(entry, head=request.method == "HEAD")
        response = self.get_response(request)
        if not shareable(request, response):
            return response
        mark_public(request, response)
        if request.method == "GET" and generation is not None:
            self._store(key, generation, response)
        response[STATUS_HEADER] = "miss"
        return response

    def _lookup(self, key):
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY) or current_generation()
        except Exception:  # the cache is down: render, as without a cache
            logger.exception("Sidcachen kunde inte läsas")
            return None, None
        return generation, found.get(key)

    def _store(self, key, generation, response):
        content = response.content
        if len(content) > settings.STYRDOK_PAGE_CACHE_MAX_BYTES:
            return
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in UNSTORED_HEADERS
        ]
        entry = (generation, response.status_code, headers, zlib.compress(content, 6))
        try:
            cache.set(key, entry, timeout=settings.STYRDOK_PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("Sidcachen kunde inte skrivas")


def _rebuild(entry, head=False):
    """The stored answer; for HEAD its headers only (Content-Length still the GET's)."""
    _generation, status, headers, body = entry
    response = HttpResponse(b"" if head else zlib.decompress(body), status=status)
    for name, value in headers:
        response[name] = value
    response[STATUS_HEADER] = "hit"
    return response


def mark_public(request, response):
    """Cache-Control for browsers and a shared cache in front, on a page anyone may see."""
    if not shareable(request, response):
        return
    max_age = settings.STYRDOK_PUBLIC_MAX_AGE
    if max_age <= 0:
        return
    directives = {"public": True, "max_age": max_age}
    if settings.STYRDOK_CDN_MAX_AGE > 0:
        directives["s_maxage"] = settings.STYRDOK_CDN_MAX_AGE
    patch_cache_control(response, **directives)


# -- invalidation --------------------------------------------------------------------------------


def _ignored(sender):
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return False
    ignored = settings.STYRDOK_PAGE_CACHE_IGNORED_MODELS
    return meta.label_lower in ignored or f"{meta.app_label}.*" in ignored


def on_model_change(sender, update_fields=None, **kwargs):
    if _ignored(sender):
        return
    # Logging in records last_login on the user: nothing a public page shows.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    invalidate()


def on_page_event(sender, **kwargs):
    invalidate()


def _migration_started(**kwargs):
    _migrating.set()


def _migration_finished(**kwargs):
    if _migrating.is_set():
        _migrating.clear()
        invalidate()


def connect_invalidation():
    """Renew the generation on every change that can alter a public page.

    Every model counts unless it is listed as bookkeeping, so a model added later (a snippet,
    a setting, a new relation) invalidates the cache without anyone remembering to say so.
    QuerySet.update() sends no signal: code that changes public content with it calls
    invalidate() itself.
    """
    from django.db.models.signals import (
        m2m_changed,
        post_delete,
        post_migrate,
        post_save,
        pre_migrate,
    )
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(on_model_change, dispatch_uid="styrdok-page-cache-save")
    post_delete.connect(on_model_change, dispatch_uid="styrdok-page-cache-delete")
    m2m_changed.connect(on_model_change, dispatch_uid="styrdok-page-cache-m2m")
    pre_migrate.connect(_migration_started, dispatch_uid="styrdok-page-cache-pre-migrate")
    post_migrate.connect(_migration_finished, dispatch_uid="styrdok-page-cache-post-migrate")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(on_page_event, dispatch_uid=f"styrdok-page-cache-{id(signal)}")
