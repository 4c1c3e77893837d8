"""The two channels: the public website and the staff intranet, told apart by hostname."""

from urllib.parse import quote

from django.conf import settings
from django.core.handlers.exception import response_for_exception
from django.http import Http404
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
        from .models import ContentPage, HomePage, InformationPage

        home = HomePage.objects.first()
        if home is None:
            return {"nav": [], "footer": []}
        pages = (
            Page.objects.live()
            .public()
            .child_of(home)
            .in_menu()
            .type(InformationPage, ContentPage)
            .specific()
        )
        return {
            "nav": [page for page in pages if isinstance(page, InformationPage)],
            "footer": list(pages),
        }

    return {
        "channel": channel,
        "is_intranet": channel == INTRANET,
        "kommun_name": StyrdokSettings.load(request_or_site=request).kommun_name,
        "menu_pages": SimpleLazyObject(menu_pages),
    }
