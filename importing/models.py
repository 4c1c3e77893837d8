import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    """What was imported, by whom and from which file: the kommun's answer to "where did this
    draft come from?", kept when the draft is later edited, adopted or deleted."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("En Word-fil")
        BULK = "bulk", _("Massimport")

    created_at = models.DateTimeField(_("importerad"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importerad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    filename = models.CharField(_("filnamn"), max_length=255)
    sha256 = models.CharField(_("filens kontrollsumma (SHA-256)"), max_length=64, db_index=True)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("utkast"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("titel"), max_length=255)
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name=_("bildsamling"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    metadata = models.JSONField(_("uppgifter ur filen"), default=dict, blank=True)
    report = models.JSONField(
        _("vad som fördes över och inte"),
        default=dict,
        blank=True,
        help_text=_("Listorna mapped, unmapped och warnings från omvandlingen."),
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)
        permissions = [("import_documents", _("Kan importera styrdokument"))]

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d})"


class PendingImport(models.Model):
    """An uploaded file waiting between the preview and "Skapa utkast", kept in the database
    so that any web server can finish it; removed once used, and after a day at the latest."""

    MAX_AGE_HOURS = 24

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppladdad av"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    parent = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("överordnad sida"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    filename = models.CharField(_("filnamn"), max_length=255)
    data = models.BinaryField(_("filens innehåll"))
    created_at = models.DateTimeField(_("uppladdad"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("väntande import")
        verbose_name_plural = _("väntande importer")
        default_permissions = ()

    def __str__(self):
        return self.filename

    @classmethod
    def remove_stale(cls):
        cutoff = timezone.now() - datetime.timedelta(hours=cls.MAX_AGE_HOURS)
        cls.objects.filter(created_at__lt=cutoff).delete()


class BulkImportJob(models.Model):
    """One "Importera" of a zip and its CSV, run by a background worker, with its progress and
    finally the report of every row, so a long import never holds a request (or a proxy's
    timeout) and anyone who reloads the page sees how far it has come."""

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

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("startad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    zip_upload = models.ForeignKey(
        PendingImport,
        verbose_name=_("zip-fil"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    csv_upload = models.ForeignKey(
        PendingImport,
        verbose_name=_("CSV-fil"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    zip_name = models.CharField(_("zip-filens namn"), max_length=255)
    csv_name = models.CharField(_("CSV-filens namn"), max_length=255)
    parent = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("förälder för rader utan förälder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=STATUS_CHOICES, default=QUEUED)
    rows_total = models.PositiveIntegerField(_("antal rader"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("klara rader"), default=0)
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    message = models.TextField(_("meddelande"), blank=True)
    error = models.TextField(_("tekniskt fel"), blank=True)
    created_at = models.DateTimeField(_("begärd"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("senast aktiv"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    class Meta:
        verbose_name = _("massimport")
        verbose_name_plural = _("massimporter")
        ordering = ["-created_at"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["zip_upload", "csv_upload"],
                condition=models.Q(status__in=["queued", "running"]),
                name="bulk_import_job_one_active_per_upload",
            )
        ]

    def __str__(self):
        return f"{self.zip_name} + {self.csv_name} ({self.status})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE
