"""The daily review reminder run behind `manage.py send_review_reminders`.

For each adopted document it works out which step of the review cycle is due today:

* before the due date: the latest passed offset of StyrdokSettings.reminder_days (60, 30, 7, 0);
* while overdue: one reminder every `overdue_reminder_days`;
* after `escalation_grace_days` overdue: an escalation to the informationssäkerhetssamordnare,
  the security team's mailbox and the owner's chef, repeated every `escalation_repeat_days`;
* a document without an active dokumentansvarig: once per cycle, to the same people;
* a document whose parent was adopted in a new version ("Översyn behövs"): to the owner.

Only the step due today is sent, so a run after missed days catches up with one message rather
than every step it missed. A ReviewReminder row per document, cycle, step and address records
what went out; a delivery that fails has no row and is tried again on the next run.

The number of SQL queries is constant in the number of documents: everything is read in a
handful of queries up front and the records are written in bulk.
"""

import contextlib
import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from .models import Assignment, Organisation, ReviewReminder, StyrdokSettings
from .notifications import admin_url, display_name

logger = logging.getLogger(__name__)

COORDINATOR_ROLE = "informationssakerhetssamordnare"

OWNER = "agare"
ESCALATION = "eskalering"
KINDS = {"paminnelse", "eskalering", "saknar-agare", "oversyn"}

# Records are written in batches as the run goes, so a crash loses at most one batch of
# records (those messages would be sent again: never lost, at worst repeated once).
RECORD_BATCH = 200


@dataclass
class Recipient:
    email: str
    name: str
    user: object = None


@dataclass
class Message:
    document: object
    audience: str  # OWNER or ESCALATION
    recipient: Recipient
    steps: list  # [(step, kind)]
    context: dict
    error: str = ""

    @property
    def kinds(self):
        return {kind for _step, kind in self.steps}

    @property
    def is_escalation(self):
        return self.audience == ESCALATION

    def describe(self):
        steps = ", ".join(step for step, _kind in self.steps)
        return (
            f"”{self.document.title}” (revideras senast {self.document.next_review:%Y-%m-%d}) "
            f"till {self.recipient.name} <{self.recipient.email}> [{steps}]"
        )


@dataclass
class RunResult:
    today: datetime.date
    dry_run: bool
    documents_checked: int = 0
    messages: list = field(default_factory=list)
    sent: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    no_email: list = field(default_factory=list)

    @property
    def documents_reminded(self):
        done = self.messages if self.dry_run else self.sent
        return len({message.document.pk for message in done})

    @property
    def escalations(self):
        done = self.messages if self.dry_run else self.sent
        return sum(1 for message in done if message.is_escalation)

    def summary(self):
        day = self.today.isoformat()
        escalations = plural(self.escalations, "eskalering", "eskaleringar")
        if self.dry_run:
            return (
                f"Provkörning för {day}: {self.documents_checked} dokument kontrollerade, "
                f"{plural(len(self.messages), 'e-postmeddelande', 'e-postmeddelanden')} skulle "
                f"skickas om {self.documents_reminded} dokument (varav {escalations}), "
                f"{len(self.no_email)} mottagare saknar e-postadress. Inget skickades."
            )
        sent = plural(len(self.sent), "skickat e-postmeddelande", "skickade e-postmeddelanden")
        return (
            f"Revisionspåminnelser för {day}: {self.documents_checked} dokument kontrollerade, "
            f"{sent} om {self.documents_reminded} dokument (varav {escalations}), "
            f"{len(self.failed)} misslyckades, "
            f"{len(self.no_email)} mottagare saknar e-postadress."
        )


def plural(count, one, many):
    """'1 eskalering', '3 eskaleringar'."""
    return f"{count} {one if count == 1 else many}"


