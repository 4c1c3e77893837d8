from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ["localhost", "127.0.0.1", ".localhost", "[::1]"]  # noqa: F405
EMAIL_BACKEND = os.environ.get(  # noqa: F405
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# `make run` has no worker: background tasks (archival PDFs) run in the request unless
# TASKS_BACKEND=database is set and `manage.py db_worker` runs beside the server.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate").strip().lower()  # noqa: F405
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(TASKS_BACKEND, TASK_BACKENDS["immediate"])}}  # noqa: F405
