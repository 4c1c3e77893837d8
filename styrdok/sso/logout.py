"""Ending the IdP's session too when someone logs out of Styrdok."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import resolve_url

from styrdok.sso import provider

logger = logging.getLogger(__name__)


def end_session_url(request, id_token):
    """The IdP's end_session_endpoint for this login (RP-Initiated Logout 1.0), or None."""
    if not (provider.sso_enabled() and id_token):
        return None
    try:
        endpoint = provider.endpoint("end_session_endpoint")
    except provider.ProviderUnavailable as error:
        logger.warning("OIDC logout without the provider's session: %s", error)
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.STYRDOK_OIDC_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(
                resolve_url(settings.LOGOUT_REDIRECT_URL)
            ),
        }
    )
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{query}"


def provider_logout_url(request):
    """OIDC_OP_LOGOUT_URL_METHOD for the library's own /oidc/logout/ view."""
    return end_session_url(request, request.session.get("oidc_id_token")) or resolve_url(
        settings.LOGOUT_REDIRECT_URL
    )
