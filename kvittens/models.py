"""Read acknowledgement (kvittens): who must confirm which documents, and who has confirmed.

A confirmation is a record of fact about an allmän handling (an adopted version), so like
AdoptedVersion it is never changed or deleted, not even through a queryset.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.constants import DocumentType
from governance.models import Organisation

IMMUTABLE_MESSAGE = _(
    "En kvittens är en uppgift om vem som har bekräftat vilken version och kan inte ändras."
)
UNDELETABLE_MESSAGE = _(
    "En kvittens är en uppgift om vem som har bekräftat vilken version och kan inte raderas."
)


class RequirementQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_document(self, document):
        """The active requirements that cover this document: its own and its type's."""
        return self.active().filter(
            models.Q(document_id=document.pk) | models.Q(document_type=document.document_type)
        )


class Requirement(models.Model):
    """Kvittenskrav: one document, or every document of a type, must be confirmed by an
    audience (everyone, groups, organisations with the units below them)."""

    document = models.ForeignKey(
        "policies.Styrdokument",
        verbose_name=_("styrdokument"),
        null=True,
        blank=True,
        # A requirement is about the document; only a never-adopted draft can be deleted.
        on_delete=models.CASCADE,
        related_name="kvittens_requirements",
        help_text=_("Ett enskilt dokument. Välj antingen ett dokument eller en dokumenttyp."),
    )
    document_type = models.CharField(
        _("dokumenttyp"),
        max_length=20,
        choices=DocumentType.choices,
        blank=True,
        help_text=_("Alla dokument av typen. Välj antingen ett dokument eller en dokumenttyp."),
    )
    everyone = models.BooleanField(
        _("alla medarbetare"),
        default=False,
        help_text=_("Alla aktiva användare med konto i Styrdok ska bekräfta."),
    )
    groups = models.ManyToManyField(
        Group,
        verbose_name=_("grupper"),
        blank=True,
        related_name="kvittens_requirements",
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisationer"),
        blank=True,
        related_name="kvittens_requirements",
        help_text=_("En förvaltning eller enhet omfattar också enheterna under den."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("första påminnelse (dagar efter beslut)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    reminder_interval_days = models.PositiveSmallIntegerField(
        _("därefter påminnelse var (dagar)"),
        default=14,
        validators=[MaxValueValidator(365)],
        help_text=_("0 betyder bara en påminnelse."),
    )
    max_reminders = models.PositiveSmallIntegerField(
        _("högst antal påminnelser"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    active = models.BooleanField(_("aktivt"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapat av"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("skapat"), default=timezone.now, editable=False)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        ordering = ["document_type", "document__title", "pk"]
        verbose_name = _("kvittenskrav")
        verbose_name_plural = _("kvittenskrav")
        permissions = [("view_coverage", _("Kan se kvittensläget"))]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(document__isnull=False, document_type="")
                    | models.Q(document__isnull=True) & ~models.Q(document_type="")
                ),
                name="kvittens_requirement_document_or_type",
            )
        ]

    def __str__(self):
        if self.document_id:
            return str(_("Kvittens: %(document)s") % {"document": self.document.title})
        return str(
            _("Kvittens: alla dokument av typen %(type)s")
            % {"type": self.get_document_type_display().lower()}
        )

    def clean(self):
        super().clean()
        if self.scope_is_invalid():
            raise ValidationError(
                _("Välj antingen ett enskilt styrdokument eller en dokumenttyp, inte båda.")
                if self.document_id
                else _("Välj ett styrdokument eller en dokumenttyp som kvittensen gäller.")
            )

    def scope_is_invalid(self):
        """Neither or both of a document and a document type (the check constraint's rule)."""
        return bool(self.document_id) == bool(self.document_type)

    def validate_constraints(self, exclude=None):
        """clean() says in Swedish what is wrong with the scope; the check constraint on the same
        rule would add Django's message with its technical name ("Begränsningen
        kvittens_requirement_document_or_type överträds"), which tells an editor nothing."""
        if self.scope_is_invalid():
            return
        super().validate_constraints(exclude=exclude)

    @property
    def scope_display(self):
        if self.document_id:
            return self.document.title
        return _("Alla av typen %(type)s") % {"type": self.get_document_type_display().lower()}


class Membership(models.Model):
    """A person's home unit (förvaltning or enhet), which decides the organisations' kvittens."""

    MANUAL = "manual"
    IMPORT = "import"
    SSO = "sso"
    SOURCES = [
        (MANUAL, _("Manuellt")),
        (IMPORT, _("HR-import")),
        (SSO, _("Inloggning (SSO)")),
    ]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="kvittens_membership",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    source = models.CharField(_("källa"), max_length=10, choices=SOURCES, default=MANUAL)
    updated_at = models.DateTimeField(_("uppdaterad"), auto_now=True)

    class Meta:
        ordering = ["organisation__name", "user__last_name", "user__first_name"]
        verbose_name = _("tillhörighet")
        verbose_name_plural = _("tillhörigheter")

    def __str__(self):
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} – {self.organisation}"


class AcknowledgementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(IMMUTABLE_MESSAGE)

    update.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise ValidationError(IMMUTABLE_MESSAGE)

    def delete(self):
        raise ValidationError(UNDELETABLE_MESSAGE)

    delete.alters_data = True
    delete.queryset_only = True


class Acknowledgement(models.Model):
    """Kvittens: a person confirmed they have read and understood one adopted version."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        # The record outlives the account; the name is kept in user_name.
        on_delete=models.SET_NULL,
        related_name="kvittenser",
    )
    user_name = models.CharField(_("namn"), max_length=255)
    document = models.ForeignKey(
        "policies.Styrdokument",
        verbose_name=_("styrdokument"),
        on_delete=models.PROTECT,
        related_name="kvittenser",
    )
    version = models.ForeignKey(
        "policies.AdoptedVersion",
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="kvittenser",
    )
    confirmed_at = models.DateTimeField(_("bekräftad"), default=timezone.now)

    objects = AcknowledgementQuerySet.as_manager()

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = _("kvittens")
        verbose_name_plural = _("kvittenser")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="kvittens_once_per_version")
        ]
        indexes = [
            models.Index(fields=["document", "user"], name="kvittens_document_user"),
            # Coverage counts confirmations per version, then by person.
            models.Index(fields=["version", "user"], name="kvittens_version_user"),
        ]

    def __str__(self):
        return str(
            _("%(name)s bekräftade %(document)s version %(version)s")
            % {"name": self.user_name, "document": self.document.title, "version": self.version}
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            # Only the SET_NULL of a removed account may touch a stored row (Django does that
            # with a queryset update, not here).
            raise ValidationError(IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(UNDELETABLE_MESSAGE)


class ReminderSent(models.Model):
    """One row per person, version and round: a reminder round is mailed at most once.

    Round 0 is the first "Läs och bekräfta" notice after the decision, 1… the reminders.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    version = models.ForeignKey(
        "policies.AdoptedVersion",
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    round = models.PositiveSmallIntegerField(_("omgång"))
    sent_on = models.DateField(_("skickad"))

    class Meta:
        ordering = ["-sent_on"]
        verbose_name = _("skickad kvittenspåminnelse")
        verbose_name_plural = _("skickade kvittenspåminnelser")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version", "round"], name="kvittens_reminder_once_per_round"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.version} (omgång {self.round}, {self.sent_on})"
