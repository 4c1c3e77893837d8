"""The daily kvittens run: "Läs och bekräfta" after a decision, then reminders, one digest each.

For every document that requires kvittens, each person in its audience who has not confirmed
the version in force is due one *round*: round 0 is the notice after the decision (sent by the
first run after it), rounds 1, 2 … are the reminders the requirement configures (first after
`reminder_days`, then every `reminder_interval_days`, at most `max_reminders`). Only the round
due today is sent: after missed days a person gets one message, not one per missed round.

Exactly once: a ReminderSent row per person, version and round is written in the same
transaction as the outbox message (governance.outbox), which is delivered after that commits
and retried if delivery fails. A second run the same day finds the rows and sends nothing. One
run at a time (governance.locks.run_lock).
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from governance.links import intranet_page_url, site_root_url
from governance.locks import run_lock
from governance.models import StyrdokSettings
from governance.outbox import queue

from .models import Acknowledgement, ReminderSent
from .services import (
    audience,
    organisation_tree,
    required_documents,
    requirements_for,
    version_chains,
)

LOCK_NAME = "send_kvittens_reminders"
KIND = "kvittens_digest"


def schedule(requirements):
    """(first reminder day, interval, how many) for a document covered by `requirements`: the
    most insistent of them, so no requirement is reminded less often than it asks."""
    first = min(r.reminder_days for r in requirements)
    intervals = [r.reminder_interval_days for r in requirements if r.reminder_interval_days]
    return first, (min(intervals) if intervals else 0), max(r.max_reminders for r in requirements)


def due_round(requirements, adopted_on, today):
    """The round due on `today` for a version the audience was asked to confirm on
    `adopted_on`: 0 (the notice), 1… (reminders) or None (not yet: a future date)."""
    days = (today - adopted_on).days
    if days < 0:
        return None
    first, interval, count = schedule(requirements)
    if days < first:
        return 0
    if not interval:
        return 1
    return min(1 + (days - first) // interval, count)


@dataclass
class Item:
    document: object
    version: object  # in force: what the reader opens
    required: object  # whose confirmation is asked for (the round is recorded against it)
    round: int
    adopted_on: datetime.date

    @property
    def is_reminder(self):
        return self.round > 0


@dataclass
class Result:
    today: datetime.date
    dry_run: bool = False
    locked: bool = False
    documents_checked: int = 0
    emails_sent: int = 0
    no_email: list = field(default_factory=list)
    messages: list = field(default_factory=list)

    def summary(self):
        prefix = "Skulle skicka" if self.dry_run else "Skickade"
        text = (
            f"{self.documents_checked} dokument med kvittenskrav kontrollerade. "
            f"{prefix} {self.emails_sent} meddelande{'' if self.emails_sent == 1 else 'n'}."
        )
        if self.no_email:
            text += f" {len(self.no_email)} person(er) saknar e-postadress."
        return text


class KvittensRun:
    def __init__(self, today=None, dry_run=False):
        self.today = today or timezone.localdate()
        self.dry_run = dry_run

    def execute(self):
        result = Result(today=self.today, dry_run=self.dry_run)
        with run_lock(LOCK_NAME) as held:
            if not held:
                result.locked = True
                return result
            per_user = self.collect(result)
            for user, items in per_user.values():
                self.send(result, user, items)
        return result

    def collect(self, result):
        """{user id: (user, [Item])} for everyone who is due a round today."""
        tree = organisation_tree()
        documents = list(required_documents().defer_streamfields().order_by("title"))
        chains = version_chains([document.pk for document in documents])
        per_user = {}
        for document in documents:
            chain = chains[document.pk]
            if chain.current is None:
                continue
            result.documents_checked += 1
            for user, item in self.due_for(document, chain, tree):
                per_user.setdefault(user.pk, (user, []))[1].append(item)
        return per_user

    def due_for(self, document, chain, tree):
        """(user, Item) for each person in the audience who has not confirmed and has not had
        today's round for this version."""
        requirements = requirements_for(document)
        if not requirements:
            return []
        adopted_on = timezone.localdate(chain.required.adopted_at)
        number = due_round(requirements, adopted_on, self.today)
        if number is None:
            return []
        confirmed = Acknowledgement.objects.filter(version__in=chain.accepted_ids)
        sent = ReminderSent.objects.filter(version=chain.required, round=number)
        users = (
            audience(document, requirements, tree)
            .exclude(pk__in=confirmed.values("user_id"))
            .exclude(pk__in=sent.values("user_id"))
        )
        item = Item(
            document=document,
            version=chain.current,
            required=chain.required,
            round=number,
            adopted_on=adopted_on,
        )
        return [(user, item) for user in users.order_by("pk")]

    def send(self, result, user, items):
        if not user.email:
            result.no_email.append(user)
            return
        result.messages.append((user, items))
        if self.dry_run:
            result.emails_sent += 1
            return
        try:
            with transaction.atomic():
                ReminderSent.objects.bulk_create(
                    [
                        ReminderSent(
                            user=user,
                            version=item.required,
                            round=item.round,
                            sent_on=self.today,
                        )
                        for item in items
                    ]
                )
                subject, body = render_digest(user, items, self.today)
                # A digest of one document names it in the subject (Utskick shows it).
                page = items[0].document if len(items) == 1 else None
                queue(user.email, subject, body, kind=KIND, recipient=user, page=page)
        except IntegrityError:
            # Another run recorded one of these rounds a moment ago: it sends them.
            return
        result.emails_sent += 1


def render_digest(user, items, today):
    reminders = [item for item in items if item.is_reminder]
    context = {
        "recipient_name": user.get_full_name() or user.get_username(),
        "count": len(items),
        "reminders": len(reminders),
        "new_items": [item for item in items if not item.is_reminder],
        "reminder_items": reminders,
        "today": today,
        "start_url": site_root_url(intranet=True).rstrip("/") + "/#att-bekrafta",
        "kommun_name": StyrdokSettings.load().kommun_name,
    }
    for item in items:
        item.url = intranet_page_url(item.document) + "#kvittens"
        item.days = (today - item.adopted_on).days
    subject = " ".join(render_to_string("kvittens/emails/digest_subject.txt", context).split())
    body = render_to_string("kvittens/emails/digest.txt", context)
    return subject, body
