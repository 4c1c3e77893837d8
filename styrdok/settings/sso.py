"""Single sign-on over OpenID Connect (mozilla-django-oidc), configured from the environment.

Off unless STYRDOK_OIDC_ISSUER, STYRDOK_OIDC_CLIENT_ID and STYRDOK_OIDC_CLIENT_SECRET are all
set. Imported at the end of base.py, so it extends the lists base.py has built; the SSO app, its
backends and its middleware are always installed and do nothing while SSO is off, which keeps
the database schema and the session format the same whether or not a kommun uses SSO.
The endpoints are not configured here: they are read from the issuer's discovery document.
"""

import json
import os

from django.core.exceptions import ImproperlyConfigured

# base.py is still being imported (it imports this module at its end); every name it defines
# before that line is already there.
from styrdok.settings import base as _base

__all__ = [
    "AUTHENTICATION_BACKENDS",
    "INSTALLED_APPS",
    "MIDDLEWARE",
    "OIDC_AUTHENTICATE_CLASS",
    "OIDC_CALLBACK_CLASS",
    "OIDC_EXEMPT_URLS",
    "OIDC_OP_LOGOUT_URL_METHOD",
    "OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS",
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_RP_SCOPES",
    "OIDC_RP_SIGN_ALGO",
    "OIDC_STORE_ID_TOKEN",
    "OIDC_TIMEOUT",
    "OIDC_TOKEN_USE_BASIC_AUTH",
    "OIDC_USE_NONCE",
    "OIDC_USE_PKCE",
    "STYRDOK_ANONYMOUS_INTRANET_PATHS",
    "STYRDOK_LOCAL_LOGIN",
    "STYRDOK_OIDC_CLIENT_ID",
    "STYRDOK_OIDC_CLIENT_SECRET",
    "STYRDOK_OIDC_GROUPS",
    "STYRDOK_OIDC_GROUPS_CLAIMS",
    "STYRDOK_OIDC_INACTIVE_DAYS",
    "STYRDOK_OIDC_ISSUER",
    "STYRDOK_OIDC_LINK_BY_EMAIL",
    "STYRDOK_OIDC_USERNAME_CLAIM",
    "STYRDOK_SSO_ENABLED",
    "WAGTAIL_PASSWORD_MANAGEMENT_ENABLED",
    "WAGTAIL_PASSWORD_RESET_ENABLED",
]


def _oidc_groups(raw):
    """STYRDOK_OIDC_GROUPS: a JSON object mapping an IdP group or role to a Styrdok group name."""
    if not raw.strip():
        return {}
    try:
        mapping = json.loads(raw)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"Felaktig inställning: STYRDOK_OIDC_GROUPS är inte giltig JSON ({error})."
        ) from None
    if not isinstance(mapping, dict) or not all(
        isinstance(key, str) and isinstance(value, str) and key and value
        for key, value in mapping.items()
    ):
        raise ImproperlyConfigured(
            "Felaktig inställning: STYRDOK_OIDC_GROUPS ska vara ett JSON-objekt som "
            '{"idp-grupp": "Styrdoks gruppnamn"}.'
        )
    return mapping


def _positive_int(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ImproperlyConfigured(
            f"Felaktig inställning: {name} ska vara ett positivt heltal (nu {raw!r})."
        )
    return value


STYRDOK_OIDC_ISSUER = os.environ.get("STYRDOK_OIDC_ISSUER", "").strip().rstrip("/")
STYRDOK_OIDC_CLIENT_ID = os.environ.get("STYRDOK_OIDC_CLIENT_ID", "").strip()
STYRDOK_OIDC_CLIENT_SECRET = os.environ.get("STYRDOK_OIDC_CLIENT_SECRET", "").strip()
STYRDOK_SSO_ENABLED = bool(
    STYRDOK_OIDC_ISSUER and STYRDOK_OIDC_CLIENT_ID and STYRDOK_OIDC_CLIENT_SECRET
)
# Local password login can only be switched off while SSO is on: otherwise nobody could log in.
STYRDOK_LOCAL_LOGIN = _base.env_bool("STYRDOK_LOCAL_LOGIN", True) or not STYRDOK_SSO_ENABLED
STYRDOK_OIDC_GROUPS = _oidc_groups(os.environ.get("STYRDOK_OIDC_GROUPS", ""))
STYRDOK_OIDC_GROUPS_CLAIMS = _base.env_list("STYRDOK_OIDC_GROUPS_CLAIMS", "groups,roles")
STYRDOK_OIDC_USERNAME_CLAIM = (
    os.environ.get("STYRDOK_OIDC_USERNAME_CLAIM", "").strip() or "preferred_username"
)
STYRDOK_OIDC_LINK_BY_EMAIL = _base.env_bool("STYRDOK_OIDC_LINK_BY_EMAIL", True)
# A claim naming the person's förvaltning or enhet (e.g. "department"): kvittens keeps their
# home unit from it at every login (an organisation's name or short name). Empty: off.
STYRDOK_OIDC_ORGANISATION_CLAIM = os.environ.get("STYRDOK_OIDC_ORGANISATION_CLAIM", "").strip()
STYRDOK_OIDC_INACTIVE_DAYS = _positive_int("STYRDOK_OIDC_INACTIVE_DAYS", 90)

# mozilla-django-oidc's own settings.
OIDC_RP_CLIENT_ID = STYRDOK_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = STYRDOK_OIDC_CLIENT_SECRET
OIDC_RP_SCOPES = os.environ.get("STYRDOK_OIDC_SCOPES", "").strip() or "openid email profile"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TOKEN_USE_BASIC_AUTH = (
    os.environ.get("STYRDOK_OIDC_TOKEN_AUTH", "basic").strip().lower() != "post"
)
OIDC_STORE_ID_TOKEN = True  # the id_token_hint for the IdP's logout
OIDC_TIMEOUT = _positive_int("STYRDOK_OIDC_TIMEOUT_SECONDS", 10)
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 60 * _positive_int("STYRDOK_OIDC_RECHECK_MINUTES", 15)
OIDC_AUTHENTICATE_CLASS = "styrdok.sso.views.AuthenticateView"
OIDC_CALLBACK_CLASS = "styrdok.sso.views.CallbackView"
OIDC_OP_LOGOUT_URL_METHOD = "styrdok.sso.logout.provider_logout_url"
OIDC_EXEMPT_URLS = ["/logga-ut/", "/admin/logout/"]

INSTALLED_APPS = [*_base.INSTALLED_APPS, "styrdok.sso"]
# First: the switch that refuses passwords when local login is off, and the OIDC backend (so
# that the callback never reaches django-axes' password lockout check).
AUTHENTICATION_BACKENDS = [
    "styrdok.sso.backends.LocalLoginSwitchBackend",
    "styrdok.sso.backends.StyrdokOIDCBackend",
    *_base.AUTHENTICATION_BACKENDS,
]
_MIDDLEWARE = list(_base.MIDDLEWARE)
_MIDDLEWARE.insert(
    _MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "styrdok.sso.middleware.SingleSignOnMiddleware",
)
MIDDLEWARE = _MIDDLEWARE
STYRDOK_ANONYMOUS_INTRANET_PATHS = [*_base.STYRDOK_ANONYMOUS_INTRANET_PATHS, "/oidc/"]
# Nobody sets or resets a password that no form accepts.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = STYRDOK_LOCAL_LOGIN
WAGTAIL_PASSWORD_RESET_ENABLED = STYRDOK_LOCAL_LOGIN
