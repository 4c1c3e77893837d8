from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment for production (see .env.example)."
    )
if not os.environ.get("ALLOWED_HOSTS"):  # noqa: F405
    ALLOWED_HOSTS = [STYRDOK_PUBLIC_HOSTNAME, STYRDOK_INTRANET_HOSTNAME]  # noqa: F405

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
WAGTAILADMIN_BASE_URL = os.environ.get(  # noqa: F405
    "WAGTAILADMIN_BASE_URL",
    f"https://{STYRDOK_INTRANET_HOSTNAME}",  # noqa: F405
)
