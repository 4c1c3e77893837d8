"""Large PDFs rendered in the background: the job a request starts and the files it leaves.

A request never renders a long PDF. It records a ReportJob (at most one queued or running job
per report, period and audience: a partial unique constraint, so a second request, on any web
server, joins the running job) and a django-tasks worker renders it, step by step, into a
RenderedReport whose file is in the default storage (the file system, or S3 through
django-storages). Everything a web server or worker needs is in the database or the storage,
so any number of either can run.

The audience is what the reader may see: the yearly report leaves out documents restricted to
groups the reader is not in, so a file is only ever offered to readers who see the same
register (see reports.tasks.audience_of).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    ANNUAL_REPORT = "arlig_genomgang", _("Årlig genomgång")


def rendered_report_path(instance, filename):
    """An unguessable folder per file. MEDIA_ROOT/rapporter must never be served directly by the
    web server (as MEDIA_ROOT/documents): the files are read through the download view."""
    return f"rapporter/{instance.kind}/{uuid.uuid4().hex}/{filename}"


class ReportJob(models.Model):
    """One request to render a report, and its progress as the worker goes through the steps."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STATUS_CHOICES = [
        (QUEUED, _("Väntar")),
        (RUNNING, _("Pågår")),
        (DONE, _("Klar")),
        (FAILED, _("Misslyckades")),
    ]
    ACTIVE = (QUEUED, RUNNING)

    kind = models.CharField(
        _("rapport"), max_length=40, choices=ReportKind.choices, default=ReportKind.ANNUAL_REPORT
    )
    period_start = models.DateField(_("från och med"))
    period_end = models.DateField(_("till och med"))
    audience = models.CharField(
        _("urval"),
        max_length=80,
        help_text=_("Vilka dokument läsaren får se; samma urval delar samma PDF."),
    )
    force = models.BooleanField(
        _("skapa på nytt"),
        default=False,
        help_text=_("Skapa PDF:en även om uppgifterna inte har ändrats."),
    )
    status = models.CharField(_("status"), max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    step = models.PositiveSmallIntegerField(_("steg"), default=0)
    step_total = models.PositiveSmallIntegerField(_("antal steg"), default=4)
    steps = models.JSONField(
        _("stegens tider"),
        default=list,
        blank=True,
        help_text=_("Varje steg som jobbet har gått igenom, med tid."),
    )
    documents = models.PositiveIntegerField(_("antal dokument"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("antal sidor"), null=True, blank=True)
    message = models.TextField(_("meddelande"), blank=True)
    error = models.TextField(_("tekniskt fel"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("begärd av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("begärd"), auto_now_add=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("senast aktiv"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    result = models.ForeignKey(
        "RenderedReport",
        verbose_name=_("resultat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )

    class Meta:
        verbose_name = _("PDF-jobb")
        verbose_name_plural = _("PDF-jobb")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "period_end", "audience"],
                condition=models.Q(status__in=["queued", "running"]),
                name="report_job_one_active_per_report",
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "period_start", "period_end", "audience", "-created_at"],
                name="report_job_report_idx",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end} ({self.status})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE


class RenderedReport(models.Model):
    """A finished PDF, kept (the latest few per report, period and audience) to download again."""

    kind = models.CharField(
        _("rapport"), max_length=40, choices=ReportKind.choices, default=ReportKind.ANNUAL_REPORT
    )
    period_start = models.DateField(_("från och med"))
    period_end = models.DateField(_("till och med"))
    audience = models.CharField(_("urval"), max_length=80)
    as_of = models.DateField(_("underlag per"))
    content_hash = models.CharField(
        _("uppgifternas kontrollsumma"),
        max_length=64,
        help_text=_("Ändras när uppgifterna i rapporten ändras."),
    )
    file = models.FileField(_("fil"), upload_to=rendered_report_path, max_length=255)
    filename = models.CharField(_("filnamn"), max_length=200)
    sha256 = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    pages = models.PositiveIntegerField(_("antal sidor"))
    documents = models.PositiveIntegerField(_("antal dokument"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("begärd av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("skapad PDF")
        verbose_name_plural = _("skapade PDF:er")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["kind", "period_start", "period_end", "audience", "-created_at"],
                name="rendered_report_report_idx",
            )
        ]

    def __str__(self):
        return self.filename


class StatusSnapshot(models.Model):
    """The register's review status on one day, kept so the yearly report can show how it
    changed over the year (status is derived from dates, so it cannot be recomputed later).

    One row per day: record_status_snapshot (cron, and the daily reminder run) updates the
    day's row when it runs again. The counts cover the whole kommun, restricted documents
    included, so they are shown only to readers who may see the whole register.
    """

    date = models.DateField(_("datum"), unique=True)
    recorded_at = models.DateTimeField(_("mätt"))
    warning_days = models.PositiveSmallIntegerField(
        _("varning före revision (dagar)"),
        help_text=_("Gränsen för Revision snart när mätningen gjordes."),
    )
    total = models.PositiveIntegerField(_("dokument i registret"), default=0)
    in_time = models.PositiveIntegerField(_("i tid"), default=0)
    due_soon = models.PositiveIntegerField(_("revision snart"), default=0)
    overdue = models.PositiveIntegerField(_("försenade"), default=0)
    no_owner = models.PositiveIntegerField(_("saknar ansvarig"), default=0)
    under_revision = models.PositiveIntegerField(_("under revision"), default=0)
    by_type = models.JSONField(
        _("per dokumenttyp"),
        default=dict,
        blank=True,
        help_text=_("Antal per dokumenttyp och status."),
    )
    by_organisation = models.JSONField(
        _("per förvaltning"),
        default=dict,
        blank=True,
        help_text=_("Antal per förvaltning och status, med förvaltningens namn den dagen."),
    )

    class Meta:
        verbose_name = _("daglig statusmätning")
        verbose_name_plural = _("dagliga statusmätningar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}: {self.overdue} försenade av {self.total}"
