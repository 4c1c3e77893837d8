"""The admin's bulk import, run by a background task (django-tasks) instead of a request.

"Importera" in the admin calls `start_bulk_import`: it records a BulkImportJob, or joins the
one already queued or running for the same two uploads (a partial unique constraint admits
one, on any web server), and the task is enqueued once the transaction commits, so the worker
never looks for a job it cannot see. The worker claims the job (queued -> running with one
conditional UPDATE), records after each document how many rows are done, and stores the report
of every row on the job. The same service as the command and the dry run
(importing.bulk.run_bulk_import) does the work, so the rules, the savepoint per row and the
report are the same.

- A job whose worker died (no progress for STALE_AFTER) is shown as stopped; starting it again
  marks it failed and starts a new one from the same uploads. Rows the dead worker finished are
  whole (one savepoint each) and are reported as already imported by the new run.
- The worker imports as the person who started it, and only while they still hold the import
  permission, so a job never does more than its owner may.

The command import_styrdokument stays synchronous: cron and the CLI wait for it anyway.
"""

import datetime
import io
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .bulk import run_bulk_import
from .models import BulkImportJob, PendingImport

logger = logging.getLogger(__name__)


class JobLost(Exception):
    """Someone else has taken over or closed the job (it was restarted as stopped)."""


def stale_after():
    """How long a job may show no progress before it counts as stopped (a worker that died)."""
    minutes = getattr(settings, "STYRDOK_IMPORT_JOB_TIMEOUT_MINUTES", 30)
    return datetime.timedelta(minutes=max(1, int(minutes)))


def is_stale(job, now=None):
    now = now or timezone.now()
    if job.status == BulkImportJob.RUNNING:
        return (job.heartbeat_at or job.created_at) < now - stale_after()
    if job.status == BulkImportJob.QUEUED:
        return job.created_at < now - stale_after()
    return False


def active_job(zip_upload, csv_upload):
    return BulkImportJob.objects.filter(
        zip_upload=zip_upload, csv_upload=csv_upload, status__in=BulkImportJob.ACTIVE
    ).first()


def close_stale(job):
    """Mark a stopped job failed, so a new one may start; False if it moved on meanwhile."""
    return bool(
        BulkImportJob.objects.filter(
            pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at
        ).update(
            status=BulkImportJob.FAILED,
            finished_at=timezone.now(),
            message=_("Importen stannade utan att bli klar och startades om."),
        )
    )


def start_bulk_import(zip_upload, csv_upload, user):
    """The job importing these two uploads for `user`: (job, created).

    A queued or running job for the same uploads is joined, so pressing "Importera" twice (or
    in two tabs) never imports twice at once; a stopped one (see is_stale) is closed and a new
    one started."""
    with transaction.atomic():
        running = active_job(zip_upload, csv_upload)
        if running is not None:
            if not is_stale(running):
                return running, False
            close_stale(running)
        try:
            with transaction.atomic():
                job = BulkImportJob.objects.create(
                    user=user,
                    zip_upload=zip_upload,
                    csv_upload=csv_upload,
                    zip_name=zip_upload.filename,
                    csv_name=csv_upload.filename,
                    parent=zip_upload.parent,
                )
        except IntegrityError:
            running = active_job(zip_upload, csv_upload)
            if running is None:
                raise
            return running, False
        pk = job.pk
        # robust: the job row is saved; a queue that cannot be reached leaves it queued, and
        # once stale it can be started again from its page.
        transaction.on_commit(lambda: run_bulk_import_job.enqueue(str(pk)), robust=True)
    return job, True


# -- the worker ------------------------------------------------------------------------------


def claim(job_id):
    now = timezone.now()
    return (
        BulkImportJob.objects.filter(pk=job_id, status=BulkImportJob.QUEUED).update(
            status=BulkImportJob.RUNNING, started_at=now, heartbeat_at=now, rows_done=0
        )
        == 1
    )


def record_progress(job_id, done, total):
    """Record the rows done; raises JobLost if the job is no longer this worker's."""
    updated = BulkImportJob.objects.filter(pk=job_id, status=BulkImportJob.RUNNING).update(
        rows_done=min(done, total), rows_total=total, heartbeat_at=timezone.now()
    )
    if not updated:
        raise JobLost(job_id)


def finish(job, report):
    """Store the report; the uploads go once nothing stopped the run (as before the worker)."""
    updated = BulkImportJob.objects.filter(pk=job.pk, status=BulkImportJob.RUNNING).update(
        status=BulkImportJob.DONE,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        report=report.as_json(),
        message=report.summary(),
    )
    if not updated:
        raise JobLost(job.pk)
    if not report.errors:
        uploads = [pk for pk in (job.zip_upload_id, job.csv_upload_id) if pk]
        PendingImport.objects.filter(pk__in=uploads).delete()


def fail(job_id, message, error=""):
    BulkImportJob.objects.filter(pk=job_id, status=BulkImportJob.RUNNING).update(
        status=BulkImportJob.FAILED,
        finished_at=timezone.now(),
        message=message,
        error=error[:2000],
    )


def run(job):
    if job.zip_upload is None or job.csv_upload is None:
        raise PermissionDenied(_("Filerna finns inte längre. Ladda upp dem igen."))
    report = run_bulk_import(
        io.BytesIO(bytes(job.zip_upload.data)),
        bytes(job.csv_upload.data),
        user=job.user,
        parent=job.parent,
        zip_name=job.zip_name,
        csv_name=job.csv_name,
        progress=lambda done, total: record_progress(job.pk, done, total),
    )
    finish(job, report)
    return report


@task()
def run_bulk_import_job(job_id):
    """Run one queued import. Failures are recorded on the job, in Swedish, and logged."""
    if not claim(job_id):
        return None
    job = BulkImportJob.objects.select_related("user", "zip_upload", "csv_upload").get(pk=job_id)
    try:
        return run(job).summary()
    except JobLost:
        logger.warning("Bulk import job %s was taken over before it finished", job_id)
    except PermissionDenied as exc:
        fail(job_id, str(exc) or _("Du har inte behörighet att importera styrdokument."))
    except Exception as exc:
        logger.exception("Massimport: job %s failed", job_id)
        fail(
            job_id,
            _(
                "Ett fel uppstod under importen. Rader som hann importeras är kompletta; "
                "felet är registrerat. Starta importen igen eller kontakta förvaltningen."
            ),
            f"{type(exc).__name__}: {exc}",
        )
    return None
