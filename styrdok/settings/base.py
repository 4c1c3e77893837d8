"""Settings shared by every environment.

Values come from the environment with defaults that are safe in production; development and
test settings loosen them explicitly.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")


def url_hostname(url):
    if not url:
        return ""
    return urlsplit(url).hostname or ""


def channel_url(name, hostname, port):
    """The channel's root URL: from the environment variable `name`, else from hostname and port.

    The Wagtail Site records get their hostname and port from this URL (`setup_styrdok`), and
    every absolute link in e-mails and feeds is built from those records (governance/links.py).
    A Site knows only a port, so https is possible only on 443 and http only on other ports.
    """
    url = os.environ.get(name, "").strip().rstrip("/")
    if not url:
        if port == 443:
            return f"https://{hostname}"
        return f"http://{hostname}" if port == 80 else f"http://{hostname}:{port}"
    error = _channel_url_error(name, url, hostname)
    if error:
        raise ImproperlyConfigured(error)
    return url


def _channel_url_error(name, url, hostname):
    """Why `url` cannot be the root URL of the channel on `hostname`; "" when it can."""
    try:
        parts = urlsplit(url)
        url_port = parts.port
    except ValueError:
        parts, url_port = None, None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
    ):
        return (
            f"Felaktig inställning: {name} ska vara en adress som http://värd:port, "
            f"utan sökväg (nu {url!r})."
        )
    if parts.hostname != hostname:
        return (
            f"Felaktig inställning: {name} har värden {parts.hostname!r} men kanalens "
            f"värdnamn är {hostname!r}; ange samma värd eller låt bli att sätta värdnamnet."
        )
    if parts.scheme == "https" and url_port not in {None, 443}:
        return (
            f"Felaktig inställning: {name} använder https på port {url_port}; Wagtails "
            "webbplatser bygger https-adresser bara för port 443."
        )
    if parts.scheme == "http" and url_port == 443:
        return f"Felaktig inställning: {name} använder http på port 443; använd https://."
    return ""


# The two channels: the public website and the staff intranet share one page tree; the
# hostname a request arrives on decides which channel (and so which audience) it gets.
# Each channel's host comes from STYRDOK_*_HOSTNAME, or from the host in STYRDOK_*_URL.
STYRDOK_PUBLIC_HOSTNAME = (
    os.environ.get("STYRDOK_PUBLIC_HOSTNAME")
    or url_hostname(os.environ.get("STYRDOK_PUBLIC_URL", "").strip())
    or "localhost"
)
STYRDOK_INTRANET_HOSTNAME = (
    os.environ.get("STYRDOK_INTRANET_HOSTNAME")
    or url_hostname(os.environ.get("STYRDOK_INTRANET_URL", "").strip())
    or "intranet.localhost"
)
# The port the default channel URLs use (80 → http://host, 443 → https://host).
STYRDOK_SITE_PORT = int(os.environ.get("STYRDOK_SITE_PORT", "80"))
# The channels' root URLs, e.g. http://intranet.localhost:8000. `setup_styrdok` writes their
# hostname and port into the Wagtail Site records, which absolute links are built from.
STYRDOK_PUBLIC_URL = channel_url("STYRDOK_PUBLIC_URL", STYRDOK_PUBLIC_HOSTNAME, STYRDOK_SITE_PORT)
STYRDOK_INTRANET_URL = channel_url(
    "STYRDOK_INTRANET_URL", STYRDOK_INTRANET_HOSTNAME, STYRDOK_SITE_PORT
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [STYRDOK_PUBLIC_HOSTNAME, STYRDOK_INTRANET_HOSTNAME]

INSTALLED_APPS = [
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Background tasks: the queue table and `manage.py db_worker` (django_tasks_db), and the
    # backend reset on settings changes (django_tasks).
    "django_tasks",
    "django_tasks_db",
    # Project apps come after Wagtail's: governance switches off Wagtail's own workflow emails
    # in its ready(), which must run after wagtail.admin has connected them.
    # The layers, bottom up, are governance <- policies <- revision, reports, search (README).
    "policies",
    "governance",
    "revision",
    "reports",
    "search",
    # Read acknowledgement per version, and the import of Word files (above revision, below
    # reports).
    "kvittens",
    "importing",
    # Health checks, the run log of periodic jobs, backups (the bottom layer: imports no app).
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "governance.middleware.WorkflowActionErrorsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "policies.channels.ChannelMiddleware",
    # An id in the address larger than any database id: 404, not a server error.
    "policies.middleware.IdRangeMiddleware",
    # A document restricted to groups answers 404 at every admin address that names it.
    "policies.middleware.HiddenDocumentMiddleware",
    # A page the admin could not create after all: a Swedish message, not a server error.
    "policies.creation.PageCreationConflictMiddleware",
    # Wagtail's redirects, kept within the reader's own channel (policies/redirects.py).
    "policies.redirects.ChannelRedirectMiddleware",
]

ROOT_URLCONF = "styrdok.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "policies.channels.channel_context",
            ],
        },
    },
]

WSGI_APPLICATION = "styrdok.wsgi.application"

# DATABASE_URL picks the database; unset means the embedded SQLite file used by `make run`.
# A malformed URL stops manage.py and the WSGI server with one Swedish line (styrdok.security).
from styrdok.security.database import database_from_url  # noqa: E402

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
    )
}
# PostgreSQL plans the document page's fixed queries once per connection (prepared statements,
# policies.models.routing). Behind a connection pooler in transaction mode that cannot keep
# them (PgBouncer before 1.21), set DATABASE_PREPARED_STATEMENTS=false.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The register's covering indexes carry INCLUDE columns (index-only scans on PostgreSQL, the
# production database); SQLite builds the same indexes without them, which is all its warning
# (models.W040) says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Authentication is pluggable: a single sign-on backend (OIDC, SAML) is added by listing it here
# (comma-separated dotted paths) and pointing STYRDOK_LOGIN_URL at its login view. Django's own
# login stays the default.
AUTHENTICATION_BACKENDS = env_list(
    "STYRDOK_AUTHENTICATION_BACKENDS", "django.contrib.auth.backends.ModelBackend"
)
LOGIN_URL = os.environ.get("STYRDOK_LOGIN_URL", "/logga-in/")
# Intranet paths reachable before logging in (the login views, static files); a single sign-on
# backend adds its callback path through STYRDOK_ANONYMOUS_PATHS, e.g. "/oidc/".
STYRDOK_ANONYMOUS_INTRANET_PATHS = [
    "/logga-in/",
    "/admin/",
    "/static/",
    "/favicon.ico",
    "/kalender/",
    # The health check for load balancers (operations/views.py): no secrets, no document data.
    "/halsa/",
    "/health/",
    *env_list("STYRDOK_ANONYMOUS_PATHS"),
]
# Serve the secret review-calendar addresses (/kalender/<token>.ics) on the public host too,
# for calendar services that fetch from the internet (Google, Outlook.com). Off: intranet only.
STYRDOK_CALENDAR_ON_PUBLIC = env_bool("STYRDOK_CALENDAR_ON_PUBLIC", False)
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Swedish for the admin strings that Wagtail's own Swedish catalogue lacks (issue 19).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["styrdok.formats"]
# Wagtail's admin date pickers take Python strftime formats (not Django's template formats).
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Archival PDFs of adopted versions. Never under MEDIA_ROOT or any web-served folder: they are
# read only through Styrdok's views, which apply the same audience rules as the pages.
STYRDOK_ARCHIVE_ROOT = Path(os.environ.get("STYRDOK_ARCHIVE_ROOT", BASE_DIR / "var" / "arkiv"))
# Uploads on MEDIA_ROOT, or (STYRDOK_S3_BUCKET set) uploads and the archive in a private
# S3-compatible bucket that every server shares: styrdok/storage.py, docs/deployment.md.
from styrdok.storage import storages_from_env  # noqa: E402 - kept beside its only use

STORAGES = storages_from_env(os.environ, "whitenoise.storage.CompressedManifestStaticFilesStorage")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email: the server settings come from the environment; the console backend is only a dev default.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "styrdok@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Review reminders: one digest per recipient and run (default), or one message per document.
STYRDOK_REMINDER_DIGEST = env_bool("STYRDOK_REMINDER_DIGEST", True)
# Notifications in the outbox (Utskick): delivery attempts before a message waits for a resend.
STYRDOK_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("STYRDOK_OUTBOX_MAX_ATTEMPTS", "8"))

WAGTAIL_SITE_NAME = "Styrdok"
# Slugs in ASCII (å/ä → a, ö → o), as Swedish municipal addresses are (policies/slugs.py).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Wagtail's own links (its notification e-mails) go to the intranet, where the admin is served.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", STYRDOK_INTRANET_URL)
# Styrdokument are published only by the final decision step of their workflow.
# Background tasks: the archival PDF of an adopted version, and Wagtail's own (reference index,
# renditions). "immediate" runs them in the request (development, tests); "database" queues them
# for `manage.py db_worker` (production, see README "Bakgrundsjobb").
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower()
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r} is not one of {', '.join(TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
# A yearly-report PDF job with no progress for this long is taken to have lost its worker and
# may be restarted from its page (reports/tasks.py).
STYRDOK_REPORT_JOB_TIMEOUT_MINUTES = int(os.environ.get("STYRDOK_REPORT_JOB_TIMEOUT_MINUTES", "30"))
# The largest Word file (.docx) the import accepts, in megabytes (importing/docx.py).
STYRDOK_IMPORT_MAX_MB = int(os.environ.get("STYRDOK_IMPORT_MAX_MB", "20"))
# The bulk import's zip (importing/archive_zip.py): at most this many files, this many megabytes
# unpacked in all, and no file inflating more than this many times its packed size (a zip bomb).
STYRDOK_IMPORT_ZIP_MAX_FILES = int(os.environ.get("STYRDOK_IMPORT_ZIP_MAX_FILES", "500"))
STYRDOK_IMPORT_ZIP_MAX_MB = int(os.environ.get("STYRDOK_IMPORT_ZIP_MAX_MB", "500"))
STYRDOK_IMPORT_ZIP_MAX_RATIO = int(os.environ.get("STYRDOK_IMPORT_ZIP_MAX_RATIO", "100"))
# A bulk import job with no progress for this long has lost its worker and may be restarted from
# its page (importing/tasks.py).
STYRDOK_IMPORT_JOB_TIMEOUT_MINUTES = int(os.environ.get("STYRDOK_IMPORT_JOB_TIMEOUT_MINUTES", "30"))

# -- Caching (styrdok/cache.py, styrdok/page_cache.py, docs/deployment.md) ----------------------
# One cache shared by every web server and worker: the database cache (the table
# styrdok_cache, created by `migrate`), or Redis when REDIS_URL is set.
from styrdok.cache import caches_from_env  # noqa: E402 - kept beside its only use

CACHES = caches_from_env(os.environ)
# Anonymous pages of the public website are stored in that cache and served again until a
# change that can alter a public page commits (or STYRDOK_PAGE_CACHE_SECONDS pass).
STYRDOK_PAGE_CACHE = env_bool("STYRDOK_PAGE_CACHE", True)
STYRDOK_PAGE_CACHE_SECONDS = int(os.environ.get("STYRDOK_PAGE_CACHE_SECONDS", "300"))
STYRDOK_PAGE_CACHE_MAX_BYTES = 1_000_000
# Query parameters a stored page may have (the register's filters, sorting and paging); any
# other parameter (a search query, made-up ones) is rendered each time and never stored.
STYRDOK_PAGE_CACHE_QUERY_PARAMS = [
    "typ",
    "organ",
    "forvaltning",
    "omrade",
    "status",
    "sortering",
    "sida",
]
# Bookkeeping whose changes show on no public page; a change to any other model renews the
# page cache's generation ("app.*" names a whole app).
STYRDOK_PAGE_CACHE_IGNORED_MODELS = {
    "sessions.*",
    "axes.*",
    "django_tasks_database.*",
    "operations.*",
    "wagtailsearch.*",
    "wagtailadmin.*",
    "wagtailcore.referenceindex",
    "wagtailcore.pagelogentry",
    "wagtailcore.modellogentry",
    "wagtailcore.pagesubscription",
    "wagtailcore.comment",
    "wagtailcore.commentreply",
    "wagtailimages.rendition",
    "wagtailusers.userprofile",
    "governance.outboxmessage",
    "governance.runlock",
    "revision.reviewreminder",
    "reports.*",
    # Read acknowledgement is intranet-only: nothing in it changes a public page.
    "kvittens.*",
}
# Cache-Control on public pages: browsers keep them STYRDOK_PUBLIC_MAX_AGE seconds (0: no
# header), a CDN or Varnish in front STYRDOK_CDN_MAX_AGE (s-maxage; by default an hour when it
# is purged on publish, otherwise as long as browsers).
STYRDOK_PUBLIC_MAX_AGE = int(os.environ.get("STYRDOK_PUBLIC_MAX_AGE", "60"))
# A CDN or Varnish in front of the public site, purged on publish, unpublish, repeal and move
# (policies/frontend_cache.py): an HTTP cache that accepts PURGE (Varnish, nginx), or
# Cloudflare.
from styrdok.cache import frontend_cache_from_env  # noqa: E402 - kept beside its only use

WAGTAILFRONTENDCACHE = frontend_cache_from_env(os.environ, STYRDOK_PUBLIC_URL)
STYRDOK_CDN_MAX_AGE = int(
    os.environ.get("STYRDOK_CDN_MAX_AGE", "3600" if WAGTAILFRONTENDCACHE else "0")
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "styrdok.page_cache.PublicPageCacheMiddleware",
)

WAGTAIL_FINISH_WORKFLOW_ACTION = "governance.finish.publish_on_decision"
WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH = True
# Search: Wagtail's database backend (PostgreSQL with the `swedish` configuration, SQLite FTS5),
# or Elasticsearch/OpenSearch with a Swedish analyzer when ELASTICSEARCH_URL is set.
from search.backends import search_backends  # noqa: E402 - kept beside its only use

WAGTAILSEARCH_BACKENDS = search_backends(os.environ, DATABASES["default"]["ENGINE"])
# Files are streamed through Django so Styrdok can check who may read them; MEDIA_ROOT/documents
# must never be served directly by the web server.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILAPI_BASE_URL = os.environ.get("WAGTAILAPI_BASE_URL", "")
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Uploads are checked by content (magic bytes), not only by extension: policies/uploads.py.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "policies.uploads.DocumentForm"
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from an outside service: it would send a hash of every user's e-mail address away.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = False

# Logs: "time level logger message" lines, or one JSON object a line with
# STYRDOK_LOG_FORMAT=json (operations/logging.py). Production adds e-mail to ADMINS on errors.
from operations.logging import logging_config, parse_admins  # noqa: E402 - beside its only use

LOGGING = logging_config(
    os.environ.get("STYRDOK_LOG_FORMAT", "text"),
    level=os.environ.get("LOG_LEVEL", "INFO"),
    loggers={
        # Background-task and page-action chatter is noise at INFO in a CMS; warnings still show.
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "wagtail": {"level": os.environ.get("WAGTAIL_LOG_LEVEL", "WARNING")},
    },
)
# Who is e-mailed about errors: STYRDOK_ADMINS="Namn Namnsson <it@kommun.se>, drift@kommun.se".
ADMINS = parse_admins(os.environ.get("STYRDOK_ADMINS", ""))
# Periodic jobs' run log (Rapporter → Körningar) keeps this many days.
STYRDOK_JOB_RUN_KEEP_DAYS = int(os.environ.get("STYRDOK_JOB_RUN_KEEP_DAYS", "90"))
# /halsa/ answers 503 when the oldest due background task has waited longer than this, or the
# last successful reminder run is older than this (and, with REQUIRE, when none ever ran).
STYRDOK_HEALTH_TASK_MAX_MINUTES = int(os.environ.get("STYRDOK_HEALTH_TASK_MAX_MINUTES", "15"))
STYRDOK_HEALTH_REMINDER_MAX_HOURS = int(os.environ.get("STYRDOK_HEALTH_REMINDER_MAX_HOURS", "26"))
STYRDOK_HEALTH_REQUIRE_REMINDERS = env_bool("STYRDOK_HEALTH_REQUIRE_REMINDERS", False)

# -- Security headers: Content-Security-Policy (django-csp) and Permissions-Policy -------------
# The public website and the intranet render only Styrdok's templates, which load every script
# and style from files: they get the strict policy. Wagtail's admin (its previews included,
# served under /admin/) gets its own policy with only what it needs; see
# styrdok/security_headers.py and tests/browser/test_csp_admin.py.
from csp.constants import NONE as CSP_NONE  # noqa: E402 - kept beside its only use
from csp.constants import REPORT_SAMPLE as CSP_REPORT_SAMPLE  # noqa: E402
from csp.constants import SELF as CSP_SELF  # noqa: E402
from csp.constants import UNSAFE_INLINE as CSP_UNSAFE_INLINE  # noqa: E402

# Where browsers report violations (e.g. a collector at the kommun); unset: no reports.
STYRDOK_CSP_REPORT_URI = os.environ.get("STYRDOK_CSP_REPORT_URI", "").strip()
_csp_report = {"report-uri": [STYRDOK_CSP_REPORT_URI]} if STYRDOK_CSP_REPORT_URI else {}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
        **_csp_report,
    }
}
STYRDOK_CSP_ADMIN_PREFIX = "/admin/"
STYRDOK_CSP_ADMIN_DIRECTIVES = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    # Wagtail 8 renders its date and chooser widgets with an inline <script> each (from form
    # widget templates, which get no request and so no nonce), and Draftail adds <style>
    # elements at run time. Browsers ignore 'unsafe-inline' once a nonce is present, so the
    # admin has no nonce. It still needs no 'unsafe-eval', loads nothing from other hosts and
    # keeps object-src, base-uri, form-action and frame-ancestors locked.
    "script-src": [CSP_SELF, CSP_UNSAFE_INLINE, CSP_REPORT_SAMPLE],
    "style-src": [CSP_SELF, CSP_UNSAFE_INLINE, CSP_REPORT_SAMPLE],
    # The editor's preview panel frames the admin's own preview view.
    "frame-src": [CSP_SELF],
    "frame-ancestors": [CSP_SELF],
}
# Browser features Styrdok never uses, switched off for every page and for anything embedded.
STYRDOK_PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
# robots.txt answers anonymous crawlers on the intranet too (with "Disallow: /").
STYRDOK_ANONYMOUS_INTRANET_PATHS.append("/robots.txt")
# Outermost after SecurityMiddleware, so that the channel middleware's own answers (the login
# redirect, the public host's admin 404) carry the headers too.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "styrdok.security_headers.ChannelCSPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "styrdok.security_headers.PermissionsPolicyMiddleware",
)

# -- Login throttling, staff sessions, staff login only on the intranet (styrdok/security/) -----
# django-axes counts failed logins per username and per client address; at the limit, further
# attempts (the right password too) get the Swedish page templates/account/lockout.html until
# the cool-off has passed since the last failure.
from datetime import timedelta  # noqa: E402 - kept beside its only use

INSTALLED_APPS += ["axes", "styrdok.security"]
AUTHENTICATION_BACKENDS = ["styrdok.security.login.LoginThrottleBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE.insert(
    MIDDLEWARE.index("policies.channels.ChannelMiddleware"),
    "styrdok.security.login.PublicLoginRedirectMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_FAILURE_LIMIT = int(os.environ.get("STYRDOK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("STYRDOK_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "styrdok.security.login.lockout_response"
AXES_CLIENT_IP_CALLABLE = "styrdok.security.login.client_ip"
# No banner on every manage.py command.
AXES_VERBOSE = False
# Reverse proxies in front of Styrdok that append to X-Forwarded-For (0: clients connect
# directly and REMOTE_ADDR is the client).
STYRDOK_TRUSTED_PROXY_COUNT = int(os.environ.get("STYRDOK_TRUSTED_PROXY_COUNT", "0"))
# Staff sessions last STYRDOK_SESSION_HOURS after login and end when the browser closes.
STYRDOK_SESSION_HOURS = float(os.environ.get("STYRDOK_SESSION_HOURS", "8"))
SESSION_COOKIE_AGE = int(STYRDOK_SESSION_HOURS * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("STYRDOK_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

# Single sign-on over OpenID Connect: off unless configured (styrdok/settings/sso.py).
from styrdok.settings.sso import *  # noqa: E402, F403
