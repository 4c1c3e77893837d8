from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment for production (see .env.example)."
    )
if not os.environ.get("ALLOWED_HOSTS"):  # noqa: F405
    ALLOWED_HOSTS = [STYRDOK_PUBLIC_HOSTNAME, STYRDOK_INTRANET_HOSTNAME]  # noqa: F405

# Production is served over HTTPS, so the channel URLs (and the Wagtail sites that
# `setup_styrdok` writes from them) default to port 443 and links such as https://host/, unless
# STYRDOK_INTRANET_URL / STYRDOK_PUBLIC_URL or STYRDOK_SITE_PORT say otherwise.
STYRDOK_SITE_PORT = int(os.environ.get("STYRDOK_SITE_PORT", "443"))  # noqa: F405
STYRDOK_PUBLIC_URL = channel_url(  # noqa: F405
    "STYRDOK_PUBLIC_URL",
    STYRDOK_PUBLIC_HOSTNAME,  # noqa: F405
    STYRDOK_SITE_PORT,
)
STYRDOK_INTRANET_URL = channel_url(  # noqa: F405
    "STYRDOK_INTRANET_URL",
    STYRDOK_INTRANET_HOSTNAME,  # noqa: F405
    STYRDOK_SITE_PORT,
)

# Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto (and strips it from clients).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)  # noqa: F405
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or [  # noqa: F405
    f"https://{STYRDOK_PUBLIC_HOSTNAME}",  # noqa: F405
    f"https://{STYRDOK_INTRANET_HOSTNAME}",  # noqa: F405
]
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", STYRDOK_INTRANET_URL)  # noqa: F405
# The purged addresses carry the public URL's port, which this module may have changed.
WAGTAILFRONTENDCACHE = frontend_cache_from_env(os.environ, STYRDOK_PUBLIC_URL)  # noqa: F405

# HSTS preloading is a commitment for the whole registrable domain (usually the kommun's own,
# shared with many other services), so it stays off unless the domain's owner opts in with
# SECURE_HSTS_PRELOAD=true. While it is off, Django's reminder about it (security.W021) is not a
# deployment problem and is silenced, so `check --deploy --fail-level WARNING` stays meaningful.
SILENCED_SYSTEM_CHECKS = SILENCED_SYSTEM_CHECKS + ([] if SECURE_HSTS_PRELOAD else ["security.W021"])  # noqa: F405

# Errors are e-mailed to ADMINS (STYRDOK_ADMINS), and reported to Sentry or GlitchTip when
# SENTRY_DSN is set, with no personal data (operations/sentry.py).
from operations.logging import with_mail_admins  # noqa: E402

LOGGING = with_mail_admins(LOGGING)  # noqa: F405
if os.environ.get("SENTRY_DSN", "").strip():  # noqa: F405
    from operations.sentry import init_sentry

    init_sentry(
        os.environ["SENTRY_DSN"].strip(),  # noqa: F405
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),  # noqa: F405
        release=os.environ.get("SENTRY_RELEASE", ""),  # noqa: F405
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),  # noqa: F405
    )
