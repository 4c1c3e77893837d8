"""Decision e-mails through an outbox: recorded with the decision, delivered after commit.

A notification is a row written in the same transaction as the workflow transition, so a
decision that is rolled back leaves neither a row nor a mail. After commit a background task
(django-tasks: immediate in development and tests, the database backend with `db_worker` in
production) delivers the row. A failed delivery keeps the row with its error and a next attempt
time that doubles with each attempt; `manage.py send_outbox` (cron) retries the rows that are
due, and administrators see and resend failed messages in the "Utskick" report.

A row is claimed before it is sent (pending/failed -> sending with a conditional UPDATE, and on
PostgreSQL batches are picked with SELECT … FOR UPDATE SKIP LOCKED), so two workers never send
the same row. A worker that dies between the claim and the SMTP reply leaves a "sending" row;
it is taken up again after SENDING_TIMEOUT, which can repeat that one message at most.
"""

import contextlib
import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, models, transaction
from django.utils import timezone
from django_tasks import task

from .models import OutboxMessage

logger = logging.getLogger(__name__)

FIRST_RETRY = datetime.timedelta(minutes=5)
MAX_RETRY = datetime.timedelta(hours=12)
SENDING_TIMEOUT = datetime.timedelta(minutes=15)
BATCH = 100


def max_attempts():
    return max(1, int(getattr(settings, "STYRDOK_OUTBOX_MAX_ATTEMPTS", 8)))


def backoff(attempts):
    """5 minutes after the first failure, then doubling: 10, 20, 40 … at most 12 hours."""
    delay = FIRST_RETRY * (2 ** max(0, attempts - 1))
    return min(delay, MAX_RETRY)


def queue(email, subject, body, kind, recipient=None, page=None):
    """Record one message in the current transaction; it is delivered once that commits.

    `page` is the document the message names (shown in Utskick only to those who may see it)."""
    message = OutboxMessage.objects.create(
        recipient=recipient,
        email=email,
        page_id=getattr(page, "pk", None),
        subject=subject[:255],
        body=body,
        kind=kind,
        next_attempt_at=timezone.now(),
    )
    pk = message.pk
    # robust: the decision is saved when this runs; a queue that cannot be reached is logged and
    # the row waits for `send_outbox`.
    transaction.on_commit(lambda: deliver_outbox_message.enqueue(pk), robust=True)
    return message


def due_filter(now):
    return models.Q(
        status__in=[OutboxMessage.PENDING, OutboxMessage.FAILED],
        next_attempt_at__lte=now,
    ) | models.Q(status=OutboxMessage.SENDING, claimed_at__lt=now - SENDING_TIMEOUT)


def claim(pk, now=None, force=False):
    """Take the row for this worker; False if another worker has it or it is not due.

    One conditional UPDATE: on PostgreSQL a concurrent UPDATE of the same row waits and then
    re-checks the WHERE clause, on SQLite writes are serialised, so exactly one claim wins.
    `force` (the resend action) claims a failed or pending row whatever its next attempt time.
    """
    now = now or timezone.now()
    rows = OutboxMessage.objects.filter(pk=pk)
    if force:
        rows = rows.filter(status__in=[OutboxMessage.PENDING, OutboxMessage.FAILED])
    else:
        rows = rows.filter(due_filter(now))
    return (
        rows.update(
            status=OutboxMessage.SENDING,
            claimed_at=now,
            attempts=models.F("attempts") + 1,
        )
        == 1
    )


def claim_due(now=None, limit=BATCH):
    """Claim up to `limit` due rows; returns their ids (safe with concurrent workers)."""
    now = now or timezone.now()
    due = OutboxMessage.objects.filter(due_filter(now)).order_by("next_attempt_at", "pk")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(
                due.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[
                    :limit
                ]
            )
            OutboxMessage.objects.filter(pk__in=ids).update(
                status=OutboxMessage.SENDING,
                claimed_at=now,
                attempts=models.F("attempts") + 1,
            )
        return ids
    return [pk for pk in due.values_list("pk", flat=True)[:limit] if claim(pk, now)]


def send_claimed(pk, connection_=None):
    """Deliver a row this worker has claimed and record the outcome; True when sent."""
    message = OutboxMessage.objects.filter(pk=pk, status=OutboxMessage.SENDING).first()
    if message is None:
        return False
    try:
        EmailMessage(
            message.subject, message.body, to=[message.email], connection=connection_
        ).send()
    except Exception as exc:  # noqa: BLE001 - any mail error is recorded and retried
        now = timezone.now()
        gave_up = message.attempts >= max_attempts()
        OutboxMessage.objects.filter(pk=pk).update(
            status=OutboxMessage.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=None if gave_up else now + backoff(message.attempts),
            claimed_at=None,
        )
        if connection_ is not None:
            # A refused message can leave the SMTP session in any state; the next one reopens.
            with contextlib.suppress(Exception):
                connection_.close()
        logger.warning(
            "Outbox message %s to %s failed (attempt %s): %s",
            pk,
            message.email,
            message.attempts,
            exc,
        )
        return False
    OutboxMessage.objects.filter(pk=pk).update(
        status=OutboxMessage.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return True


def deliver(pk, force=False):
    """Claim and send one row; False when it was not ours to send or the delivery failed."""
    if not claim(pk, force=force):
        return False
    return send_claimed(pk)


@task()
def deliver_outbox_message(message_id):
    """The after-commit delivery of one row; a failure stays in the outbox for `send_outbox`."""
    return deliver(message_id)


def deliver_due(now=None, limit=None):
    """Retry everything that is due; returns (sent, failed). Used by `manage.py send_outbox`."""
    sent = failed = 0
    mail_connection = get_connection()
    try:
        while True:
            ids = claim_due(now, limit=BATCH)
            if not ids:
                break
            for pk in ids:
                if send_claimed(pk, mail_connection):
                    sent += 1
                else:
                    failed += 1
            if limit is not None and sent + failed >= limit:
                break
    finally:
        with contextlib.suppress(Exception):
            mail_connection.close()
    return sent, failed
