"""The daily review reminder run behind `manage.py send_review_reminders`.

For each adopted document it works out which step of the review cycle is due today:

* before the due date: the latest passed offset of StyrdokSettings.reminder_days (60, 30, 7, 0);
* while overdue: one reminder every `overdue_reminder_days`;
* after `escalation_grace_days` overdue: an escalation to the informationssäkerhetssamordnare,
  the security team's mailbox and the owner's chef, repeated every `escalation_repeat_days`;
* a document without an active dokumentansvarig: once per cycle, to the same people;
* a document whose parent was adopted in a new version ("Översyn behövs"): to the owner.

Only the step due today is sent, so a run after missed days catches up with one message rather
than every step it missed.

Exactly once. Only one run works at a time (governance.locks: a PostgreSQL advisory lock, a lock
row on SQLite); a second run says so and stops. Each message is claimed before it is sent: its
ReviewReminder rows (one per document, cycle, step and address) are committed as "claimed"
before the SMTP call and marked "sent" after it. A delivery that fails removes its claim and is
tried again on the next run; a run that is killed leaves at most the claim of the message that
was in flight, which the next run (holding the lock, so no other run is sending) re-sends.

One digest per recipient (STYRDOK_REMINDER_DIGEST, on by default): everything due for one
address in a run goes out as one message listing the documents; a recipient with a single item
gets the ordinary message about it. With the setting off every document gets its own message.

Every sentence comes from the record: an escalation says which reminders the owner was sent and
when from the sent ReviewReminder rows, and says so when there were none.

The number of reads is constant in the number of documents: everything is read in a handful of
queries up front; the writes are a few per e-mail sent (the claim and the sent mark), written in
bulk for all documents of a digest.
"""

import contextlib
import datetime
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from governance.links import SiteLinks
from governance.locks import run_lock
from governance.models import Assignment, Organisation, StyrdokSettings
from governance.notifications import display_name
from policies.models import Styrdokument
from policies.models.documents import OWNER_MISSING, open_workflow_exists

from .models import ReviewReminder

logger = logging.getLogger(__name__)

COORDINATOR_ROLE = "informationssakerhetssamordnare"

OWNER = "agare"
ESCALATION = "eskalering"
KINDS = {"paminnelse", "eskalering", "saknar-agare", "oversyn"}

LOCK_NAME = "review-reminders"
CLAIMED = "claimed"
SENT = "sent"


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
    emails_sent: int = 0
    emails_failed: int = 0
    emails_planned: int = 0
    locked: bool = False

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
                f"{plural(self.emails_planned, 'e-postmeddelande', 'e-postmeddelanden')} skulle "
                f"skickas om {self.documents_reminded} dokument (varav {escalations}), "
                f"{len(self.no_email)} mottagare saknar e-postadress. Inget skickades."
            )
        sent = plural(self.emails_sent, "skickat e-postmeddelande", "skickade e-postmeddelanden")
        return (
            f"Revisionspåminnelser för {day}: {self.documents_checked} dokument kontrollerade, "
            f"{sent} om {self.documents_reminded} dokument (varav {escalations}), "
            f"{self.emails_failed} misslyckades, "
            f"{len(self.no_email)} mottagare saknar e-postadress."
        )


def plural(count, one, many):
    """'1 eskalering', '3 eskaleringar'."""
    return f"{count} {one if count == 1 else many}"


