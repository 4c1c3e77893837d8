"""Approval of styrdokument on Wagtail's own Workflow and Task models.

Three task types cover the decision levels: a review (granskning/beredning) by a group, an
official's decision by delegation (kommundirektör, stabschef, förvaltningschef, verksamhetschef),
and a decision taken in a meeting (KS, KF) that the nämndsekreterare records from the protocol.
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import (
    AbstractGroupApprovalTask,
    PageLogEntry,
    Task,
    TaskState,
    WorkflowState,
)

from . import signals
from .constants import BodyKind
from .fields import DiarienummerFormField, clean_diarienummer
from .text_input import no_control_characters, no_control_characters_multiline


class DecisionOutcome(models.TextChoices):
    ADOPTED = "beslutad", _("Beslutad")
    RETURNED = "aterremitterad", _("Återremitterad")
    REJECTED = "avslagen", _("Avslagen")


# -- forms shown in the approval modal and on the decision page ------------------------------


class RequiredCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Kommentar"),
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters_multiline],
        error_messages={"required": _("Skriv en kommentar som förklarar vad som behöver ändras.")},
        help_text=_("Redaktören och dokumentansvarig får kommentaren via e-post."),
    )


class OptionalCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[no_control_characters_multiline],
    )


def _validate_diarienummer(value):
    clean_diarienummer(value)


def normalise_diarienummer(value):
    """The kommun's one spelling of `value`; a Swedish ValidationError if it has no such form."""
    return clean_diarienummer(value) if (value or "").strip() else ""


class PrefilledFromDocument:
    """Decision forms start from what the document already says, so nobody retypes the dnr.

    Wagtail builds a step's form from the class get_form_for_action returns and knows nothing
    of the document; for_page(page) returns a subclass whose initial values come from it.
    """

    @classmethod
    def initial_from_page(cls, page):
        draft = page
        if hasattr(page, "get_latest_revision_as_object"):
            draft = page.get_latest_revision_as_object()
        return {"diarienummer": getattr(draft, "diarienummer", "") or ""}

    @classmethod
    def for_page(cls, page):
        if page is None:
            return cls
        # Only decisions publish a styrdokument, so a live one has an adopted version.
        attrs = {
            "page_initial": cls.initial_from_page(page),
            "first_adoption": not getattr(page, "live", False),
        }
        return type(cls.__name__, (cls,), attrs)

    page_initial = {}
    first_adoption = False

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {**self.page_initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        # "Kräver inte ny kvittens" is a choice about a new version of an adopted document:
        # a first adoption has no earlier confirmations to keep.
        if self.first_adoption:
            self.fields.pop("editorial_change", None)


def form_for_page(form_class, page):
    """`form_class` prefilled from `page` where it supports it (the decision forms)."""
    if form_class is not None and issubclass(form_class, PrefilledFromDocument):
        return form_class.for_page(page)
    return form_class


def _validate_not_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("Datumet kan inte ligga i framtiden."))


class OfficialDecisionForm(PrefilledFromDocument, forms.Form):
    """An official's decision by delegation: the date and the ärende's diarienummer."""

    decision_date = forms.DateField(
        label=_("Beslutsdatum"),
        initial=timezone.localdate,
        validators=[_validate_not_future],
        error_messages={
            "required": _("Ange beslutsdatum."),
            "invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD."),
        },
    )
    diarienummer = DiarienummerFormField(
        label=_("Diarienummer"),
        error_messages={"required": _("Ange ärendets diarienummer.")},
        help_text=_("Förifyllt från dokumentet. Sparas i kommunens enhetliga form."),
    )
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters_multiline],
    )
    editorial_change = forms.BooleanField(
        label=_("Kräver inte ny kvittens (redaktionell ändring)"),
        required=False,
        help_text=_(
            "Markera om ändringen bara är redaktionell (stavning, länkar, namn). Den som har "
            "bekräftat den förra versionen behöver då inte bekräfta igen."
        ),
    )


