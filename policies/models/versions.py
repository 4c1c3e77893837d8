"""Adopted versions: the decisions a document has had, kept when a new one replaces them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Publicity
from .documents import Styrdokument


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

    class Meta:
        ordering = ["-decision_date", "-adopted_at"]
        verbose_name = _("fastställd version")
        verbose_name_plural = _("fastställda versioner")

    def __str__(self):
        return f"{self.title}, version {self.version}"

    @property
    def is_current(self):
        return self.superseded_at is None

    @property
    def paragraph_display(self):
        return f"§ {self.protocol_paragraph}" if self.protocol_paragraph else ""
