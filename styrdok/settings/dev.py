from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ["localhost", "127.0.0.1", ".localhost", "[::1]"]  # noqa: F405
# `make run` serves both channels on one port (PORT, default 8000) and passes it on as
# STYRDOK_SITE_PORT, so the Wagtail sites and every absolute link in e-mails use that port.
STYRDOK_SITE_PORT = int(os.environ.get("STYRDOK_SITE_PORT", "8000"))  # noqa: F405
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
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", STYRDOK_INTRANET_URL)  # noqa: F405
# The purged addresses carry the public URL's port, which this module may have changed.
WAGTAILFRONTENDCACHE = frontend_cache_from_env(os.environ, STYRDOK_PUBLIC_URL)  # noqa: F405
# Pages are rendered afresh on every request while templates and code change under `make run`
# (STYRDOK_PAGE_CACHE=true switches the page cache on to try it out).
STYRDOK_PAGE_CACHE = env_bool("STYRDOK_PAGE_CACHE", False)  # noqa: F405
# Mail in development is written to files in var/mail/ (one .log file per connection); read it
# with `manage.py visa_epost` or `make mail`. Set EMAIL_BACKEND to use another backend.
EMAIL_BACKEND = os.environ.get(  # noqa: F405
    "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# `make run` has no worker: background tasks (archival PDFs) run in the request unless
# TASKS_BACKEND=database is set and `manage.py db_worker` runs beside the server.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate").strip().lower()  # noqa: F405
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(TASKS_BACKEND, TASK_BACKENDS["immediate"])}}  # noqa: F405