class ReminderRun:
    """Plan and send the reminders due on `today`; see the module docstring."""

    def __init__(self, today=None, dry_run=False, document_ids=None, kinds=None):
        self.today = today or timezone.localdate()
        self.dry_run = dry_run
        self.document_ids = document_ids
        self.kinds = set(kinds) if kinds else set(KINDS)
        self.config = StyrdokSettings.load()
        self.offsets = self.config.reminder_day_list

    # -- reading everything up front ---------------------------------------------------------

    def candidates(self):
        from policies.models import Styrdokument
        from policies.models.documents import OWNER_MISSING

        horizon = self.today + datetime.timedelta(days=max(self.offsets, default=0))
        documents = (
            Styrdokument.objects.live()
            .filter(next_review__isnull=False)
            .filter(
                models.Q(next_review__lte=horizon)
                | OWNER_MISSING
                | models.Q(review_flagged_at__isnull=False)
            )
        )
        if self.document_ids is not None:
            documents = documents.filter(pk__in=self.document_ids)
        return documents

    def load(self):
        User = get_user_model()
        from policies.models.documents import OWNER_MISSING, open_workflow_exists

        candidates = self.candidates()
        self.documents = list(
            candidates.annotate(
                in_workflow=open_workflow_exists(),
                owner_missing=models.ExpressionWrapper(
                    OWNER_MISSING, output_field=models.BooleanField()
                ),
            )
            .select_related("responsible", "organisation", "decision_body")
            .prefetch_related("restricted_to")
            .order_by("next_review", "pk")
        )
        self.sent_keys = set(
            ReviewReminder.objects.filter(
                document__in=candidates.values("pk"),
                due_date__in=candidates.values("next_review"),
            ).values_list("document_id", "due_date", "step", "email")
        )
        self.organisations = {org.pk: org for org in Organisation.objects.select_related("manager")}
        self.kommun = next(
            (org for org in self.organisations.values() if org.parent_id is None), None
        )
        self.units_of = defaultdict(list)
        coordinators = []
        for assignment in Assignment.objects.select_related("user", "role").order_by("pk"):
            self.units_of[assignment.user_id].append(assignment.organisation_id)
            if assignment.role.code == COORDINATOR_ROLE and assignment.user.is_active:
                coordinators.append(assignment.user)
        if not coordinators:
            # No one holds the samordnare role: whoever follows up the decision runs.
            coordinators = list(
                User.objects.with_perm(
                    "governance.monitor_decision_runs",
                    is_active=True,
                    include_superusers=False,
                    # Permissions are granted to groups in the database, whatever logs people in.
                    backend="django.contrib.auth.backends.ModelBackend",
                )
                .distinct()
                .order_by("pk")
            )
        self.coordinators = coordinators
        self.group_ids = defaultdict(set)
        if any(document.restricted_to.all() for document in self.documents):
            for user_id, group_id in User.groups.through.objects.values_list("user_id", "group_id"):
                self.group_ids[user_id].add(group_id)
        site = (
            Site.objects.filter(hostname=settings.STYRDOK_INTRANET_HOSTNAME)
            .select_related("root_page")
            .first()
            or Site.objects.select_related("root_page").first()
        )
        self.root_url_path = site.root_page.url_path if site else "/"

    # -- deciding what is due --------------------------------------------------------------

    def owner_step(self, due):
        days = (due - self.today).days
        if days >= 0:
            passed = [offset for offset in self.offsets if days <= offset]
            return f"fore-{min(passed)}" if passed else None
        overdue = -days
        week = overdue // self.config.overdue_reminder_days
        if week >= 1:
            return f"forsenad-{week}"
        # The due date passed without its reminder (a missed run): send it now.
        return f"fore-{min(self.offsets)}" if self.offsets else None

    def escalation_step(self, due):
        overdue = (self.today - due).days
        grace = self.config.escalation_grace_days
        if overdue <= 0 or overdue < grace:
            return None
        repeat = self.config.escalation_repeat_days
        number = 1 + ((overdue - grace) // repeat if repeat else 0)
        return f"eskalering-{number}"

    def chef_for(self, owner, document):
        """The owner's chef: the manager of the owner's unit (from their assignments, else the
        document's förvaltning, else the kommun), going up the organisation past the owner."""
        units = list(self.units_of.get(owner.pk, [])) if owner is not None else []
        if document.organisation_id:
            units.append(document.organisation_id)
        if self.kommun is not None:
            units.append(self.kommun.pk)
        for unit_id in units:
            org = self.organisations.get(unit_id)
            seen = set()
            while org is not None and org.pk not in seen:
                seen.add(org.pk)
                manager = org.manager
                if (
                    manager is not None
                    and manager.is_active
                    and (owner is None or manager.pk != owner.pk)
                ):
                    return manager
                org = self.organisations.get(org.parent_id)
        return None

    def may_read(self, user, document):
        groups = {group.pk for group in document.restricted_to.all()}
        if not groups or user is None:
            return not groups
        return user.is_superuser or bool(groups & self.group_ids.get(user.pk, set()))

    def escalation_recipients(self, document):
        owner = document.responsible
        users = [*self.coordinators, self.chef_for(owner, document)]
        restricted = bool(document.restricted_to.all())
        recipients = []
        seen = set()
        addresses = set()
        for user in users:
            if user is None or not user.is_active or user.pk in seen:
                continue
            if owner is not None and user.pk == owner.pk and not document.owner_missing:
                continue
            if not self.may_read(user, document):
                continue
            seen.add(user.pk)
            if user.email and user.email.lower() in addresses:
                continue  # two accounts sharing an address get one message
            addresses.add((user.email or "").lower())
            recipients.append(Recipient(user.email, display_name(user), user))
        mailbox = self.config.security_team_email
        if mailbox and not restricted and mailbox.lower() not in addresses:
            recipients.append(Recipient(mailbox, "Informationssäkerhetsfunktionen"))
        return recipients

    def plan(self):
        """The messages due today that have not gone out; recipients without an address are
        collected separately."""
        self.load()
        messages = []
        self.no_email = []
        for document in self.documents:
            due = document.next_review
            owner = None if document.owner_missing else document.responsible
            owner_steps = []
            escalation_steps = []
            if not document.in_workflow:
                if owner is not None and "paminnelse" in self.kinds:
                    step = self.owner_step(due)
                    if step:
                        owner_steps.append((step, "paminnelse"))
                if "eskalering" in self.kinds:
                    step = self.escalation_step(due)
                    if step:
                        escalation_steps.append((step, "eskalering"))
            if document.owner_missing and "saknar-agare" in self.kinds:
                escalation_steps.insert(0, ("saknar-agare", "saknar-agare"))
            if document.review_flagged_at and owner is not None and "oversyn" in self.kinds:
                owner_steps.append(
                    (f"oversyn-{document.review_flagged_at:%Y%m%d%H%M%S}", "oversyn")
                )
            if owner_steps:
                messages += self._messages(
                    document,
                    OWNER,
                    [Recipient(owner.email, display_name(owner), owner)],
                    owner_steps,
                )
            if escalation_steps:
                messages += self._messages(
                    document, ESCALATION, self.escalation_recipients(document), escalation_steps
                )
        return messages

    def _messages(self, document, audience, recipients, steps):
        messages = []
        for recipient in recipients:
            if not recipient.email:
                self.no_email.append((document, recipient))
                continue
            todo = [
                (step, kind)
                for step, kind in steps
                if (document.pk, document.next_review, step, recipient.email) not in self.sent_keys
            ]
            if todo:
                messages.append(
                    Message(document, audience, recipient, todo, self.context(document))
                )
        return messages

    # -- the messages ----------------------------------------------------------------------

    def document_url(self, document):
        path = document.url_path
        root = self.root_url_path
        if root and path.startswith(root):
            path = "/" + path[len(root) :]
        return admin_url(path)

    def context(self, document):
        due = document.next_review
        days = (due - self.today).days
        owner = document.responsible
        return {
            "kommun_name": self.config.kommun_name,
            "title": document.title,
            "document_type": document.document_type_label,
            "due_date": due.isoformat(),
            "days_left": days,
            "days_overdue": -days,
            "today": self.today.isoformat(),
            "version": document.version,
            "diarienummer": document.diarienummer,
            "decision_body": document.decision_body.name if document.decision_body_id else "",
            "organisation": document.organisation.name if document.organisation_id else "",
            "owner_name": display_name(owner) if owner is not None else "",
            "owner_missing": document.owner_missing,
            "flag_note": document.review_flag_note,
            "document_url": self.document_url(document),
            "review_url": admin_url(reverse("styrdok_review", args=[document.pk])),
            "start_url": admin_url(reverse("styrdok_review_start", args=[document.pk])),
            "plan_url": admin_url(reverse("styrdok_revision_plan")),
        }

    def render(self, message):
        context = {
            **message.context,
            "recipient_name": message.recipient.name,
            "kinds": message.kinds,
            "is_reminder": "paminnelse" in message.kinds,
            "is_overview": "oversyn" in message.kinds,
            "is_escalation": "eskalering" in message.kinds,
            "is_ownerless": "saknar-agare" in message.kinds,
        }
        template = "review_owner" if message.audience == OWNER else "review_escalation"
        subject = " ".join(
            render_to_string(f"governance/emails/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"governance/emails/{template}.txt", context)
        return subject, body

    # -- sending ---------------------------------------------------------------------------

    def execute(self):
        messages = self.plan()
        result = RunResult(
            today=self.today,
            dry_run=self.dry_run,
            documents_checked=len(self.documents),
            messages=messages,
            no_email=self.no_email,
        )
        if self.dry_run:
            return result
        connection = get_connection()
        records = []
        try:
            for message in messages:
                try:
                    subject, body = self.render(message)
                    # Keep one SMTP session for the whole run (send() on a closed connection
                    # would open and close one per message); after a failure it is reopened
                    # here, and a server that is down fails each message rather than the run.
                    connection.open()
                    EmailMessage(
                        subject, body, to=[message.recipient.email], connection=connection
                    ).send()
                except Exception as exc:  # noqa: BLE001 - one address must not stop the run
                    message.error = f"{type(exc).__name__}: {exc}"
                    result.failed.append(message)
                    logger.warning("Review reminder to %s failed: %s", message.recipient.email, exc)
                    # A refused recipient can leave the SMTP session in any state; start afresh.
                    with contextlib.suppress(Exception):
                        connection.close()
                    continue
                result.sent.append(message)
                records += [
                    ReviewReminder(
                        document_id=message.document.pk,
                        due_date=message.document.next_review,
                        step=step,
                        kind=kind,
                        recipient=message.recipient.user,
                        email=message.recipient.email,
                        sent_on=self.today,
                    )
                    for step, kind in message.steps
                ]
                if len(records) >= RECORD_BATCH:
                    self._record(records)
                    records = []
        finally:
            self._record(records)
            with contextlib.suppress(Exception):
                connection.close()
        return result

    @staticmethod
    def _record(records):
        if records:
            ReviewReminder.objects.bulk_create(records, ignore_conflicts=True)
