"""Error reporting to Sentry or a Sentry-compatible service (self-hosted Sentry, GlitchTip).

Off unless SENTRY_DSN is set (styrdok/settings/production.py). Nothing personal is sent by
default: no cookies, headers, request bodies, local variables or user details other than the
id, and anything that looks like a personnummer or samordningsnummer, in any string of the
event (a URL's query string, an exception's message, a breadcrumb), is replaced, as is the secret
in a review calendar's address (/kalender/<secret>.ics: the address is the credential).
"""

import re

# 6 or 8 digits of birth date, an optional separator (-, +, space, or their URL encodings),
# 4 digits. Broad on purpose: a ten-digit phone number is blanked too, which costs nothing.
PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}(?:[-+ ]|%2[bB]|%20)?\d{4}(?!\d)")
REPLACEMENT = "[personnummer]"
# The review calendar's address (revision.calendar): whoever has it reads the calendar.
CALENDAR_SECRET = re.compile(r"(/kalender/)[A-Za-z0-9_-]{16,64}(\.ics)")
CALENDAR_REPLACEMENT = r"\1[hemlig]\2"

REQUEST_KEYS_DROPPED = ("cookies", "headers", "data", "env")
USER_KEYS_KEPT = ("id",)


def scrub(value):
    """`value` with every personnummer-like string replaced, recursively."""
    if isinstance(value, str):
        value = CALENDAR_SECRET.sub(CALENDAR_REPLACEMENT, value)
        return PERSONNUMMER.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(item) for item in value)
    return value


def before_send(event, hint=None):
    request = event.get("request")
    if isinstance(request, dict):
        for key in REQUEST_KEYS_DROPPED:
            request.pop(key, None)
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {key: user[key] for key in USER_KEYS_KEPT if key in user}
    return scrub(event)


def before_breadcrumb(crumb, hint=None):
    return scrub(crumb)


def init_sentry(dsn, environment="", release="", traces_sample_rate=0.0):
    """Start reporting errors to `dsn`; Django and logging integrations are enabled by default."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        # send_default_pii is left unset, which the SDK treats as False (no user, cookies or
        # headers); setting it explicitly is deprecated since sentry-sdk 2.75.
        include_local_variables=False,
        max_request_body_size="never",
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
        traces_sample_rate=traces_sample_rate,
    )
