"""The kommun's organisation, roles and decision bodies: who owns and who decides."""

import re

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.search import index

from .constants import BodyKind, DocumentType, OrganisationKind
from .fields import DocumentTypesField, normalise_diarienummer, tidy_diarienummer

DEFAULT_DIARIENUMMER_PATTERN = r"^[A-ZÅÄÖ]{1,10}[ -]\d{4}[-/]\d{1,6}(-\d{1,4})?$"


class LisArea(models.Model):
    """One of the ten areas of the national information-security follow-up."""

    number = models.PositiveSmallIntegerField(
        _("nummer"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    name = models.CharField(_("namn"), max_length=120)
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("LIS-område")
        verbose_name_plural = _("LIS-områden")

    def __str__(self):
        return f"{self.number}. {self.name}"


class Organisation(index.Indexed, models.Model):
    """A unit of the kommun: the kommun itself, a förvaltning or kontor, or an enhet."""

    name = models.CharField(_("namn"), max_length=150)
    short_name = models.CharField(_("förkortning"), max_length=30, blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("överordnad enhet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chef"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_organisations",
    )
    email = models.EmailField(_("funktionsbrevlåda"), blank=True)

    # Filter fields for every field a listing sorts by: searching a sorted snippet listing
    # needs them (otherwise the search backend refuses the ordering).
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("name"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == OrganisationKind.KOMMUN and self.parent_id:
            raise ValidationError({"parent": _("Kommunen kan inte ha en överordnad enhet.")})
        if self.kind != OrganisationKind.KOMMUN and not self.parent_id:
            raise ValidationError(
                {"parent": _("Ange vilken enhet som %(name)s hör till.") % {"name": self.name}}
            )
        ancestor = self.parent
        while ancestor is not None:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError(
                    {
                        "parent": _(
                            "En enhet kan inte ligga under sig själv eller sina underenheter."
                        )
                    }
                )
            ancestor = ancestor.parent


class Role(index.Indexed, models.Model):
    """A responsibility in the information-security work, e.g. informationssäkerhetssamordnare."""

    name = models.CharField(_("namn"), max_length=120, unique=True)
    code = models.SlugField(
        _("kod"),
        max_length=60,
        unique=True,
        help_text=_(
            "Stabil identifierare som systemet använder, t.ex. informationssakerhetssamordnare."
        ),
    )
    description = models.TextField(_("ansvar och uppgifter"), blank=True)
    group = models.ForeignKey(
        Group,
        verbose_name=_("behörighetsgrupp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Gruppen i Styrdok som personer med rollen tillhör."),
    )
    show_publicly = models.BooleanField(
        _("visas på den externa webbplatsen"),
        default=True,
        help_text=_("Rollen beskrivs på sidan om hur kommunen arbetar med informationssäkerhet."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sorteringsordning"), default=100)

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("name"),
        index.FilterField("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("roll")
        verbose_name_plural = _("roller")

    def __str__(self):
        return self.name


class Assignment(models.Model):
    """A person holding a role in an organisational unit (who is samordnare, whose chef is who)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    role = models.ForeignKey(
        Role, verbose_name=_("roll"), on_delete=models.CASCADE, related_name="assignments"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    title = models.CharField(_("befattning"), max_length=120, blank=True)

    class Meta:
        ordering = ["role__sort_order", "organisation__name"]
        verbose_name = _("uppdrag")
        verbose_name_plural = _("uppdrag")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="unique_assignment"
            )
        ]

    def __str__(self):
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} – {self.role} ({self.organisation})"


def workflow_problem(workflow):
    """Why a workflow cannot decide a styrdokument, or None.

    A document is in force only when its body has decided, so the workflow must consist of
    Styrdok's own steps and its last active step must record that decision; anything else
    (Wagtail's plain approval, or a run ending in a proposal) would publish without one.
    """
    # The task classes are imported at the end of this module (they need its models).
    tasks = [
        workflow_task.task.specific
        for workflow_task in workflow.workflow_tasks.select_related("task").order_by("sort_order")
        if workflow_task.task.active
    ]
    if not tasks:
        return _(
            "Arbetsflödet ”%(workflow)s” har inga aktiva steg. Välj ett arbetsflöde som slutar "
            "med ett beslut."
        ) % {"workflow": workflow.name}
    for task in tasks:
        if not isinstance(task, (ReviewTask, OfficialDecisionTask, RecordedDecisionTask)):
            return _(
                "Arbetsflödet ”%(workflow)s” har steget ”%(task)s”, som inte är ett av Styrdoks "
                "steg (granskning, beslut av tjänsteperson, protokollfört beslut). Ett sådant "
                "steg kan publicera ett dokument utan beslut. Välj ett av Styrdoks arbetsflöden."
            ) % {"workflow": workflow.name, "task": task.name}
    last = tasks[-1]
    decides = (isinstance(last, OfficialDecisionTask) and last.sets_decision) or (
        isinstance(last, RecordedDecisionTask) and not last.is_proposal
    )
    if not decides:
        return _(
            "Arbetsflödet ”%(workflow)s” slutar inte med ett beslut: det sista steget "
            "”%(task)s” fastställer inte dokumentet. Välj ett arbetsflöde vars sista steg är "
            "ett beslut av tjänsteperson eller ett protokollfört beslut."
        ) % {"workflow": workflow.name, "task": last.name}
    return None


class DecisionBody(index.Indexed, models.Model):
    """Who may adopt a styrdokument: an assembly (KF, KS, a nämnd) or an official by delegation."""

    name = models.CharField(_("namn"), max_length=120, unique=True)
    short_name = models.CharField(
        _("förkortning"), max_length=20, blank=True, help_text=_("T.ex. KF eller KS.")
    )
    code = models.SlugField(_("kod"), max_length=60, unique=True)
    kind = models.CharField(_("slag av beslutsfattare"), max_length=20, choices=BodyKind.choices)
    document_types = DocumentTypesField(
        _("får besluta om"),
        help_text=_("De dokumenttyper som detta organ eller denna befattning får fastställa."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision_bodies",
        help_text=_("Förvaltningen eller enheten som befattningen leder, om någon."),
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beslutsfattare (person)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision_bodies",
        help_text=_("För beslut på delegation: den person som innehar befattningen."),
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ersättare"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy_decision_bodies",
        help_text=_(
            "Beslutar i beslutsfattarens ställe, t.ex. när beslutsfattaren själv har skickat in "
            "dokumentet eller har granskat det."
        ),
    )
    workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        verbose_name=_("arbetsflöde"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Arbetsflödet som dokument med detta beslutande organ skickas in i för granskning "
            "och beslut."
        ),
    )
    review_delegate = models.ForeignKey(
        "self",
        verbose_name=_("aktualitetsprövas av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Organ eller befattning som på delegation får pröva att organets dokument "
            "fortfarande är aktuella (granskad utan ändringar), t.ex. kommunstyrelsen för "
            "kommunfullmäktiges dokument."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("sorteringsordning"), default=100)

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("name"),
        index.FilterField("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("beslutande organ")
        verbose_name_plural = _("beslutande organ")
        permissions = [
            (
                "redirect_decision_body",
                _("Kan skicka nästa version till ett annat beslutande organ"),
            ),
            ("record_review", _("Kan registrera aktualitetsprövning")),
            ("view_annual_report", _("Kan se årlig genomgång")),
            (
                "manage_decision_makers",
                _(
                    "Kan ändra beslutsfattare, ersättare, delegat och arbetsflöde för "
                    "beslutande organ"
                ),
            ),
            ("propose_repeal", _("Kan föreslå upphävande")),
            ("monitor_decision_runs", _("Kan se fastnade beslutsärenden")),
        ]

    def __str__(self):
        return self.name

    @property
    def decides_in_meeting(self):
        return self.kind == BodyKind.ASSEMBLY

    def clean(self):
        errors = {}
        if self.review_delegate_id and self.pk and self.review_delegate_id == self.pk:
            errors["review_delegate"] = _("Ett organ kan inte vara sitt eget delegat.")
        if self.workflow_id:
            problem = workflow_problem(self.workflow)
            if problem:
                errors["workflow"] = problem
        if errors:
            raise ValidationError(errors)

    def may_adopt(self, document_type):
        return document_type in (self.document_types or [])

    def document_type_labels(self):
        labels = dict(DocumentType.choices)
        return [labels[value] for value in self.document_types or [] if value in labels]


class TargetGroup(models.Model):
    """Målgrupp: who a document is written for (all staff, managers, elected officials …)."""

    name = models.CharField(_("namn"), max_length=120, unique=True)
    description = models.CharField(_("beskrivning"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("målgrupp")
        verbose_name_plural = _("målgrupper")

    def __str__(self):
        return self.name


def parse_reminder_days(value):
    """'60, 30, 7, 0' -> [60, 30, 7, 0]; raises ValueError with a Swedish message."""
    days = []
    for part in (value or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) > 365:
            raise ValueError(
                _("”%(part)s” är inte ett antal dagar mellan 0 och 365.") % {"part": part}
            )
        days.append(int(part))
    return sorted(set(days), reverse=True)


def validate_reminder_days(value):
    try:
        parse_reminder_days(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def validate_regex(value):
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(
            _("Mönstret är inte ett giltigt reguljärt uttryck: %(error)s"), params={"error": exc}
        ) from exc


@register_setting(icon="cog")
class StyrdokSettings(BaseGenericSetting):
    """Kommun-wide rules an administrator can change without a deploy."""

    kommun_name = models.CharField(_("kommunens namn"), max_length=100, default="Exempelkommun")
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logotyp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Kommunens logotyp eller vapen på PDF:erna. Utan bild används en neutral "
            "standardlogotyp."
        ),
    )
    diarienummer_pattern = models.CharField(
        _("mönster för diarienummer"),
        max_length=255,
        default=DEFAULT_DIARIENUMMER_PATTERN,
        validators=[validate_regex],
        help_text=_(
            "Reguljärt uttryck som diarienummer måste följa. Standardmönstret godtar t.ex. "
            "KS-2025-542, KS 2025/542 och KS-2025-542-1."
        ),
    )
    diarienummer_example = models.CharField(
        _("exempel på diarienummer"),
        max_length=60,
        default="KS-2025-542",
        help_text=_("Visas i felmeddelanden så att redaktören ser hur ett korrekt nummer ser ut."),
    )
    review_warning_days = models.PositiveSmallIntegerField(
        _("varning före revision (dagar)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Så många dagar före nästa revision räknas ett dokument som 'revision snart'."),
    )
    security_team_email = models.EmailField(
        _("e-post till informationssäkerhetsfunktionen"),
        blank=True,
        help_text=_(
            "Funktionsbrevlåda som också får eskaleringar om försenade och ägarlösa dokument "
            "(inte för dokument som är begränsade till vissa grupper)."
        ),
    )
    reminder_days = models.CharField(
        _("påminnelser före revision (dagar)"),
        max_length=60,
        default="60, 30, 7, 0",
        validators=[validate_reminder_days],
        help_text=_(
            "Hur många dagar före nästa revision den dokumentansvarige påminns, "
            "kommaseparerat. 0 betyder samma dag."
        ),
    )
    overdue_reminder_days = models.PositiveSmallIntegerField(
        _("påminnelse under försening, var N:e dag"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "När dokumentet är försenat påminns den dokumentansvarige med detta intervall."
        ),
    )
    escalation_grace_days = models.PositiveSmallIntegerField(
        _("eskalering efter (dagar försenat)"),
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text=_(
            "Så många dagar efter nästa revision går ärendet vidare till "
            "informationssäkerhetssamordnaren och den dokumentansvariges chef."
        ),
    )
    escalation_repeat_days = models.PositiveSmallIntegerField(
        _("upprepa eskalering, var N:e dag"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("0 betyder att eskaleringen skickas en gång per revisionsperiod."),
    )
    stall_days = models.PositiveSmallIntegerField(
        _("beslutsärende fastnat efter (dagar)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "Ett ärende som väntat så många dagar på samma steg visas som fastnat på "
            "samordnarens och administratörernas startsida."
        ),
    )

    class Meta:
        verbose_name = _("Styrdok-inställningar")

    @property
    def reminder_day_list(self):
        try:
            return parse_reminder_days(self.reminder_days)
        except ValueError:
            return [60, 30, 7, 0]

    def diarienummer_is_valid(self, value):
        return normalise_diarienummer(value, self.diarienummer_pattern) not in (None, "")

    def validate_diarienummer(self, value):
        self.clean_diarienummer(value)

    def clean_diarienummer(self, value):
        """The one stored spelling of a diarienummer, or a Swedish error naming the example."""
        normalised = normalise_diarienummer(value, self.diarienummer_pattern)
        if not normalised:
            raise ValidationError(
                _(
                    "Diarienumret ”%(value)s” har inte kommunens format. Skriv det till "
                    "exempel som %(example)s."
                ),
                code="invalid_diarienummer",
                params={"value": tidy_diarienummer(value), "example": self.diarienummer_example},
            )
        return normalised


class OutboxMessage(models.Model):
    """A notification recorded in the transaction that caused it and delivered after commit.

    A rolled-back decision therefore leaves neither a row nor a mail, and a mail server that is
    down leaves a failed row that is retried with backoff (`manage.py send_outbox`) and shown to
    administrators in the "Utskick" report.
    """

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    STATUS_CHOICES = [
        (PENDING, _("väntar")),
        (SENDING, _("skickas")),
        (SENT, _("skickat")),
        (FAILED, _("misslyckades")),
    ]

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottagare"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("e-postadress"))
    # The document the message names, if one: the Utskick report shows a message only to those
    # who may see that document (the styrdok_filter_outbox hook).
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("dokument"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(_("ämne"), max_length=255)
    body = models.TextField(_("text"))
    kind = models.CharField(_("slag"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=STATUS_CHOICES, default=PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("försök"), default=0)
    last_error = models.TextField(_("senaste fel"), blank=True, default="")
    next_attempt_at = models.DateTimeField(_("nästa försök"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("påbörjat"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        permissions = [
            ("view_outbox", _("Kan se utskick")),
            ("resend_outbox", _("Kan skicka om utskick")),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.subject} → {self.email}"


class RunLock(models.Model):
    """The lock that lets only one run of a periodic command work at a time where the database
    has no advisory locks (SQLite); a lock older than its timeout is taken over."""

    name = models.CharField(_("namn"), max_length=50, unique=True)
    token = models.CharField(_("nyckel"), max_length=32)
    acquired_at = models.DateTimeField(_("tagen"))

    class Meta:
        verbose_name = _("körningslås")
        verbose_name_plural = _("körningslås")

    def __str__(self):
        return self.name


# Workflow task types live in their own module; importing them here registers the models.
from .workflows import OfficialDecisionTask, RecordedDecisionTask, ReviewTask  # noqa: E402, F401