class ReminderRun:
    """Plan and send the reminders due on `today`; see the module docstring."""

    def __init__(self, today=None, dry_run=False, document_ids=None, kinds=None, digest=None):
        self.today = today or timezone.localdate()
        self.dry_run = dry_run
        self.document_ids = document_ids
        self.kinds = set(kinds) if kinds else set(KINDS)
        self.digest = (
            getattr(settings, "STYRDOK_REMINDER_DIGEST", True) if digest is None else digest
        )
        self.config = StyrdokSettings.load()
        self.offsets = self.config.reminder_day_list

    # -- reading everything up front ---------------------------------------------------------

    def candidates(self):
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

        candidates = self.candidates()
        self.documents = list(
            candidates.annotate(
                in_workflow=open_workflow_exists(),
                owner_missing=models.ExpressionWrapper(
                    OWNER_MISSING, output_field=models.BooleanField()
                ),
            )
            .select_related("responsible", "organisation", "decision_body")
            .order_by("next_review", "pk")
        )
        self.sent_keys = set()
        # What the owner was reminded of in this cycle, for the escalation's own account of it.
        self.reminded = defaultdict(list)
        for document_id, due, step, email, kind, sent_on, state in ReviewReminder.objects.filter(
            document__in=candidates.values("pk"),
            due_date__in=candidates.values("next_review"),
        ).values_list("document_id", "due_date", "step", "email", "kind", "sent_on", "state"):
            self.sent_keys.add((document_id, due, step, email))
            if kind == "paminnelse" and state == SENT:
                self.reminded[(document_id, due)].append((sent_on, step, email))
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
        # A restriction covers the whole subtree: a rutin under a restricted riktlinje is as
        # hidden as the riktlinje, whether or not it carries a restriction of its own.
        self.restricted_roots = defaultdict(set)
        for path, group_id in Styrdokument.restricted_to.through.objects.values_list(
            "styrdokument__path", "group_id"
        ):
            self.restricted_roots[path].add(group_id)
        self.group_ids = defaultdict(set)
        if self.restricted_roots:
            for user_id, group_id in User.groups.through.objects.values_list("user_id", "group_id"):
                self.group_ids[user_id].add(group_id)
        # Every link in the run is built from the intranet's Wagtail Site, read once here.
        self.links = SiteLinks()
        self.links.site(intranet=True)

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

    def restrictions(self, document):
        """The group sets of every restricted document at or above `document` (each must be
        met, as in policies.visibility)."""
        return [
            groups
            for path, groups in self.restricted_roots.items()
            if document.path.startswith(path)
        ]

    def is_restricted(self, document):
        return bool(self.restrictions(document))

    def may_read(self, user, document):
        restrictions = self.restrictions(document)
        if not restrictions or user is None:
            return not restrictions
        if not user.is_active:
            return False
        if user.is_superuser:
            return True
        member_of = self.group_ids.get(user.pk, set())
        return all(groups & member_of for groups in restrictions)

    def escalation_recipients(self, document):
        owner = document.responsible
        users = [*self.coordinators, self.chef_for(owner, document)]
        restricted = self.is_restricted(document)
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

    def owner_steps(self, document, owner):
        """The owner's (step, kind) pairs due for `document`: the review reminder, unless a
        revision is under way, then a samordnare's request for an översyn."""
        steps = []
        if owner is None:
            return steps
        if not document.in_workflow and "paminnelse" in self.kinds:
            step = self.owner_step(document.next_review)
            if step:
                steps.append((step, "paminnelse"))
        if document.review_flagged_at and "oversyn" in self.kinds:
            steps.append((f"oversyn-{document.review_flagged_at:%Y%m%d%H%M%S}", "oversyn"))
        return steps

    def escalation_steps(self, document):
        """The escalation's (step, kind) pairs due for `document`, a missing owner first."""
        steps = []
        if document.owner_missing and "saknar-agare" in self.kinds:
            steps.append(("saknar-agare", "saknar-agare"))
        if not document.in_workflow and "eskalering" in self.kinds:
            step = self.escalation_step(document.next_review)
            if step:
                steps.append((step, "eskalering"))
        return steps

    def plan(self):
        """The messages due today that have not gone out; recipients without an address are
        collected separately."""
        self.load()
        messages = []
        self.no_email = []
        for document in self.documents:
            owner = None if document.owner_missing else document.responsible
            if owner is not None and not self.may_read(owner, document):
                # A document restricted to groups the owner is not in does not exist for them
                # (as in Mina dokument and the calendar): no reminder names it to them.
                owner = None
            owner_steps = self.owner_steps(document, owner)
            escalation_steps = self.escalation_steps(document)
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
        return self.links.page(document, intranet=True)

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
            "review_url": self.links.admin(reverse("styrdok_review:overview", args=[document.pk])),
            "start_url": self.links.admin(reverse("styrdok_review:start", args=[document.pk])),
            "plan_url": self.links.admin(reverse("styrdok_revision_plan:index")),
            "my_documents_url": self.links.my_documents(),
            "reminders_sent": self.reminders_sent(document),
        }

    def reminders_sent(self, document):
        """The owner's reminders in this review cycle as the record shows them (sent only)."""
        rows = sorted(self.reminded.get((document.pk, document.next_review), []))
        return [
            {"date": sent_on.isoformat(), "step": step_label(step), "email": email}
            for sent_on, step, email in rows
        ]

    def render(self, message):
        context = {
            **message.context,
            "recipient_name": message.recipient.name,
            # The security team's mailbox is the only recipient that is not a person's account.
            "recipient_is_mailbox": message.recipient.user is None,
            "kinds": message.kinds,
            "is_reminder": "paminnelse" in message.kinds,
            "is_overview": "oversyn" in message.kinds,
            "is_escalation": "eskalering" in message.kinds,
            "is_ownerless": "saknar-agare" in message.kinds,
        }
        template = "review_owner" if message.audience == OWNER else "review_escalation"
        subject = " ".join(
            render_to_string(f"revision/emails/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"revision/emails/{template}.txt", context)
        return subject, body

    def render_digest(self, recipient, messages):
        """One message listing everything due for `recipient` in this run."""
        owned, escalated = [], []
        for message in messages:
            context = message.context
            item = {
                **context,
                "is_reminder": "paminnelse" in message.kinds,
                "is_overview": "oversyn" in message.kinds,
                "is_escalation": "eskalering" in message.kinds,
                "is_ownerless": "saknar-agare" in message.kinds,
                "overdue": context["days_left"] < 0,
            }
            (owned if message.audience == OWNER else escalated).append(item)
        documents = {message.document.pk: message.document for message in messages}
        overdue = sum(1 for d in documents.values() if d.next_review < self.today)
        context = {
            "recipient_name": recipient.name,
            "recipient_is_mailbox": recipient.user is None,
            "kommun_name": self.config.kommun_name,
            "today": self.today.isoformat(),
            "count": len(documents),
            "overdue": overdue,
            "owned": owned,
            "escalated": escalated,
            "my_documents_url": self.links.my_documents(),
            "plan_url": self.links.admin(reverse("styrdok_revision_plan:index")),
        }
        subject = " ".join(
            render_to_string("revision/emails/review_digest_subject.txt", context).split()
        )
        body = render_to_string("revision/emails/review_digest.txt", context)
        return subject, body

    # -- sending ---------------------------------------------------------------------------

    def envelopes(self, messages):
        """The e-mails to send: [(recipient, [Message, …])], one per recipient address in digest
        mode, one per message otherwise; in the planned order (by due date)."""
        if not self.digest:
            return [(message.recipient, [message]) for message in messages]
        groups = {}
        for message in messages:
            key = message.recipient.email.lower()
            if key not in groups:
                groups[key] = (message.recipient, [])
            groups[key][1].append(message)
        return list(groups.values())

    def execute(self):
        if self.dry_run:
            messages = self.plan()
            return RunResult(
                today=self.today,
                dry_run=True,
                documents_checked=len(self.documents),
                messages=messages,
                no_email=self.no_email,
                emails_planned=len(self.envelopes(messages)),
            )
        with run_lock(LOCK_NAME) as held:
            if not held:
                return RunResult(today=self.today, dry_run=False, locked=True)
            # Holding the lock, no other run is sending: a claim still "claimed" is the message
            # a killed run had in flight. Drop it so that message goes out again.
            ReviewReminder.objects.filter(state=CLAIMED).delete()
            return self._send(self.plan())

    def _send(self, messages):
        result = RunResult(
            today=self.today,
            dry_run=False,
            documents_checked=len(self.documents),
            messages=messages,
            no_email=self.no_email,
        )
        envelopes = self.envelopes(messages)
        result.emails_planned = len(envelopes)
        connection = get_connection()
        try:
            for recipient, group in envelopes:
                token = self._claim(recipient, group)
                if token is None:
                    continue  # another sender holds these steps: never send twice
                try:
                    if len(group) == 1:
                        subject, body = self.render(group[0])
                    else:
                        subject, body = self.render_digest(recipient, group)
                    # Keep one SMTP session for the whole run (send() on a closed connection
                    # would open and close one per message); after a failure it is reopened
                    # here, and a server that is down fails each message rather than the run.
                    connection.open()
                    EmailMessage(subject, body, to=[recipient.email], connection=connection).send()
                except Exception as exc:  # noqa: BLE001 - one address must not stop the run
                    # Not delivered: release the claim so the next run tries again.
                    ReviewReminder.objects.filter(claim_token=token, state=CLAIMED).delete()
                    for message in group:
                        message.error = f"{type(exc).__name__}: {exc}"
                        result.failed.append(message)
                    result.emails_failed += 1
                    logger.warning("Review reminder to %s failed: %s", recipient.email, exc)
                    # A refused recipient can leave the SMTP session in any state; start afresh.
                    with contextlib.suppress(Exception):
                        connection.close()
                    continue
                ReviewReminder.objects.filter(claim_token=token).update(
                    state=SENT, sent_at=timezone.now()
                )
                result.sent += group
                result.emails_sent += 1
        finally:
            with contextlib.suppress(Exception):
                connection.close()
        return result

    def _claim(self, recipient, group):
        """Commit a "claimed" row per document and step before the SMTP call; returns the
        claim's token, or None when one of the steps is already claimed or sent."""
        token = uuid.uuid4().hex
        rows = [
            ReviewReminder(
                document_id=message.document.pk,
                due_date=message.document.next_review,
                step=step,
                kind=kind,
                recipient=recipient.user,
                email=recipient.email,
                sent_on=self.today,
                state=CLAIMED,
                claim_token=token,
            )
            for message in group
            for step, kind in message.steps
        ]
        try:
            with transaction.atomic():
                ReviewReminder.objects.bulk_create(rows)
        except IntegrityError:
            logger.warning("Review reminder to %s already claimed; not sent again", recipient.email)
            return None
        return token


STEP_LABELS = {"saknar-agare": "saknar dokumentansvarig"}


def step_label(step):
    """'fore-30' -> '30 dagar före', 'forsenad-2' -> 'försenad, påminnelse 2'."""
    if step in STEP_LABELS:
        return STEP_LABELS[step]
    kind, _sep, number = step.rpartition("-")
    if kind == "fore":
        return "på sista dagen" if number == "0" else f"{number} dagar före sista dag"
    if kind == "forsenad":
        return f"försenad, påminnelse {number}"
    return step
