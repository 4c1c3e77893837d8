"""Authentication backends: the OIDC login, and the switch that turns password login off."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from governance.text_input import strip_control_characters
from styrdok.sso import provider
from styrdok.sso.models import SingleSignOnIdentity
from styrdok.sso.signals import user_signed_in

logger = logging.getLogger(__name__)


class LocalLoginSwitchBackend(BaseBackend):
    """Refuses every username-and-password login while STYRDOK_LOCAL_LOGIN is off.

    First in AUTHENTICATION_BACKENDS, so PermissionDenied stops authenticate() before any
    password is checked: the rule holds for every form and view that logs in with a password,
    not just the two login pages whose forms are hidden.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password is not None and not provider.local_login_allowed():
            raise PermissionDenied
        return None

    def get_user(self, user_id):
        # force_login() without a backend records the first backend in the session.
        return ModelBackend().get_user(user_id)


def _as_list(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [item for item in value if isinstance(item, str)]
    return []


def _truncate(value, field_name):
    """A claim as the user field stores it: without the invisible control characters that the
    field refuses (governance.text_input), stripped and cut to the field's length."""
    max_length = get_user_model()._meta.get_field(field_name).max_length
    return strip_control_characters(value or "").strip()[:max_length]


class StyrdokOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code-flow backend, with Styrdok's users, identities and groups.

    The endpoints come from the issuer's discovery document instead of settings. Users are
    found by the IdP's subject (SingleSignOnIdentity); a first login links an existing account
    with the same e-mail address (STYRDOK_OIDC_LINK_BY_EMAIL) or creates one. Membership of the
    groups named in STYRDOK_OIDC_GROUPS follows the IdP at every login; other groups are left
    as the administrators set them.
    """

    OIDC_RP_SIGN_ALGO = "RS256"
    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs):
        # Deliberately not super().__init__(), which requires the endpoints as settings and
        # would fail on every authenticate() call while SSO is off.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802 - the library's attribute name
        return provider.endpoint("token_endpoint")

    @property
    def OIDC_OP_USER_ENDPOINT(self):  # noqa: N802
        return provider.endpoint("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return provider.endpoint("jwks_uri")

    @property
    def OIDC_RP_CLIENT_ID(self):  # noqa: N802
        return settings.STYRDOK_OIDC_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):  # noqa: N802
        return settings.STYRDOK_OIDC_CLIENT_SECRET

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce: a password form posted to an address that
        # happens to carry ?code=…&state=… must never start a token exchange.
        if request is None or "nonce" not in kwargs or not provider.sso_enabled():
            return None
        if kwargs.get("username") is not None or kwargs.get("password") is not None:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """The library checks signature, expiry and nonce; issuer and audience are checked here."""
        payload = super().verify_token(token, **kwargs)
        if str(payload.get("iss", "")).rstrip("/") != settings.STYRDOK_OIDC_ISSUER:
            raise SuspiciousOperation("ID token from another issuer.")
        client_id = settings.STYRDOK_OIDC_CLIENT_ID
        audience = _as_list(payload.get("aud"))
        if client_id not in audience:
            raise SuspiciousOperation("ID token for another client.")
        if len(audience) > 1 and payload.get("azp") != client_id:
            raise SuspiciousOperation("ID token authorized for another party.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims completed by the userinfo endpoint's.

        Entra ID puts `groups` and `roles` in the ID token only, other IdPs in userinfo only.
        """
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("Userinfo for another subject.")
            claims.update(userinfo)
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def describe_user_by_claims(self, claims):
        return f"subject {claims.get('sub')}"

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Claims verification failed")
        issuer = settings.STYRDOK_OIDC_ISSUER
        subject = str(claims["sub"])
        with transaction.atomic():
            identity = (
                SingleSignOnIdentity.objects.select_for_update()
                .select_related("user")
                .filter(issuer=issuer, subject=subject)
                .first()
            )
            if identity is not None:
                user = identity.user
                if not user.is_active:
                    if identity.deactivated_at is None:
                        # Deactivated by an administrator: only an administrator lets them in.
                        return user
                    user.is_active = True
            else:
                user = self._user_with_same_email(claims)
                identity = SingleSignOnIdentity(
                    issuer=issuer, subject=subject, created_by_sso=user is None
                )
                if user is None:
                    user = self.create_user(claims)
                identity.user = user
            self.update_user(user, claims)
            identity.deactivated_at = None
            identity.last_sso_login = timezone.now()
            identity.save()
            self.sync_groups(user, claims)
            user_signed_in.send(sender=type(self), user=user, claims=claims)
        return user

    def _user_with_same_email(self, claims):
        email = (claims.get("email") or "").strip()
        if not (settings.STYRDOK_OIDC_LINK_BY_EMAIL and email):
            return None
        if claims.get("email_verified") is False:
            return None
        users = list(
            self.UserModel.objects.filter(email__iexact=email, sso_identity__isnull=True)[:2]
        )
        if len(users) > 1:
            raise SuspiciousOperation(f"Several users have the e-mail address {email}.")
        return users[0] if users else None

    def create_user(self, claims):
        return self.UserModel.objects.create_user(
            self._free_username(claims), email=_truncate(claims.get("email"), "email")
        )

    def _free_username(self, claims):
        field = self.UserModel.USERNAME_FIELD
        max_length = self.UserModel._meta.get_field(field).max_length
        candidates = (
            claims.get(settings.STYRDOK_OIDC_USERNAME_CLAIM),
            claims.get("email"),
            claims.get("sub"),
        )
        names = [strip_control_characters(value or "").strip() for value in candidates]
        base = next(name for name in names if name)
        base = base[:max_length]
        candidate, number = base, 1
        while self.UserModel.objects.filter(**{f"{field}__iexact": candidate}).exists():
            number += 1
            suffix = f"-{number}"
            candidate = base[: max_length - len(suffix)] + suffix
        return candidate

    def update_user(self, user, claims):
        first_name = claims.get("given_name")
        last_name = claims.get("family_name")
        if not (first_name or last_name) and claims.get("name"):
            first_name, _space, last_name = str(claims["name"]).strip().partition(" ")
        if first_name or last_name:
            user.first_name = _truncate(first_name, "first_name")
            user.last_name = _truncate(last_name, "last_name")
        if claims.get("email"):
            user.email = _truncate(claims["email"], "email")
        user.save()
        return user

    def sync_groups(self, user, claims):
        mapping = settings.STYRDOK_OIDC_GROUPS
        if not mapping:
            return
        idp_values = {
            value
            for claim in settings.STYRDOK_OIDC_GROUPS_CLAIMS
            for value in _as_list(claims.get(claim))
        }
        wanted = {mapping[value] for value in idp_values if value in mapping}
        managed = {group.name: group for group in Group.objects.filter(name__in=mapping.values())}
        for name in set(mapping.values()) - managed.keys():
            logger.warning("STYRDOK_OIDC_GROUPS names the group %r, which does not exist.", name)
        # Membership of the mapped groups only (the mapping is configuration; what a group may
        # do is still its permissions).
        current = {group.name for group in user.groups.all() if group.name in managed}
        to_add = [managed[name] for name in wanted - current if name in managed]
        to_remove = [managed[name] for name in current - wanted]
        if to_add:
            user.groups.add(*to_add)
        if to_remove:
            user.groups.remove(*to_remove)
