"""What the SSO login tells the apps (which this package must not import).

user_signed_in: sent inside the login's transaction after the account, identity and mapped
groups are up to date. kwargs: user, claims (the ID token's claims completed by userinfo).
kvittens sets the person's home unit from a claim (STYRDOK_OIDC_ORGANISATION_CLAIM).
"""

from django.dispatch import Signal

user_signed_in = Signal()
