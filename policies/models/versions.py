"""Adopted versions: the decisions a document has had, kept when a new one replaces them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.dispatch import receiver
from django.test.signals import setting_changed
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from governance.fields import DiarienummerField

from .choices import Publicity
from .documents import Styrdokument


class ArchiveStorage(LazyObject):
    """STYRDOK_ARCHIVE_ROOT, read when first used so tests and deployments can move it.

    No base_url: the files are never served directly, only through the audience-checked views.
    With object storage configured (STORAGES["archive"], styrdok/storage.py) the archive is a
    private prefix of the bucket that every server shares.
    """

    def _setup(self):
        if "archive" in settings.STORAGES:
            self._wrapped = storages.create_storage(settings.STORAGES["archive"])
            return
        self._wrapped = FileSystemStorage(location=settings.STYRDOK_ARCHIVE_ROOT, base_url=None)


archive_storage = ArchiveStorage()


@receiver(setting_changed)
def _reset_archive_storage(setting, **kwargs):
    if setting in {"STYRDOK_ARCHIVE_ROOT", "STORAGES"}:
        archive_storage._wrapped = empty


def get_archive_storage():
    return archive_storage


def archive_pdf_path(instance, filename):
    return f"{instance.document_id}/{filename}"


IMMUTABLE_MESSAGE = _(
    "En fastställd version är en allmän handling och ändras inte: %(fields)s kan inte ändras. "
    "Ett nytt beslut ger en ny version."
)
UNDELETABLE_MESSAGE = _(
    "En fastställd version är en allmän handling och kan inte raderas. Ett gällande dokument "
    "upphävs genom beslut med ”Föreslå upphävande”."
)

# What the decision recorded; never changed once the row exists.
PROTECTED_FIELDS = (
    "document",
    "revision",
    "title",
    "version",
    "decision_body_name",
    "decision_date",
    "diarienummer",
    "protocol_paragraph",
    "publicity",
    "content",
    "adopted_at",
    "editorial_change",
    "imported",
    "original_file",
    "original_filename",
)
# Set once, when the version is superseded or repealed, and never changed or cleared after that.
SET_ONCE_FIELDS = (
    "superseded_at",
    "superseded_by",
    "repealed_at",
    "repeal_body_name",
    "repeal_date",
    "repeal_paragraph",
    "repeal_diarienummer",
)


def _field_names(names):
    return {name[:-3] if name.endswith("_id") else name for name in names}


class AdoptedVersionQuerySet(models.QuerySet):
    """Bulk writes obey the same rule as save(): only the PDF, superseded and repeal fields."""

    def update(self, **kwargs):
        protected = _field_names(kwargs) & set(PROTECTED_FIELDS)
        if protected:
            raise ValidationError(IMMUTABLE_MESSAGE % {"fields": ", ".join(sorted(protected))})
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        protected = _field_names(fields) & set(PROTECTED_FIELDS)
        if protected:
            raise ValidationError(IMMUTABLE_MESSAGE % {"fields": ", ".join(sorted(protected))})
        return super().bulk_update(objs, fields, *args, **kwargs)

    def delete(self):
        raise ValidationError(UNDELETABLE_MESSAGE)

    delete.alters_data = True
    delete.queryset_only = True


class AdoptedVersion(models.Model):
    """A snapshot of each adopted version, so earlier decisions stay on record.

    Immutable once recorded (an allmän handling): see PROTECTED_FIELDS and SET_ONCE_FIELDS.
    """

    document = models.ForeignKey(
        Styrdokument,
        verbose_name=_("dokument"),
        # The archive is never cascade-deleted with its document.
        on_delete=models.PROTECT,
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
    diarienummer = DiarienummerField(_("diarienummer"), max_length=40, blank=True)
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
    # The repeal decision (upphävande), copied from the decision step's record.
    repeal_body_name = models.CharField(_("upphävd av"), max_length=120, blank=True)
    repeal_date = models.DateField(_("datum för upphävande"), null=True, blank=True)
    repeal_paragraph = models.PositiveIntegerField(_("§ för upphävande"), null=True, blank=True)
    repeal_diarienummer = DiarienummerField(
        _("diarienummer för upphävande"), max_length=40, blank=True
    )
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
    # Chosen at the decision step: an editorial change (redaktionell ändring) keeps the read
    # acknowledgements (kvittens) of the version before it.
    editorial_change = models.BooleanField(
        _("redaktionell ändring, kräver inte ny kvittens"),
        default=False,
        help_text=_(
            "Ändringen är redaktionell (stavning, länkar, namn), så den som har bekräftat "
            "den förra versionen behöver inte bekräfta igen."
        ),
    )
    # A decision taken before Styrdok, registered by an import; its original file (Word or
    # PDF) is kept as the archived document.
    imported = models.BooleanField(_("importerad"), default=False)
    original_file = models.FileField(
        _("originalfil"),
        upload_to=archive_pdf_path,
        storage=get_archive_storage,
        max_length=255,
        blank=True,
    )
    original_filename = models.CharField(_("originalfilens namn"), max_length=255, blank=True)

    objects = AdoptedVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-decision_date", "-adopted_at"]
        verbose_name = _("fastställd version")
        verbose_name_plural = _("fastställda versioner")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "version"], name="adopted_version_label_unique"
            )
        ]
        indexes = [
            # The news feed (policies.feeds): the newest public versions, read in this order
            # until 30 made in Styrdok are found, instead of sorting every version.
            models.Index(
                fields=["-adopted_at"],
                name="adopted_version_newest_public",
                condition=models.Q(publicity=Publicity.PUBLIC),
            ),
        ]

    def __str__(self):
        return f"{self.title}, version {self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            self.check_unchanged(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("adopted_version", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise ValidationError(UNDELETABLE_MESSAGE)

    def check_unchanged(self, update_fields=None):
        names = PROTECTED_FIELDS + SET_ONCE_FIELDS
        if update_fields is not None:
            names = tuple(n for n in names if n in _field_names(update_fields))
        if not names:
            return
        attnames = [self._meta.get_field(name).attname for name in names]
        stored = type(self)._base_manager.filter(pk=self.pk).values(*attnames).first()
        if stored is None:
            return
        changed = []
        for name, attname in zip(names, attnames, strict=True):
            old, new = stored[attname], getattr(self, attname)
            if name in SET_ONCE_FIELDS and old in (None, ""):
                continue
            if old != new:
                changed.append(str(self._meta.get_field(name).verbose_name))
        if changed:
            raise ValidationError(IMMUTABLE_MESSAGE % {"fields": ", ".join(changed)})

    @property
    def is_current(self):
        return self.superseded_at is None and self.repealed_at is None

    @property
    def repeal_display(self):
        """The repeal line, e.g. "Upphävd genom beslut av KS 2026-03-12, § 45, dnr KS-2026-12";
        empty if the version was not repealed by a recorded decision."""
        if not self.repeal_body_name:
            return ""
        text = _("Upphävd genom beslut av %(body)s %(date)s") % {
            "body": self.repeal_body_name,
            "date": self.repeal_date.isoformat() if self.repeal_date else "",
        }
        if self.repeal_paragraph:
            text += f", § {self.repeal_paragraph}"
        if self.repeal_diarienummer:
            text += _(", dnr %(dnr)s") % {"dnr": self.repeal_diarienummer}
        return text

    @property
    def status_label(self):
        if self.repealed_at:
            return self.repeal_display or _("Upphävd")
        if self.superseded_at:
            return _("Ersatt av version %(version)s") % {
                "version": self.superseded_by.version if self.superseded_by_id else "?"
            }
        if self.imported:
            # A decision from before Styrdok: the document is in force in Styrdok only once
            # its own workflow has decided it (the import publishes nothing).
            return _("Importerat beslut")
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


class RepealProposal(models.Model):
    """A proposal to repeal (upphäva) an adopted document, decided through its body's workflow.

    The run is an ordinary decision run of the document's body; this row is what marks it as a
    repeal, so the final decision unpublishes the document instead of publishing a new version.
    """

    document = models.ForeignKey(
        Styrdokument,
        verbose_name=_("dokument"),
        on_delete=models.PROTECT,
        related_name="repeal_proposals",
    )
    workflow_state = models.OneToOneField(
        "wagtailcore.WorkflowState",
        verbose_name=_("beslutsärende"),
        on_delete=models.PROTECT,
        related_name="repeal_proposal",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("föreslagen av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("motivering"))
    created_at = models.DateTimeField(_("föreslagen"), default=timezone.now)
    # The decision, once the body has decided to repeal.
    decision_body_name = models.CharField(_("beslutad av"), max_length=120, blank=True)
    decision_date = models.DateField(_("beslutsdatum"), null=True, blank=True)
    protocol_paragraph = models.PositiveIntegerField(_("§"), null=True, blank=True)
    diarienummer = DiarienummerField(_("diarienummer"), max_length=40, blank=True)
    decided_at = models.DateTimeField(_("upphävd"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("förslag om upphävande")
        verbose_name_plural = _("förslag om upphävande")

    def __str__(self):
        return _("Upphävande av %(title)s") % {"title": self.document.title}

    @property
    def is_decided(self):
        return self.decided_at is not None
