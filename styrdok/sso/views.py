"""The OIDC login's two views: mozilla-django-oidc's, with Swedish answers instead of 500s."""

import logging

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from styrdok.sso import provider

logger = logging.getLogger(__name__)

# What the person is told, by what went wrong; the details go to the log.
REFUSED = "refused"
MISMATCH = "mismatch"
UNAVAILABLE = "unavailable"


def failure_page(request, reason, status):
    return render(
        request,
        "sso/login_failed.html",
        {"reason": reason, "login_url": settings.LOGIN_URL},
        status=status,
    )


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the IdP, always from the intranet host (the session lives there)."""

    def __init__(self, *args, **kwargs):
        # Not the library's __init__, which reads the endpoint from settings.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.STYRDOK_OIDC_CLIENT_ID

    def get(self, request):
        if not provider.sso_enabled():
            raise Http404
        host = request.get_host()
        hostname, _colon, port = host.rpartition(":") if host.count(":") == 1 else (host, "", "")
        if hostname != settings.STYRDOK_INTRANET_HOSTNAME:
            netloc = settings.STYRDOK_INTRANET_HOSTNAME + (f":{port}" if port else "")
            return HttpResponseRedirect(f"{request.scheme}://{netloc}{request.get_full_path()}")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider.endpoint("authorization_endpoint")
        except provider.ProviderUnavailable as error:
            logger.error("OIDC discovery failed: %s", error)
            return failure_page(request, UNAVAILABLE, 503)
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The IdP's answer. A forged or replayed answer (unknown state, wrong nonce, a token for
    another client or issuer) and an unreachable IdP end on a Swedish page, never a 500."""

    def get(self, request):
        if not provider.sso_enabled():
            raise Http404
        try:
            return super().get(request)
        except (SuspiciousOperation, jwt.PyJWTError) as error:
            logger.warning("OIDC callback refused: %s", error)
            return failure_page(request, MISMATCH, 400)
        except (requests.RequestException, provider.ProviderUnavailable) as error:
            logger.error("OIDC provider unavailable during login: %s", error)
            return failure_page(request, UNAVAILABLE, 502)

    def login_failure(self):
        return failure_page(self.request, REFUSED, 403)
