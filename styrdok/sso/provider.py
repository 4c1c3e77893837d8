"""The identity provider's endpoints, read from its discovery document.

Only the issuer is configured; the authorization, token, userinfo, JWKS and end-session
endpoints come from `{issuer}/.well-known/openid-configuration`, read once per process and
issuer (and again after a failure). An IdP that moves an endpoint is then followed by a
restart, the same as any other configuration change.
"""

import threading

import requests
from django.conf import settings

_lock = threading.Lock()
_cache = {}


class ProviderUnavailable(Exception):
    """The identity provider could not be reached or answered with something unusable."""


def sso_enabled():
    return bool(
        getattr(settings, "STYRDOK_SSO_ENABLED", False)
        and settings.STYRDOK_OIDC_ISSUER
        and settings.STYRDOK_OIDC_CLIENT_ID
        and settings.STYRDOK_OIDC_CLIENT_SECRET
    )


def local_login_allowed():
    return not sso_enabled() or getattr(settings, "STYRDOK_LOCAL_LOGIN", True)


def configuration():
    """The discovery document of STYRDOK_OIDC_ISSUER (a dict), fetched at most once."""
    issuer = settings.STYRDOK_OIDC_ISSUER
    document = _cache.get(issuer)
    if document is not None:
        return document
    with _lock:
        document = _cache.get(issuer)
        if document is None:
            document = _fetch(issuer)
            _cache[issuer] = document
    return document


def _fetch(issuer):
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched for,
    # or an attacker's document could point the tokens' checks elsewhere.
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(f"{url}: issuer {document.get('issuer')!r} != {issuer!r}")
    missing = [
        key
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not document.get(key)
    ]
    if missing:
        raise ProviderUnavailable(f"{url}: missing {', '.join(missing)}")
    return document


def endpoint(name, default=None):
    return configuration().get(name) or default


def forget():
    """Drop the cached discovery documents (tests; a deliberate re-read)."""
    with _lock:
        _cache.clear()
