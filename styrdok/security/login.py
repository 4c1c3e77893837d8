"""Staff login: throttled against password guessing, and offered only on the intranet host."""

from urllib.parse import urlencode

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from policies.channels import PUBLIC, get_channel

# Paths of the staff login forms (Styrdok's own and Wagtail's admin login).
STAFF_LOGIN_PATHS = ("/logga-in/", "/admin/login/")


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS.

    Every login form (Styrdok's /logga-in/, Wagtail's /admin/login/) calls authenticate() with
    the request, and is throttled. A call without a request (the test client's login(), the
    shell, a management command) comes from someone already on the server: there is no client
    to throttle, so it passes on to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        # login() without a backend argument (force_login in tests, Wagtail's user views) records
        # the first backend in the session; it must be able to load the user back.
        return ModelBackend().get_user(user_id)


def lockout_response(request, original_response=None, credentials=None):
    """The Swedish page shown instead of logging in while the lockout lasts (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "account/lockout.html",
        {"cooloff_minutes": minutes},
        status=429,
    )


def client_ip(request):
    """The client's address, as seen through STYRDOK_TRUSTED_PROXY_COUNT reverse proxies.

    Behind a proxy REMOTE_ADDR is the proxy, so every login would count against one address.
    Each trusted proxy appends the address it received from to X-Forwarded-For; the entry that
    many places from the right is the client. Entries further left come from the client and are
    ignored, so a forged header cannot dodge the per-address limit.
    """
    count = settings.STYRDOK_TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class PublicLoginRedirectMiddleware:
    """On the public host, the staff login forms answer with a redirect to the intranet's.

    Staff log in only on the intranet host, so the public website (reachable from the whole
    internet) offers no form to guess passwords against. The redirect keeps the request's
    scheme and port, as the two hosts are served side by side. Placed before ChannelMiddleware,
    which answers the rest of /admin/ on the public host with 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in STAFF_LOGIN_PATHS and get_channel(request) == PUBLIC:
            # Same scheme and port as the request: the two hosts are served side by side.
            host = request.get_host()
            port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
            netloc = settings.STYRDOK_INTRANET_HOSTNAME + (f":{port}" if port else "")
            target = f"{request.scheme}://{netloc}{request.path}"
            query = request.GET.copy()
            if query:
                target = f"{target}?{urlencode(query, doseq=True)}"
            response = redirect(target)
            patch_vary_headers(response, ["Host"])
            return response
        return self.get_response(request)
