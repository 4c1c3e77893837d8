"""The yearly report's PDF, rendered by a background task (django-tasks) instead of a request.

A request calls `request_report`: it records a ReportJob, or joins the one already queued or
running for the same report, period and audience, and the task is enqueued once the
transaction commits, so a worker never looks for a job it cannot see. The worker claims the job
(queued -> running with one conditional UPDATE), records each step with its time, and stores the
file in the default storage. Nothing lives in a process, so any number of web servers and
workers share the work.

- The same data is not rendered twice: the report's content is hashed, and unless a new
  rendering was asked for, a job whose data match the latest stored PDF finishes with that one.
- A job whose worker died (no step recorded for STALE_AFTER) is shown as stopped; asking again
  marks it failed and starts a new one.
- The worker renders as the person who asked, and only if they may still see the report with
  the same audience, so a file never shows more than its readers may read.
"""

import dataclasses
import datetime
import hashlib
import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_tasks import task

from policies.visibility import hidden_roots

from .annual_report import build_report, render_report_pdf
from .models import RenderedReport, ReportJob, ReportKind

logger = logging.getLogger(__name__)

# The steps a job goes through, numbered from 1; the last one is "done".
STEPS = (
    _lazy("Samlar uppgifter"),
    _lazy("Sätter sidorna"),
    _lazy("Skriver PDF"),
    _lazy("Klar"),
)
COLLECT, LAYOUT, WRITE, DONE = range(1, len(STEPS) + 1)
# Rendered PDFs kept per report, period and audience (the older ones and their files go).
KEEP = 5
# Bump when the PDF's templates change what an unchanged report looks like.
RENDER_VERSION = 1
EVERYONE = "alla"


def stale_after():
    """How long a job may show no progress before it counts as stopped (a worker that died)."""
    minutes = getattr(settings, "STYRDOK_REPORT_JOB_TIMEOUT_MINUTES", 30)
    return datetime.timedelta(minutes=max(1, int(minutes)))


class JobRefused(Exception):
    """The job cannot be done as asked; the message is for the reader, in Swedish."""


class JobLost(Exception):
    """Someone else has taken over or closed the job (it was restarted as stopped)."""


def audience_of(user):
    """Which documents `user` may see in the report, as a key: readers with the same key get
    the same report, so they share its PDF. Everyone who sees the whole register is "alla"."""
    if user is None or not user.is_active:
        return None
    if user.is_superuser:
        return EVERYONE
    hidden = sorted(hidden_roots(user).values_list("pk", flat=True))
    if not hidden:
        return EVERYONE
    digest = hashlib.sha256(",".join(map(str, hidden)).encode()).hexdigest()[:40]
    return f"dolda:{digest}"


def _plain(value):
    """JSON for the report's rows: a dataclass as its fields (without asdict's deep copy)."""
    if dataclasses.is_dataclass(value):
        return vars(value)
    return str(value)


def report_content_hash(report):
    """A checksum of everything the PDF shows, except the moment it was made."""
    data = {key: value for key, value in vars(report).items() if key != "generated_at"}
    data["render_version"] = RENDER_VERSION
    text = json.dumps(data, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_key(kind, start, end, audience):
    return {"kind": kind, "period_start": start, "period_end": end, "audience": audience}


def is_stale(job, now=None):
    now = now or timezone.now()
    if job.status == ReportJob.RUNNING:
        return (job.heartbeat_at or job.created_at) < now - stale_after()
    if job.status == ReportJob.QUEUED:
        return job.created_at < now - stale_after()
    return False


def active_job(key):
    return ReportJob.objects.filter(**key, status__in=ReportJob.ACTIVE).first()


def latest_jobs(key, limit=1):
    return list(ReportJob.objects.filter(**key).order_by("-created_at", "-pk")[:limit])


def rendered_reports(key):
    return list(RenderedReport.objects.filter(**key).order_by("-created_at", "-pk")[:KEEP])


def close_stale(job):
    """Mark a stopped job failed, so a new one may start; False if it moved on meanwhile."""
    now = timezone.now()
    return bool(
        ReportJob.objects.filter(pk=job.pk, status=job.status)
        .filter(heartbeat_at=job.heartbeat_at, created_at=job.created_at)
        .update(
            status=ReportJob.FAILED,
            finished_at=now,
            message=_("Jobbet stannade utan att bli klart och startades om."),
        )
    )


def request_report(start, end, user, force=False, kind=ReportKind.ANNUAL_REPORT):
    """The job that renders this report for `user`: (job, created).

    A queued or running job for the same report, period and audience is joined, on any web
    server: the partial unique constraint admits one, and a concurrent insert that loses the
    race reads the winner's row. A stopped job (see is_stale) is closed and a new one started.
    """
    key = report_key(kind, start, end, audience_of(user))
    with transaction.atomic():
        running = active_job(key)
        if running is not None:
            if not is_stale(running):
                return running, False
            close_stale(running)
        try:
            with transaction.atomic():
                job = ReportJob.objects.create(
                    **key, force=force, requested_by=user, step_total=len(STEPS)
                )
        except IntegrityError:
            running = active_job(key)
            if running is None:
                raise
            return running, False
        pk = job.pk
        # robust: the job row is saved; a queue that cannot be reached leaves it queued, and
        # once stale it can be started again from the page.
        transaction.on_commit(lambda: render_report_job.enqueue(pk), robust=True)
    return job, True


# -- the worker ------------------------------------------------------------------------------


def claim(job_id):
    now = timezone.now()
    return (
        ReportJob.objects.filter(pk=job_id, status=ReportJob.QUEUED).update(
            status=ReportJob.RUNNING,
            started_at=now,
            heartbeat_at=now,
            step=0,
            steps=[],
        )
        == 1
    )


def record_step(job, step, **fields):
    """Record that `job` has reached `step`; raises JobLost if it is no longer ours."""
    now = timezone.now()
    job.steps = [*job.steps, {"step": step, "label": str(STEPS[step - 1]), "at": now.isoformat()}]
    job.step = step
    job.heartbeat_at = now
    updated = ReportJob.objects.filter(pk=job.pk, status=ReportJob.RUNNING).update(
        step=step, steps=job.steps, heartbeat_at=now, **fields
    )
    if not updated:
        raise JobLost(job.pk)


def finish(job, rendered, message=""):
    now = timezone.now()
    record_step(
        job,
        DONE,
        status=ReportJob.DONE,
        finished_at=now,
        result=rendered,
        pages=rendered.pages,
        documents=rendered.documents,
        message=message,
    )


def fail(job, message, error=""):
    ReportJob.objects.filter(pk=job.pk, status=ReportJob.RUNNING).update(
        status=ReportJob.FAILED, finished_at=timezone.now(), message=message, error=error[:2000]
    )


def reusable(key, content_hash):
    """The latest stored PDF of exactly these data, if its file is still there."""
    latest = RenderedReport.objects.filter(**key).order_by("-created_at", "-pk").first()
    if latest is None or latest.content_hash != content_hash:
        return None
    return latest if latest.file.storage.exists(latest.file.name) else None


def store(job, report, content_hash, pdf):
    rendered = RenderedReport(
        **report_key(job.kind, job.period_start, job.period_end, job.audience),
        as_of=report.as_of,
        content_hash=content_hash,
        filename=report.filename,
        sha256=pdf.sha256,
        size=len(pdf.data),
        pages=pdf.pages,
        documents=report.headline.total_documents,
        requested_by=job.requested_by,
    )
    rendered.file.save(report.filename, ContentFile(pdf.data), save=False)
    rendered.save()
    return rendered


def prune(key):
    """Keep the latest KEEP PDFs of a report; the older rows go, with their files."""
    old = RenderedReport.objects.filter(**key).order_by("-created_at", "-pk")[KEEP:]
    for rendered in list(old):
        name = rendered.file.name
        rendered.delete()
        if name:
            try:
                rendered.file.storage.delete(name)
            except Exception:
                logger.warning("Could not delete the old report file %s", name, exc_info=True)


def check_requester(job):
    from .annual_report_views import may_view_annual_report

    user = job.requested_by
    if user is None or not may_view_annual_report(user):
        raise JobRefused(_("Den som begärde PDF:en får inte längre se rapporten."))
    if audience_of(user) != job.audience:
        raise JobRefused(_("Behörigheterna har ändrats sedan PDF:en begärdes. Begär en ny PDF."))
    return user


def run(job):
    """The steps of one claimed job; returns the stored PDF's id."""
    user = check_requester(job)
    record_step(job, COLLECT)
    report = build_report(job.period_start, job.period_end, user=user)
    content_hash = report_content_hash(report)
    key = report_key(job.kind, job.period_start, job.period_end, job.audience)
    existing = None if job.force else reusable(key, content_hash)
    if existing is not None:
        finish(job, existing, _("Uppgifterna har inte ändrats sedan den senaste PDF:en skapades."))
        return existing.pk
    record_step(job, LAYOUT, documents=report.headline.total_documents)
    pdf = render_report_pdf(report)
    record_step(job, WRITE, pages=pdf.pages)
    rendered = store(job, report, content_hash, pdf)
    finish(job, rendered)
    prune(key)
    return rendered.pk


@task()
def render_report_job(job_id):
    """Render one queued job. Failures are recorded on the job, in Swedish, and logged."""
    if not claim(job_id):
        return None
    job = ReportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        return run(job)
    except JobLost:
        logger.warning("Report job %s was taken over before it finished", job_id)
    except JobRefused as exc:
        fail(job, str(exc))
    except Exception as exc:
        logger.exception("Årlig genomgång: PDF job %s failed", job_id)
        fail(
            job,
            _("Ett fel uppstod när PDF:en skapades. Felet är registrerat; försök igen senare."),
            f"{type(exc).__name__}: {exc}",
        )
    return None
