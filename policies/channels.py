"""The two channels: the public website and the staff intranet, told apart by hostname."""

import hashlib
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.exception import response_for_exception
from django.db import router
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page

from governance.models import StyrdokSettings

INTRANET = "intranet"
PUBLIC = "public"


def channel_for_host(host):
    """The port (`make run PORT=8123`, "intranet.localhost:8123") plays no part; nor does case."""
    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return INTRANET if hostname.lower() == settings.STYRDOK_INTRANET_HOSTNAME.lower() else PUBLIC


def get_channel(request):
    channel = getattr(request, "channel", None)
    if channel is None:
        # Wagtail's preview renders through a dummy request; previews are an admin (staff)
        # feature, so they show the intranet view whatever host the dummy request names.
        if getattr(request, "is_dummy", False):
            channel = INTRANET
        else:
            channel = channel_for_host(request.get_host())
        request.channel = channel
    return channel


def is_intranet(request):
    return request is not None and get_channel(request) == INTRANET


# The views that use the request's Wagtail site on every request: page serving (routing, menus,
# page addresses), the search and its suggestions (menus, result addresses) and the API.
SITE_VIEWS = frozenset({"wagtail_serve", "search", "search_autocomplete"})
SITE_VIEW_NAMESPACES = frozenset({"wagtailapi"})


class ChannelMiddleware:
    """Sets request.channel; the intranet is for logged-in staff only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .rich_text import reset_render_request, set_render_request

        # Rich-text page links are resolved for this request's channel when rendered.
        token = set_render_request(request)
        try:
            return self._respond(request)
        finally:
            reset_render_request(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """The views that ask Wagtail for the request's site every time get it from a statement
        compiled once (policies.sites); other views (a calendar feed, the health check) never
        ask, and read nothing."""
        from .sites import find_site_once

        match = request.resolver_match
        if match is not None and (
            match.url_name in SITE_VIEWS or SITE_VIEW_NAMESPACES.intersection(match.namespaces)
        ):
            find_site_once(request)
        return None

    def _respond(self, request):
        channel = get_channel(request)
        if channel == PUBLIC and request.path.startswith("/admin/"):
            # Editing happens on the intranet host only; the public site has no admin at all.
            response = response_for_exception(request, Http404())
        elif (
            channel == INTRANET
            and not request.user.is_authenticated
            and not request.path.startswith(tuple(settings.STYRDOK_ANONYMOUS_INTRANET_PATHS))
        ):
            response = redirect(f"{settings.LOGIN_URL}?next={quote(request.get_full_path())}")
        else:
            response = self.get_response(request)
        # The same path serves different content per channel: caches must key on the host,
        # and nothing from the intranet may be stored by a shared cache (the redirects to the
        # login page and the public site's admin 404 included).
        patch_vary_headers(response, ["Host"])
        if channel == INTRANET:
            patch_cache_control(response, private=True, no_store=True)
        return response


def channel_context(request):
    channel = get_channel(request)
    # Templates rendered outside the middleware (the archival PDFs) resolve their rich-text
    # links for the request they are rendered with, too.
    from .rich_text import set_render_request

    set_render_request(request)

    def menu_pages():
        # Information and content pages directly under the start page, marked "show in menus":
        # information pages go in the main menu, content pages (e.g. the accessibility
        # statement) in the footer.
        pages = _menu_pages(request)
        nav_type = _content_type_id("policies", "informationpage")
        return {
            "nav": [page for page in pages if page.content_type_id == nav_type],
            "footer": pages,
        }

    return {
        "channel": channel,
        "is_intranet": channel == INTRANET,
        "kommun_name": StyrdokSettings.load(request_or_site=request).kommun_name,
        "menu_pages": SimpleLazyObject(menu_pages),
        "may_use_admin": SimpleLazyObject(lambda: may_use_admin(request)),
    }


# Where the session keeps whether its user may use the admin (may_use_admin).
ADMIN_ACCESS_KEY = "styrdok_admin_access"


def may_use_admin(request):
    """Whether the logged-in reader may use Wagtail's admin (wagtailadmin.access_admin): the
    intranet's header links to it only for them.

    Read at login and kept in the session (remember_admin_access), since reading a user's
    permissions costs two queries on every page. The admin itself checks the permission on every
    request, so a session that outlives a change of groups at most shows or hides a link it
    should not until the next login. A session from before this was kept asks the permission
    itself, without storing it: writing the session would renew its lifetime."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    allowed = session.get(ADMIN_ACCESS_KEY) if session is not None else None
    if isinstance(allowed, bool):
        return allowed
    return user.has_perm("wagtailadmin.access_admin")


def remember_admin_access(sender, request, user, **kwargs):
    """user_logged_in: keep in the new session whether its user may use the admin."""
    session = getattr(request, "session", None)
    if session is not None and user is not None:
        session[ADMIN_ACCESS_KEY] = user.has_perm("wagtailadmin.access_admin")


