"""Single sign-on for staff over OpenID Connect (off unless configured; see settings/sso.py)."""
