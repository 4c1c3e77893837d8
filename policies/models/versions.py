"""Adopted versions: the decisions a document has had, kept when a new one replaces them."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.dispatch import receiver
from django.test.signals import setting_changed
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from .choices import Publicity
from .documents import Styrdokument


class ArchiveStorage(LazyObject):
    """STYRDOK_ARCHIVE_ROOT, read when first used so tests and deployments can move it.

    No base_url: the files are never served directly, only through the audience-checked views.
    """

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.STYRDOK_ARCHIVE_ROOT, base_url=None)


archive_storage = ArchiveStorage()


@receiver(setting_changed)
def _reset_archive_storage(setting, **kwargs):
    if setting == "STYRDOK_ARCHIVE_ROOT":
        archive_storage._wrapped = empty


def get_archive_storage():
    return archive_storage


def archive_pdf_path(instance, filename):
    return f"{instance.document_id}/{filename}"


class AdoptedVersion(models.Model):
    """A snapshot of each adopted version, so earlier decisions stay on record."""

    document = models.ForeignKey(
        Styrdokument,
        verbose_name=_("dokument"),
        on_delete=models.CASCADE,
        related_name="adopted_versions",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("sidversion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("titel"), max_length=255)
    version = models.CharField(_("version"), max_length=12)
    decision_body_name = models.CharField(_("beslutad av"), max_length=120, blank=True)
    decision_date = models.DateField(_("beslutsdatum"), null=True, blank=True)
    diarienummer = models.CharField(_("diarienummer"), max_length=40, blank=True)
    protocol_paragraph = models.PositiveIntegerField(_("§"), null=True, blank=True)
    publicity = models.CharField(_("publicering"), max_length=10, choices=Publicity.choices)
    adopted_at = models.DateTimeField(_("registrerad"), default=timezone.now)
    superseded_at = models.DateTimeField(_("ersatt"), null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("ersatt av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )

    repealed_at = models.DateTimeField(_("upphävd"), null=True, blank=True)
    content = models.JSONField(
        _("innehåll vid beslutet"),
        encoder=DjangoJSONEncoder,
        default=dict,
        blank=True,
        help_text=_("Dokumentet som det såg ut när versionen fastställdes."),
    )
    # The archival PDF, written once by policies.tasks and never rewritten while it exists.
    pdf = models.FileField(
        _("arkiv-PDF"),
        upload_to=archive_pdf_path,
        storage=get_archive_storage,
        max_length=255,
        blank=True,
    )
    pdf_sha256 = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(_("storlek (byte)"), null=True, blank=True)
    pdf_pages = models.PositiveIntegerField(_("antal sidor"), null=True, blank=True)
    pdf_generated_at = models.DateTimeField(_("PDF skapad"), null=True, blank=True)
    pdf_error = models.TextField(_("fel vid PDF-skapande"), blank=True)

    class Meta:
        ordering = ["-decision_date", "-adopted_at"]
        verbose_name = _("fastställd version")
        verbose_name_plural = _("fastställda versioner")

    def __str__(self):
        return f"{self.title}, version {self.version}"

    def get_absolute_url(self):
        return reverse("adopted_version", args=[self.pk])

    @property
    def is_current(self):
        return self.superseded_at is None and self.repealed_at is None

    @property
    def status_label(self):
        if self.repealed_at:
            return _("Upphävd")
        if self.superseded_at:
            return _("Ersatt av version %(version)s") % {
                "version": self.superseded_by.version if self.superseded_by_id else "?"
            }
        return _("Gällande")

    def as_page(self):
        """The document as it read when this version was adopted."""
        document = self.document.specific
        if not self.content:
            return document
        return document.with_content_json(self.content)

    def get_pdf_url(self):
        return reverse("adopted_version_pdf", args=[self.pk])

    @property
    def pdf_filename(self):
        """What the reader's browser saves: the slug and version as adopted, never an id (nor a
        slug the document was given later, which may name something not public)."""
        slug = (self.content or {}).get("slug") or (
            self.document.slug if self.document_id else "styrdokument"
        )
        return f"{slug}-version-{self.version}.pdf"

    @property
    def paragraph_display(self):
        return f"§ {self.protocol_paragraph}" if self.protocol_paragraph else ""