class RecordDecisionForm(PrefilledFromDocument, forms.Form):
    """What the nämndsekreterare copies from the signed protocol."""

    outcome = forms.ChoiceField(
        label=_("Beslut"),
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj vad organet beslutade.")},
    )
    meeting_date = forms.DateField(
        label=_("Sammanträdesdatum"),
        validators=[_validate_not_future],
        error_messages={
            "required": _("Ange sammanträdets datum."),
            "invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD."),
        },
    )
    paragraph = forms.IntegerField(
        label=_("Paragraf (§)"),
        min_value=1,
        max_value=99999,
        error_messages={
            "required": _("Ange paragrafnumret i protokollet."),
            "invalid": _("Paragrafen ska vara ett heltal, t.ex. 123 (utan §-tecken)."),
            "min_value": _("Paragrafen ska vara ett heltal från 1 och uppåt."),
            "max_value": _("Paragrafnumret är orimligt stort."),
        },
    )
    diarienummer = DiarienummerFormField(
        label=_("Diarienummer"),
        error_messages={"required": _("Ange ärendets diarienummer.")},
        help_text=_("Förifyllt från dokumentet. Sparas i kommunens enhetliga form."),
    )
    protocol_reference = forms.CharField(
        label=_("Protokollsreferens"),
        max_length=255,
        required=False,
        validators=[no_control_characters],
        help_text=_("T.ex. 'Kommunstyrelsens protokoll 2025-03-12'."),
    )
    protocol_url = forms.URLField(
        assume_scheme="https",
        label=_("Länk till protokollet"),
        required=False,
        error_messages={"invalid": _("Ange en fullständig webbadress, t.ex. https://…")},
    )
    comment = forms.CharField(
        label=_("Kommentar eller motivering"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters_multiline],
        help_text=_("Krävs vid återremiss och avslag."),
    )
    editorial_change = forms.BooleanField(
        label=_("Kräver inte ny kvittens (redaktionell ändring)"),
        required=False,
        help_text=_(
            "Markera om ändringen bara är redaktionell (stavning, länkar, namn). Den som har "
            "bekräftat den förra versionen behöver då inte bekräfta igen."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        needs_reason = cleaned.get("outcome") in (
            DecisionOutcome.RETURNED,
            DecisionOutcome.REJECTED,
        )
        if needs_reason and not (cleaned.get("comment") or "").strip():
            self.add_error(
                "comment",
                _("Ange skälet till återremissen eller avslaget; redaktören behöver det."),
            )
        return cleaned


class RecordProposalForm(RecordDecisionForm):
    """A proposal (beredning) adopts nothing: the deciding organ's step makes that choice."""

    editorial_change = None


# -- shared behaviour ----------------------------------------------------------------------


def workflow_state_for(obj):
    return getattr(obj, "_styrdok_workflow_state", None) or obj.current_workflow_state


class AlreadyDecided(ValidationError):
    """A second actor reached a step that another actor finished a moment before.

    A ValidationError rather than a PermissionDenied: Wagtail's admin turns the latter into a
    generic "no access" redirect, while this is a message about the document's state.
    """


FINISHED_STEP_STATUSES = [TaskState.STATUS_APPROVED, TaskState.STATUS_REJECTED]


def round_started_at(workflow_state):
    """When the run's current round began: its start, or the last return (återremiss or begär
    ändringar), after which the document goes through every step again."""
    returned = (
        TaskState.objects.filter(workflow_state=workflow_state, status=TaskState.STATUS_REJECTED)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    return returned or workflow_state.created_at


def next_task_in_round(workflow_state):
    """The first active step not yet approved in the current round.

    Wagtail skips every step approved at any time in the run, so a resubmission would continue
    where the document was returned; a decision must rest on a complete round instead.
    """
    since = round_started_at(workflow_state)
    approved = TaskState.objects.filter(
        workflow_state=workflow_state,
        status__in=[TaskState.STATUS_APPROVED, TaskState.STATUS_SKIPPED],
        started_at__gte=since,
    ).values("task_id")
    return (
        Task.objects.filter(workflow_tasks__workflow_id=workflow_state.workflow_id, active=True)
        .exclude(pk__in=approved)
        .order_by("workflow_tasks__sort_order")
        .first()
    )


def performed_other_step(workflow_state, task, user):
    """Whether `user` approved or returned another step of this run than `task`.

    Separation of duties: the person who reviews a proposal is not the one who decides it,
    however they came to hold both roles. Recording a meeting's decision is clerical, so one
    nämndsekreterare may record several recorded steps (KS's proposal and KF's decision), but
    not also review or decide by delegation.
    """
    if workflow_state is None or user.pk is None:
        return False
    return _other_steps(task, user, workflow_state=workflow_state).exists()


def _other_steps(task, user, **run):
    done = TaskState.objects.filter(
        finished_by=user, status__in=FINISHED_STEP_STATUSES, **run
    ).exclude(task_id=task.pk)
    if isinstance(task, RecordedDecisionTask):
        done = done.exclude(task_id__in=RecordedDecisionTask.objects.values("pk"))
    return done


def recorded_task_ids():
    return set(RecordedDecisionTask.objects.values_list("pk", flat=True))


def other_steps(task, task_ids, recorded_ids):
    """Of the steps (`task_ids`) a person finished in a run, those that bar them from `task`:
    the same rule as performed_other_step, for callers that read a whole list of runs at once."""
    others = set(task_ids) - {task.pk}
    if task.pk in recorded_ids:
        others -= recorded_ids
    return others


def without_other_steps(task_states, task, user):
    """`task_states` less the runs in which `user` performed another step (for dashboards)."""
    return task_states.exclude(
        models.Exists(_other_steps(task, user, workflow_state=models.OuterRef("workflow_state")))
    )


def may_see(obj, user):
    """Whether `user` may know of the document at all: one restricted to groups exists only for
    their members, so nobody else is asked to review or decide it. The document answers for
    itself (policies' visibility rule), which keeps this layer free of imports from above."""
    hidden_from = getattr(obj, "hidden_from", None)
    if hidden_from is None and hasattr(obj, "specific"):
        # A run started on the base Page instance hands out the base page.
        hidden_from = getattr(obj.specific, "hidden_from", None)
    return hidden_from is None or not hidden_from(user)


def is_submitter(obj, user):
    """Nobody approves a run they submitted or resubmitted themselves, superusers included.

    Wagtail keeps the first submitter as requested_by when a returned document is resubmitted;
    the resubmission is logged as wagtail.workflow.resume by the user who made it.
    """
    state = workflow_state_for(obj)
    if state is None or user.pk is None:
        return False
    if state.requested_by_id == user.pk:
        return True
    return PageLogEntry.objects.filter(
        page_id=state.object_id,
        action="wagtail.workflow.resume",
        user_id=user.pk,
        timestamp__gte=state.created_at,
    ).exists()


def draft_decision_body(obj):
    """The deciding body of the draft in the workflow (it cannot change while the run lasts)."""
    cached = getattr(obj, "_styrdok_draft_body", False)
    if cached is False:
        draft = obj.get_latest_revision_as_object() if obj.pk else obj
        cached = getattr(draft, "decision_body", None)
        obj._styrdok_draft_body = cached
    return cached


def latest_draft(task_state):
    return task_state.workflow_state.content_object.get_latest_revision_as_object()


def apply_decision(task_state, user, *, body, decision_date, diarienummer, paragraph=None):
    """Write the decision onto a new revision, which the workflow then publishes.

    A repeal run decides the repeal, not the text: the document keeps the decision it has, and
    the finish action (governance.finish) unpublishes it instead. The version label is made
    unique per document here, so the decided revision, the page and the archive carry the same
    one; the caller records page.version in the decision's log data.
    """
    page = latest_draft(task_state)
    # The document (policies.Styrdokument) knows repeals, its rules and its version labels.
    if page.decides_repeal(task_state.workflow_state_id):
        page._styrdok_repeal = True
        return page
    page.prepare_decision(body, decision_date=decision_date)
    page.decision_body = body
    page.decision_date = decision_date
    page.diarienummer = diarienummer
    page.protocol_paragraph = paragraph
    if not page.valid_from or page.valid_from < decision_date:
        page.valid_from = decision_date
    # A new decision restarts the review cycle from the decision date.
    page.next_review = page.default_next_review()
    page.next_review_reason = ""
    # The form has validated what the decision step writes; the rest of the draft was validated
    # when it was submitted.
    revision = page.save_revision(user=user, log_action=False, clean=False)
    task_state.revision = revision
    task_state.save(update_fields=["revision"])
    return page


def decision_subject(page):
    """What a decision decided, for its log entry: the version it adopted, or a repeal."""
    if getattr(page, "_styrdok_repeal", False):
        return {"repeal": True}
    return {"version": page.version}


def editorial_choice(page, editorial_change):
    """The decision's "kräver inte ny kvittens", for its log entry (policies copies it onto the
    adopted version): only for a new version of a document already in force, never a repeal."""
    if not editorial_change or getattr(page, "_styrdok_repeal", False) or not page.live:
        return {}
    return {"editorial_change": True}


def log_step(task_state, user, action, data):
    page = task_state.workflow_state.content_object.specific
    entry_data = {
        "action": action,
        "task": task_state.task.name,
        "workflow": task_state.workflow_state.workflow.name,
        "task_state_id": task_state.pk,
        **data,
    }
    log(instance=page, action=action, user=user, data=entry_data, revision=task_state.revision)
    return entry_data


def active_members(groups):
    return get_user_model().objects.filter(groups__in=groups, is_active=True).distinct()


def send_transition(task, task_state, user, data):
    workflow_state = WorkflowState.objects.get(pk=task_state.workflow_state_id)
    signals.workflow_transition.send(
        sender=type(task),
        task_state=task_state,
        workflow_state=workflow_state,
        user=user,
        data=data,
        final=workflow_state.status == WorkflowState.STATUS_APPROVED,
    )


class StyrdokTaskMixin:
    """Shared by every Styrdok task: locking, no self-approval, comment rules, audit, signals."""

    # Approvers see the draft and the comparison, but nobody edits a document while it is in a
    # workflow; after återremiss the editor edits and resubmits.
    def locked_for_user(self, obj, user):
        return True

    def user_can_lock(self, obj, user):
        return False

    def user_can_unlock(self, obj, user):
        return False

    def user_can_access_editor(self, obj, user):
        return self.user_is_approver(obj, user) and may_see(obj, user)

    def user_is_approver(self, obj, user):
        raise NotImplementedError

    def get_actions(self, obj, user):
        if not user.is_authenticated or is_submitter(obj, user):
            return []
        if not self.user_is_approver(obj, user) or not may_see(obj, user):
            return []
        if performed_other_step(workflow_state_for(obj), self, user):
            return []
        return self.approver_actions(obj)

    def get_form_for_action(self, action):
        if action == "reject":
            return RequiredCommentForm
        return OptionalCommentForm

    def approvers_for(self, obj):
        """Users who may act on this task for this document (for notifications and panels)."""
        raise NotImplementedError

    def eligible_approvers(self, obj, workflow_state=None, submitters=()):
        """The assigned approvers who may act in this run: not a submitter, and nobody who
        performed another step of it. Superusers are not counted: nobody is assigned to be one."""
        excluded = {user.pk for user in submitters if user is not None}
        return [
            user
            for user in self.approvers_for(obj)
            if user.pk not in excluded
            and not performed_other_step(workflow_state, self, user)
            and may_see(obj, user)
        ]

    def stall_message(self, obj):
        """What to fix when nobody but the submitter could act on this step."""
        return _(
            "Ingen annan än den som skickar in kan godkänna steget ”%(task)s”. Lägg till "
            "ytterligare en aktiv medlem i gruppen %(groups)s innan dokumentet skickas in."
        ) % {
            "task": self.name,
            "groups": ", ".join(f"”{group.name}”" for group in self.groups.all()) or "–",
        }

    def start(self, workflow_state, user=None):
        """Start the step the current round needs: after a return, the first step again.

        Wagtail resumes a returned run at the step that returned it; a decision must rest on a
        complete round of review and beredning, so the round starts over. At the start of a
        round every step must have someone other than the submitter who can act on it.
        """
        intended = next_task_in_round(workflow_state)
        if intended is not None and intended.pk != self.pk:
            return intended.specific.start(workflow_state, user=user)
        if intended is not None and self.is_first_step(workflow_state):
            problems = submission_problems(
                workflow_state.content_object.specific,
                workflow_state.workflow,
                [user, workflow_state.requested_by],
            )
            if problems:
                raise ValidationError(problems)
        return super().start(workflow_state, user=user)

    def is_first_step(self, workflow_state):
        first = (
            Task.objects.filter(workflow_tasks__workflow_id=workflow_state.workflow_id, active=True)
            .order_by("workflow_tasks__sort_order")
            .values_list("pk", flat=True)
            .first()
        )
        return first == self.pk

    def lock_step(self, task_state):
        """Take the run's and the step's row locks and re-read the step.

        Every route into a step (the case page, Wagtail's workflow action URL, the editor's
        workflow buttons, the shell) ends here, so two people acting at once are serialised:
        the second finds the step decided and changes nothing.
        """
        WorkflowState.objects.select_for_update().filter(pk=task_state.workflow_state_id).first()
        locked = TaskState.objects.select_for_update().get(pk=task_state.pk)
        if locked.status != TaskState.STATUS_IN_PROGRESS:
            raise self.already_decided(locked)
        return locked

    def already_decided(self, task_state):
        finisher = task_state.finished_by
        by = ""
        if finisher is not None:
            by = _(" av %(name)s") % {"name": finisher.get_full_name() or finisher.get_username()}
        return AlreadyDecided(
            _("Steget ”%(task)s” är redan beslutat%(by)s. Inget har ändrats.")
            % {"task": self.name, "by": by}
        )

    def check_actor(self, task_state, user, action_name):
        obj = task_state.workflow_state.content_object
        if task_state.status != TaskState.STATUS_IN_PROGRESS:
            raise self.already_decided(task_state)
        if action_name not in {name for name, _label, _modal in self.get_actions(obj, user)}:
            raise PermissionDenied(_("Du kan inte utföra den här åtgärden på det här steget."))

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        task_state = self.lock_step(task_state)
        self.check_actor(task_state, user, action_name)
        comment = (kwargs.pop("comment", "") or "").strip()
        if action_name == "reject":
            if not comment:
                raise ValidationError(_("En kommentar krävs när ändringar begärs."))
            data = log_step(task_state, user, "governance.step_returned", {"comment": comment})
            task_state.reject(user=user, comment=comment)
        elif action_name == "approve":
            data = self.approve(task_state, user, comment=comment, **kwargs)
        else:
            raise PermissionDenied(_("Okänd åtgärd."))
        send_transition(self, task_state, user, data)
        return None

    def approve(self, task_state, user, comment="", **kwargs):
        data = log_step(task_state, user, "governance.step_approved", {"comment": comment})
        task_state.approve(user=user, comment=comment)
        return data


def submission_problems(page, workflow, submitters):
    """Why a run of `workflow` for `page` would wait forever: steps nobody else can act on.

    Checked when a document is submitted or resubmitted, so the submitter hears at once what
    to fix instead of the run stalling unnoticed.
    """
    problems = []
    tasks = Task.objects.filter(workflow_tasks__workflow=workflow, active=True).order_by(
        "workflow_tasks__sort_order"
    )
    for task in tasks:
        task = task.specific
        if not isinstance(task, StyrdokTaskMixin):
            continue
        if not task.eligible_approvers(page, None, submitters):
            message = str(task.stall_message(page))
            if _is_restricted(page):
                message += " " + str(
                    _(
                        "Dokumentet är begränsat till vissa grupper, och den som godkänner eller "
                        "beslutar måste vara medlem i någon av dem."
                    )
                )
            problems.append(message)
    return problems


def _is_restricted(page):
    groups = getattr(page, "restricted_to", None)
    return groups is not None and bool(list(groups.all()))


# -- the task types ------------------------------------------------------------------------


class ReviewTask(StyrdokTaskMixin, AbstractGroupApprovalTask):
    """Granskning / beredning, e.g. by the informationssäkerhetssamordnare."""

    def user_is_approver(self, obj, user):
        return user.is_active and (user.is_superuser or self._user_in_groups(user))

    def approver_actions(self, obj):
        return [
            ("reject", _("Begär ändringar"), True),
            ("approve", _("Godkänn granskningen"), False),
            ("approve", _("Godkänn med kommentar"), True),
        ]

    def approvers_for(self, obj):
        return active_members(self.groups.all())

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = (
            super()
            .get_task_states_user_can_moderate(user, **kwargs)
            .exclude(workflow_state__requested_by=user)
        )
        return without_other_steps(states, self, user)

    @classmethod
    def get_description(cls):
        return _("Granskning av förslaget av medlemmar i de valda grupperna.")

    class Meta:
        verbose_name = _("granskning")
        verbose_name_plural = _("granskningar")


class OfficialDecisionTask(StyrdokTaskMixin, Task):
    """An official decides (or forwards a proposal) by delegation, in the system."""

    decision_body = models.ForeignKey(
        "governance.DecisionBody",
        verbose_name=_("beslutsfattare"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": BodyKind.OFFICIAL},
        help_text=_(
            "Lämna tomt för att dokumentets eget beslutande organ ska besluta. Välj en befattning "
            "för ett fast steg, t.ex. att kommundirektören överlämnar ett förslag."
        ),
    )
    sets_decision = models.BooleanField(
        _("fastställer dokumentet"),
        default=True,
        help_text=_(
            "Markerat: steget är beslutet och sätter beslutsdatum och beslutande organ. "
            "Omarkerat: steget överlämnar förslaget till nästa steg."
        ),
    )

    admin_form_fields = Task.admin_form_fields + ["decision_body", "sets_decision"]

    def body_for(self, obj):
        if self.decision_body_id:
            return self.decision_body
        return draft_decision_body(obj)

    def approvers_for(self, obj):
        body = self.body_for(obj)
        if body is None:
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(pk__in=[body.official_id, body.deputy_id], is_active=True)
            .order_by("pk")
        )

    def user_is_approver(self, obj, user):
        body = self.body_for(obj)
        return bool(
            user.is_active
            and user.pk is not None
            and body is not None
            and user.pk in (body.official_id, body.deputy_id)
        )

    def stall_message(self, obj):
        body = self.body_for(obj)
        return _(
            "Ingen annan än den som skickar in kan besluta i steget ”%(task)s”: "
            "beslutsfattaren för %(body)s saknas, är inaktiv eller är den som skickar in, och "
            "ingen annan ersättare finns. En administratör anger beslutsfattare eller ersättare "
            "under Styrning → Beslutande organ innan dokumentet skickas in."
        ) % {"task": self.name, "body": body.name if body else "–"}

    def approver_actions(self, obj):
        if self.sets_decision:
            return [
                ("reject", _("Återremittera"), True),
                ("approve", _("Fastställ"), True),
            ]
        return [
            ("reject", _("Återremittera"), True),
            ("approve", _("Överlämna förslaget"), False),
            ("approve", _("Överlämna med kommentar"), True),
        ]

    def get_form_for_action(self, action):
        if action == "approve" and self.sets_decision:
            return OfficialDecisionForm
        return super().get_form_for_action(action)

    def get_template_for_action(self, action):
        if action == "approve" and self.sets_decision:
            return "governance/workflow_action_modal.html"
        return ""

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if not user.is_authenticated:
            return TaskState.objects.none()
        states = (
            self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
            .exclude(workflow_state__requested_by=user)
            .select_related("workflow_state")
        )
        states = without_other_steps(states, self, user)
        if self.decision_body_id:
            body = self.decision_body
            return states if user.pk in (body.official_id, body.deputy_id) else states.none()
        # The deciding official follows each draft's own body; open runs are few.
        mine = [
            state.pk
            for state in states
            if self.user_is_approver(state.workflow_state.content_object, user)
        ]
        return self.task_states.filter(pk__in=mine)

    def approve(
        self,
        task_state,
        user,
        comment="",
        decision_date=None,
        diarienummer="",
        editorial_change=False,
        **kwargs,
    ):
        obj = task_state.workflow_state.content_object
        body = self.body_for(obj)
        if not self.sets_decision:
            data = log_step(
                task_state,
                user,
                "governance.step_approved",
                {"comment": comment, "body": body.name},
            )
            task_state.approve(user=user, comment=comment)
            return data
        decision_date = decision_date or timezone.localdate()
        # Shell helpers and direct calls skip the form: the record gets the canonical dnr anyway.
        diarienummer = normalise_diarienummer(diarienummer)
        page = apply_decision(
            task_state, user, body=body, decision_date=decision_date, diarienummer=diarienummer
        )
        data = log_step(
            task_state,
            user,
            "governance.decided",
            {
                **decision_subject(page),
                **editorial_choice(page, editorial_change),
                "comment": comment,
                "body": body.name,
                "body_id": body.pk,
                "outcome": DecisionOutcome.ADOPTED.value,
                "decision_date": decision_date.isoformat(),
                "diarienummer": diarienummer,
                "paragraph": None,
            },
        )
        task_state.approve(user=user, comment=comment)
        return data

    @classmethod
    def get_description(cls):
        return _(
            "En tjänsteperson fastställer dokumentet eller överlämnar förslaget, på delegation."
        )

    class Meta:
        verbose_name = _("beslut av tjänsteperson")
        verbose_name_plural = _("beslut av tjänsteperson")


class RecordedDecisionTask(StyrdokTaskMixin, Task):
    """KS or KF decides in a meeting; the nämndsekreterare records it from the protocol."""

    decision_body = models.ForeignKey(
        "governance.DecisionBody",
        verbose_name=_("beslutande organ"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": BodyKind.ASSEMBLY},
    )
    groups = models.ManyToManyField(
        Group,
        verbose_name=_("registreras av"),
        related_name="+",
        help_text=_("Grupper vars medlemmar registrerar beslutet, normalt nämndsekreterarna."),
    )
    is_proposal = models.BooleanField(
        _("beredning (förslag till beslut)"),
        default=False,
        help_text=_(
            "Markerat: organet bereder ärendet och föreslår beslut; dokumentet går vidare till "
            "nästa steg. Omarkerat: organets beslut fastställer och publicerar dokumentet."
        ),
    )

    admin_form_fields = Task.admin_form_fields + ["decision_body", "groups", "is_proposal"]
    admin_form_widgets = {"groups": forms.CheckboxSelectMultiple}

    def _user_in_groups(self, user):
        cache = user.__dict__.setdefault("_recorded_task_checks", {})
        if self.pk not in cache:
            cache[self.pk] = self.groups.filter(id__in=user.groups.all()).exists()
        return cache[self.pk]

    def user_is_approver(self, obj, user):
        return user.is_active and (user.is_superuser or self._user_in_groups(user))

    def approvers_for(self, obj):
        return active_members(self.groups.all())

    def approver_actions(self, obj):
        return [("record", _("Registrera beslut"), True)]

    def get_form_for_action(self, action):
        return RecordProposalForm if self.is_proposal else RecordDecisionForm

    def get_template_for_action(self, action):
        return "governance/workflow_action_modal.html"

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if user.is_authenticated and (user.is_superuser or self._user_in_groups(user)):
            states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS).exclude(
                workflow_state__requested_by=user
            )
            return without_other_steps(states, self, user)
        return TaskState.objects.none()

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        task_state = self.lock_step(task_state)
        self.check_actor(task_state, user, action_name)
        if action_name != "record":
            raise PermissionDenied(
                _("Beslut i %(body)s registreras av nämndsekreteraren.")
                % {"body": self.decision_body}
            )
        return self.record(task_state, user, **kwargs)

    def record(
        self,
        task_state,
        user,
        *,
        outcome,
        meeting_date,
        paragraph,
        diarienummer,
        protocol_reference="",
        protocol_url="",
        comment="",
        editorial_change=False,
        **kwargs,
    ):
        """Record the meeting's decision; the outcome decides how the workflow continues."""
        comment = (comment or "").strip()
        if outcome in (DecisionOutcome.RETURNED, DecisionOutcome.REJECTED) and not comment:
            raise ValidationError(_("Ange skälet till återremissen eller avslaget."))
        if meeting_date > timezone.localdate():
            raise ValidationError(_("Sammanträdesdatum kan inte ligga i framtiden."))
        diarienummer = normalise_diarienummer(diarienummer)
        body = self.decision_body
        data = {
            "body": body.name,
            "body_id": body.pk,
            "outcome": outcome,
            "decision_date": meeting_date.isoformat()
            if isinstance(meeting_date, datetime.date)
            else meeting_date,
            "paragraph": paragraph,
            "diarienummer": diarienummer,
            "protocol_reference": protocol_reference,
            "protocol_url": protocol_url,
            "comment": comment,
            "is_proposal": self.is_proposal,
        }
        if outcome == DecisionOutcome.ADOPTED:
            if not self.is_proposal:
                page = apply_decision(
                    task_state,
                    user,
                    body=body,
                    decision_date=meeting_date,
                    diarienummer=diarienummer,
                    paragraph=paragraph,
                )
                data.update(decision_subject(page))
                data.update(editorial_choice(page, editorial_change))
            action = "governance.proposed" if self.is_proposal else "governance.decided"
            data = log_step(task_state, user, action, data)
            task_state.approve(user=user, comment=comment)
        elif outcome == DecisionOutcome.RETURNED:
            data = log_step(task_state, user, "governance.returned", data)
            task_state.reject(user=user, comment=comment)
        else:
            data = log_step(task_state, user, "governance.refused", data)
            task_state.reject(user=user, comment=comment)
            # Avslag ends the matter: the run is closed; a new proposal needs a new submission.
            workflow_state = WorkflowState.objects.get(pk=task_state.workflow_state_id)
            workflow_state.cancel(user=user)
        send_transition(self, task_state, user, data)
        return None

    @classmethod
    def get_description(cls):
        return _(
            "Ett politiskt organ beslutar på sammanträde; nämndsekreteraren registrerar beslutet."
        )

    class Meta:
        verbose_name = _("protokollfört beslut")
        verbose_name_plural = _("protokollförda beslut")
