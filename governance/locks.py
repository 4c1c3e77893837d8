"""One run at a time for the periodic commands (reminders, outbox), on any database.

Cron can start a run while the previous one is still working, and an operator can start one by
hand: two runs side by side would each send everything. On PostgreSQL a session-level advisory
lock is used, which the server releases by itself if the process dies. SQLite has no such lock,
so a row with a unique name stands in for it; a row older than the stale timeout is taken over,
so a run killed with SIGKILL blocks the next ones for a while rather than forever.
"""

import contextlib
import datetime
import uuid
import zlib

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import RunLock

STALE_AFTER = datetime.timedelta(hours=2)


def _advisory_key(name):
    # A stable signed 64-bit key per lock name (pg_try_advisory_lock takes a bigint).
    return zlib.crc32(f"styrdok:{name}".encode()) + (1 << 40)


def _acquire_row(name, token, now):
    try:
        with transaction.atomic():
            RunLock.objects.create(name=name, token=token, acquired_at=now)
        return True
    except IntegrityError:
        pass
    # Held by someone: take it over only if it is stale, and only if nobody else just did.
    taken = RunLock.objects.filter(name=name, acquired_at__lt=now - STALE_AFTER).update(
        token=token, acquired_at=now
    )
    return taken == 1


@contextlib.contextmanager
def run_lock(name):
    """Yields True when this process holds the lock named `name`, False when another run does.

    Not to be entered inside a transaction on SQLite: the lock row must be committed to be seen.
    """
    if connection.vendor == "postgresql":
        key = _advisory_key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return

    token = uuid.uuid4().hex
    held = _acquire_row(name, token, timezone.now())
    try:
        yield held
    finally:
        if held:
            RunLock.objects.filter(name=name, token=token).delete()
