"""The checks behind /halsa/: each answers (ok, short detail) and never raises.

A detail is a short Swedish phrase or a number, never an exception's message: a message may
carry a host name, a DSN or a file path, and the endpoint is reachable without logging in.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from .runlog import last_successful

logger = logging.getLogger(__name__)

REMINDER_JOB = "send_review_reminders"
PROBE_FOLDER = "halsokontroll"


def _failed(name, error):
    logger.warning("Hälsokontrollen %s misslyckades", name, exc_info=error)
    return False, f"fel ({type(error).__name__})"


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            ok = cursor.fetchone()[0] == 1
    except Exception as error:
        return _failed("database", error)
    return ok, "svarar" if ok else "oväntat svar"


def check_cache():
    key = f"styrdok:halsa:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=30)
        ok = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as error:
        return _failed("cache", error)
    return ok, "svarar" if ok else "läste inte tillbaka det skrivna"


def check_storage():
    try:
        name = default_storage.save(
            f"{PROBE_FOLDER}/{uuid.uuid4().hex}.txt", ContentFile(b"styrdok")
        )
        try:
            with default_storage.open(name, "rb") as probe:
                ok = probe.read() == b"styrdok"
        finally:
            default_storage.delete(name)
    except Exception as error:
        return _failed("storage", error)
    return ok, "skriver och läser" if ok else "läste inte tillbaka det skrivna"


def _uses_database_queue():
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend.startswith("django_tasks_db.")


def oldest_due_task_age(now=None):
    """How long the oldest task that could run has waited, or None if none waits."""
    from django.db.models import Case, F, When
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    now = now or timezone.now()
    oldest = (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        .annotate(due_since=due_since)
        .filter(due_since__lte=now)
        .order_by("due_since")
        .values_list("due_since", flat=True)
        .first()
    )
    return None if oldest is None else now - oldest


def check_tasks():
    if not _uses_database_queue():
        return True, "ingen kö (uppgifter körs direkt)"
    limit = timedelta(minutes=int(getattr(settings, "STYRDOK_HEALTH_TASK_MAX_MINUTES", 15)))
    try:
        age = oldest_due_task_age()
    except Exception as error:
        return _failed("tasks", error)
    if age is None:
        return True, "kön är tom"
    minutes = int(age.total_seconds() // 60)
    return age <= limit, f"äldsta väntande uppgift {minutes} min"


def check_reminders():
    required = bool(getattr(settings, "STYRDOK_HEALTH_REQUIRE_REMINDERS", False))
    limit = timedelta(hours=int(getattr(settings, "STYRDOK_HEALTH_REMINDER_MAX_HOURS", 26)))
    try:
        run = last_successful(REMINDER_JOB)
    except Exception as error:
        return _failed("reminders", error)
    if run is None:
        return not required, "ingen lyckad körning ännu"
    age = timezone.now() - run.finished_at
    hours = int(age.total_seconds() // 3600)
    return age <= limit, f"senaste lyckade körning för {hours} h sedan"


CHECKS = {
    "databas": check_database,
    "cache": check_cache,
    "lagring": check_storage,
    "uppgiftsko": check_tasks,
    "paminnelser": check_reminders,
}


def run_checks():
    checks = {}
    for name, check in CHECKS.items():
        ok, detail = check()
        checks[name] = {"ok": bool(ok), "detail": detail}
    return all(check["ok"] for check in checks.values()), checks
