"""The run log of periodic jobs: `with record_run("send_outbox") as run: ...`.

A run is written when it starts (so a job that hangs or dies is visible as unfinished) and
completed when it ends, failures included. Rows older than STYRDOK_JOB_RUN_KEEP_DAYS (90) are
pruned at the end of every run, so the log never needs a job of its own.
"""

import functools
import logging
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .models import JobRun

logger = logging.getLogger(__name__)

SUMMARY_MAX_CHARS = 2000


def keep_days():
    return int(getattr(settings, "STYRDOK_JOB_RUN_KEEP_DAYS", 90))


class RunRecord:
    """What the job tells the log: a one-line summary and named counts."""

    def __init__(self, job):
        self.job = job
        self.summary = ""
        self.counts = {}
        self.row = None


def _error_text(error):
    text = str(error).strip()
    name = type(error).__name__
    return f"{name}: {text}" if text else name


@contextmanager
def record_run(job, record=True):
    """Record one run of `job`; `record=False` (e.g. a dry run) records nothing.

    Jobs run from management commands, in autocommit, so the row commits when the run starts
    and again when it ends: a run that hangs or whose process dies stays visible as unfinished.
    """
    run = RunRecord(job)
    if not record:
        yield run
        return
    started = timezone.now()
    try:
        with transaction.atomic():
            run.row = JobRun.objects.create(job=job, started_at=started)
    except DatabaseError:
        # The log must never stop the job itself (e.g. before `migrate` has created the table).
        logger.exception("Körningen av %s kunde inte loggas", job)
        yield run
        return
    try:
        yield run
    except BaseException as error:
        _finish(run, started, ok=False, error=error)
        raise
    _finish(run, started, ok=True)


def _finish(run, started, ok, error=None):
    finished = timezone.now()
    summary = run.summary
    if error is not None:
        summary = "; ".join(part for part in (summary, _error_text(error)) if part)
    try:
        with transaction.atomic():
            JobRun.objects.filter(pk=run.row.pk).update(
                finished_at=finished,
                duration=finished - started,
                ok=ok,
                summary=summary[:SUMMARY_MAX_CHARS],
                counts=run.counts,
            )
            prune()
    except DatabaseError:
        logger.exception("Körningen av %s kunde inte loggas", run.job)
    log = logger.info if ok else logger.error
    seconds = (finished - started).total_seconds()
    log("Jobbet %s %s på %.1f s: %s", run.job, "klart" if ok else "misslyckades", seconds, summary)


def prune(now=None):
    """Delete runs older than the kept period; returns how many were deleted.

    One plain DELETE: the ORM's delete() would first SELECT the rows (project-wide delete
    signals disable its fast path), a query per run of every job for rows nothing refers to.
    """
    cutoff = (now or timezone.now()) - timedelta(days=keep_days())
    table = connection.ops.quote_name(JobRun._meta.db_table)
    column = connection.ops.quote_name(JobRun._meta.get_field("started_at").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE {column} < %s",
            [connection.ops.adapt_datetimefield_value(cutoff)],
        )
        return cursor.rowcount


def recorded(job):
    """Decorator form of record_run, for a command's handle(): the job's summary is the text
    handle() returns, if any (Django writes it to stdout as usual)."""

    def decorate(handle):
        @functools.wraps(handle)
        def wrapper(*args, **kwargs):
            with record_run(job) as run:
                result = handle(*args, **kwargs)
                if isinstance(result, str):
                    run.summary = result.strip()
                return result

        return wrapper

    return decorate


def last_successful(job):
    return JobRun.objects.filter(job=job, ok=True).order_by("-finished_at").first()
