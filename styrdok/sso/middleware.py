"""Single sign-on around every request: password login refused when switched off, the IdP
re-asked every few minutes whether it still accepts the person, and its session ended at logout.
Does nothing at all (not even read the session) while SSO is off."""

import logging

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string
from mozilla_django_oidc.middleware import SessionRefresh

from styrdok.sso import provider
from styrdok.sso.backends import StyrdokOIDCBackend
from styrdok.sso.logout import end_session_url

logger = logging.getLogger(__name__)


class _SessionRefresh(SessionRefresh):
    """The library's silent re-authentication (prompt=none) once the ID token's time is up.

    A person the IdP no longer accepts (removed, disabled, password changed) comes back with
    an error, and the callback logs them out. Only sessions started by the OIDC backend are
    re-checked; the endpoint and client come from discovery and settings at request time.
    """

    def __init__(self, get_response):
        # Not the library's __init__, which reads the authorization endpoint from settings.
        MiddlewareMixin.__init__(self, get_response)
        self.OIDC_EXEMPT_URLS = settings.OIDC_EXEMPT_URLS
        self.OIDC_STATE_SIZE = 32
        self.OIDC_NONCE_SIZE = 32
        self.OIDC_USE_NONCE = True
        self.OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"

    @property
    def OIDC_OP_AUTHORIZATION_ENDPOINT(self):  # noqa: N802 - the library's attribute name
        return provider.endpoint("authorization_endpoint")

    @property
    def OIDC_RP_CLIENT_ID(self):  # noqa: N802
        return settings.STYRDOK_OIDC_CLIENT_ID

    @property
    def OIDC_RP_SCOPES(self):  # noqa: N802
        return settings.OIDC_RP_SCOPES

    def is_refreshable_url(self, request):
        backend = request.session.get(BACKEND_SESSION_KEY)
        if not backend or not issubclass(import_string(backend), StyrdokOIDCBackend):
            return False
        return super().is_refreshable_url(request)


class SingleSignOnMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.refresh = _SessionRefresh(get_response)

    def __call__(self, request):
        if not provider.sso_enabled():
            return self.get_response(request)
        if (
            request.method == "POST"
            and not provider.local_login_allowed()
            and request.path in {reverse("login"), reverse("wagtailadmin_login")}
        ):
            return render(request, "sso/local_login_off.html", status=403)
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        id_token = None
        if has_session and request.method == "POST" and request.path in settings.OIDC_EXEMPT_URLS:
            id_token = request.session.get("oidc_id_token")
        if has_session:
            try:
                response = self.refresh.process_request(request)
            except provider.ProviderUnavailable as error:
                logger.warning("OIDC session re-check skipped: %s", error)
                response = None
            if response is not None:
                return response
        response = self.get_response(request)
        if (
            id_token
            and isinstance(response, HttpResponseRedirect)
            and not request.user.is_authenticated
        ):
            url = end_session_url(request, id_token)
            if url:
                response = HttpResponseRedirect(url)
        return response