def _content_type_id(app_label, model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_by_natural_key(app_label, model).pk


def _start_page(request):
    """The start page: the site's root when it is one (read with the site), else the first."""
    from wagtail.models import Site

    from .models import HomePage

    site = Site.find_for_request(request)
    root = site.root_page if site is not None else None
    if root is not None and root.content_type_id == _content_type_id("policies", "homepage"):
        return root
    return HomePage.objects.first()


def _menu_pages(request):
    """Live menu pages under the start page without a view restriction on them or above them
    (Wagtail's public()), in one query, or none when routing the request read them."""
    from .models import AccessibilityStatementPage, ContentPage, InformationPage
    from .models.routing import MENU_ATTR

    types = (InformationPage, ContentPage, AccessibilityStatementPage)
    candidates = getattr(request, MENU_ATTR, None)
    if candidates is not None:
        return _of_types(candidates, types)
    from .models.routing import children_path_range, compiled_query

    home = _start_page(request)
    if home is None:
        return []
    query = compiled_query(("menu", router.db_for_read(Page)), _menu_query)
    after, last = children_path_range(home.path)
    return _of_types(query.run(path=after, last_path=last, depth=home.depth + 1), types)


def _of_types(pages, types):
    """The pages whose specific class is one of `types` or a subclass (Wagtail's type())."""
    return [
        page
        for page in pages
        if page.specific_class is not None and issubclass(page.specific_class, types)
    ]


def _menu_query():
    """Live children of a page marked "show in menus", without a view restriction on them or
    above them (Wagtail's child_of().in_menu().public()), with markers for the page's place:
    compiled once per process, as building it cost more than running it. The page types are
    picked from the rows, so no content type id is part of the SQL."""
    from .models.routing import DEPTH_MARKER, PATH_END_MARKER, PATH_MARKER, CompiledQuery
    from .visibility import with_view_restriction

    pages = Page.objects.live().filter(
        show_in_menus=True, path__gt=PATH_MARKER, path__lte=PATH_END_MARKER, depth=DEPTH_MARKER
    )
    pages = with_view_restriction(pages).filter(view_restricted=False).order_by("path")
    # Not prepared: PostgreSQL's generic plan for a prepared statement, not knowing the depth,
    # reads every page below the start page by path (2.3 ms at 10,000 documents) where the
    # plan for the values given reads one level by depth and path (0.03 ms; migration 0017).
    return CompiledQuery(
        pages, prepare=False, path=PATH_MARKER, last_path=PATH_END_MARKER, depth=DEPTH_MARKER
    )


# -- listings kept for the public site -------------------------------------------------------

LISTING_PREFIX = "styrdok:listing:"
MAX_LISTING_ADDRESS = 300


def public_listing(request, name, render):
    """`render()`'s response, kept in the shared cache for the public site's other visitors.

    For listings that every public visitor sees alike and that grow with the register (the
    sitemap, the feed): crawlers and feed readers ask for them often and usually without the
    page cache in front (styrdok.page_cache), which skips any visitor with a cookie. They are
    kept under the page cache's generation, so any change that can alter a public page makes
    them stale, and only while that invalidation runs (STYRDOK_PAGE_CACHE). The intranet is
    never kept: what it lists depends on the reader.
    """
    from styrdok import page_cache

    key = _listing_key(request, name)
    generation, entry = _listing_lookup(key)
    if entry is not None and entry[0] == generation:
        _generation, content, headers = entry
        response = HttpResponse(content)
        for header, value in headers:
            response[header] = value
        return response
    response = render()
    if generation is not None and response.status_code == 200 and not response.cookies:
        entry = (generation, response.content, list(response.items()))
        try:
            cache.set(key, entry, timeout=settings.STYRDOK_PAGE_CACHE_SECONDS)
        except Exception:
            page_cache.logger.exception("Listan kunde inte sparas i cachen")
    return response


def _listing_key(request, name):
    if not getattr(settings, "STYRDOK_PAGE_CACHE", False) or get_channel(request) != PUBLIC:
        return None
    address = f"{request.scheme}://{request.get_host().lower()}{request.get_full_path()}"
    if len(address) > MAX_LISTING_ADDRESS:
        return None
    return f"{LISTING_PREFIX}{name}:" + hashlib.sha256(address.encode()).hexdigest()


def _listing_lookup(key):
    """(the current generation, the stored entry); (None, None) when nothing is kept."""
    from styrdok import page_cache

    if key is None:
        return None, None
    try:
        found = cache.get_many([page_cache.GENERATION_KEY, key])
        generation = found.get(page_cache.GENERATION_KEY) or page_cache.current_generation()
    except Exception:  # the cache is down: render, as without a cache
        page_cache.logger.exception("Listan kunde inte läsas ur cachen")
        return None, None
    return generation, found.get(key)
