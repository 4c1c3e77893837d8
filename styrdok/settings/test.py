from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["localhost", "intranet.localhost", "testserver", "127.0.0.1", ".localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# The suite's sites are on port 80 whatever the developer's shell says (tests that need another
# port override these and rerun the setup).
STYRDOK_SITE_PORT = 80
STYRDOK_PUBLIC_URL = f"http://{STYRDOK_PUBLIC_HOSTNAME}"  # noqa: F405
STYRDOK_INTRANET_URL = f"http://{STYRDOK_INTRANET_HOSTNAME}"  # noqa: F405
WAGTAILADMIN_BASE_URL = STYRDOK_INTRANET_URL

# The suite indexes into the database backend even when ELASTICSEARCH_URL is set in the shell;
# the live Elasticsearch tests build their own backend with a throwaway index prefix.
WAGTAILSEARCH_BACKENDS = search_backends({}, DATABASES["default"]["ENGINE"])  # noqa: F405

# Tasks run at once, inside the test (the archival PDF is there when publish() returns);
# tests of the production path switch to the database backend and run `db_worker --batch`.
TASKS_BACKEND = "immediate"
TASKS = {"default": {"BACKEND": TASK_BACKENDS["immediate"]}}  # noqa: F405
STYRDOK_ARCHIVE_ROOT = BASE_DIR / ".test-media" / "arkiv"  # noqa: F405

# The suite's requests render every time and count their own queries: each process keeps its
# own in-memory cache and the page cache is off (tests/channels/test_page_cache.py switches it
# on; tests/test_settings_cache.py exercises the database cache and Redis themselves).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STYRDOK_PAGE_CACHE = False
WAGTAILFRONTENDCACHE = {}
STYRDOK_CDN_MAX_AGE = 0
# Files stay in MEDIA_ROOT and the archive folder even when the shell names an S3 bucket.
STORAGES = storages_from_env({}, "django.contrib.staticfiles.storage.StaticFilesStorage")  # noqa: F405
