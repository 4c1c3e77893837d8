"""Review reminders arrive exactly once: one run at a time, and each message claimed before it
is sent, so that neither two runs side by side nor a run killed halfway sends anything twice.
"""

import datetime
import smtplib
import threading
from collections import Counter
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from governance.locks import run_lock
from governance.models import RunLock
from policies.models import RiktlinjePage
from revision.models import ReviewReminder
from revision.reminders import LOCK_NAME, ReminderRun
from tests.factories import make_live_document, make_organisation, make_user
from tests.revision.test_reminders import START, at, days

pytestmark = pytest.mark.django_db

LOCKED = "En annan påminnelsekörning pågår redan."


class Killed(BaseException):
    """The process dies (SIGKILL, power cut) in the middle of an SMTP call."""


class DyingBackend(EmailBackend):
    """Delivers `limit` messages, then the process dies during the next SMTP call."""

    limit = 3

    def send_messages(self, messages):
        if len(mail.outbox) >= self.limit:
            raise Killed
        return super().send_messages(messages)


class FlakyBackend(EmailBackend):
    """Delivers `limit` messages, then the server refuses the next one, then recovers."""

    limit = 3
    refused = 0

    def send_messages(self, messages):
        if len(mail.outbox) >= self.limit and FlakyBackend.refused == 0:
            FlakyBackend.refused += 1
            raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"Mailbox full")})
        return super().send_messages(messages)


def build_kommun(owners=6, per_owner=2):
    """Owners with overdue and due-soon documents; one e-mail per owner and document."""
    unit = make_organisation("Kommunledningsförvaltningen")
    documents = []
    for n in range(owners):
        owner = make_user(f"agare{n}", first_name="Ägare", last_name=str(n))
        for m in range(per_owner):
            documents.append(
                make_live_document(
                    RiktlinjePage,
                    title=f"Riktlinje {n}-{m}",
                    next_review=START + days(7 if m % 2 else -3),
                    responsible=owner,
                    organisation=unit,
                    decision_date=START - days(120),
                    review_interval_months=24,
                )
            )
    return documents


def run_command():
    out, err = StringIO(), StringIO()
    call_command("send_review_reminders", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def deliveries():
    return Counter((tuple(m.to), m.subject) for m in mail.outbox)


@pytest.fixture
def separate(settings):
    settings.STYRDOK_REMINDER_DIGEST = False


@pytest.fixture
def today(time_machine):
    time_machine.move_to(at(START), tick=False)
    return START


# -- one run at a time --------------------------------------------------------------------------


def test_a_second_run_while_one_is_running_says_so_and_sends_nothing(today, separate):
    if connection.vendor == "postgresql":
        pytest.skip("the advisory lock is per session; see the threaded test below")
    build_kommun(owners=2)
    # The first run holds the lock row (as it does for the whole of its run).
    RunLock.objects.create(name=LOCK_NAME, token="forsta-korningen", acquired_at=timezone.now())

    out, err = run_command()  # exits 0: no CommandError

    assert LOCKED in out
    assert err == ""
    assert mail.outbox == []
    assert ReviewReminder.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
def test_a_second_run_while_another_session_holds_the_advisory_lock(today, separate):
    build_kommun(owners=2)
    held, done = threading.Event(), threading.Event()
    seen = []

    def first_run():
        # Another cron run, in its own database session, holding the lock while it works.
        try:
            with run_lock(LOCK_NAME) as got:
                seen.append(got)
                held.set()
                done.wait(timeout=60)
        finally:
            held.set()
            connections.close_all()

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert held.wait(timeout=30)
        assert seen == [True]
        out, err = run_command()  # exits 0: no CommandError
    finally:
        done.set()
        thread.join(timeout=60)

    assert LOCKED in out
    assert err == ""
    assert mail.outbox == []
    assert ReviewReminder.objects.count() == 0
    # Once the first run has finished, the next one works.
    run_command()
    assert len(mail.outbox) == 4


def test_a_stale_lock_of_a_killed_run_is_taken_over(today, separate):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL releases an advisory lock when the session ends")
    build_kommun(owners=2)
    three_hours_ago = timezone.now() - datetime.timedelta(hours=3)
    RunLock.objects.create(name=LOCK_NAME, token="dod-korning", acquired_at=three_hours_ago)

    out, _err = run_command()

    assert LOCKED not in out
    assert len(mail.outbox) == 4
    assert not RunLock.objects.exists()  # released at the end of the run


def test_the_lock_is_released_after_each_run(today, separate):
    build_kommun(owners=2)
    run_command()
    assert len(mail.outbox) == 4
    mail.outbox.clear()
    out, _err = run_command()
    assert LOCKED not in out
    assert mail.outbox == []
    assert not RunLock.objects.exists()


def test_dry_run_still_works_and_records_nothing(today, separate):
    build_kommun(owners=2)
    out = StringIO()
    call_command("send_review_reminders", "--dry-run", stdout=out)
    assert out.getvalue().count("Skulle skicka: ") == 4
    assert "4 e-postmeddelanden skulle skickas om 4 dokument" in out.getvalue()
    assert mail.outbox == []
    assert ReviewReminder.objects.count() == 0


# -- claim before send --------------------------------------------------------------------------


def test_a_run_killed_mid_send_resends_only_the_message_in_flight(today, separate, settings):
    documents = build_kommun(owners=3)  # six messages
    settings.EMAIL_BACKEND = "tests.revision.test_reminders_once.DyingBackend"

    with pytest.raises(Killed):
        ReminderRun().execute()

    assert len(mail.outbox) == 3
    delivered_first = deliveries()
    # Three marked sent, the fourth claimed (committed before its SMTP call), the rest untouched.
    states = Counter(ReviewReminder.objects.values_list("state", flat=True))
    assert states == {"sent": 3, "claimed": 1}

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out, err = run_command()

    assert err == ""
    total = deliveries()
    assert len(total) == len(documents) == 6
    assert set(total.values()) == {1}, total  # nothing delivered twice
    assert all(total[key] == 1 for key in delivered_first)
    assert "3 skickade e-postmeddelanden om 3 dokument" in out
    assert ReviewReminder.objects.filter(state="sent").count() == 6
    assert not ReviewReminder.objects.filter(state="claimed").exists()


def test_a_refused_message_is_retried_and_nothing_delivered_is_sent_again(
    today, separate, settings
):
    build_kommun(owners=3)
    FlakyBackend.refused = 0
    settings.EMAIL_BACKEND = "tests.revision.test_reminders_once.FlakyBackend"

    with pytest.raises(Exception, match="1 e-postmeddelande kunde inte skickas"):
        run_command()

    assert len(mail.outbox) == 5  # the fourth was refused, the others went out
    assert ReviewReminder.objects.filter(state="sent").count() == 5
    assert not ReviewReminder.objects.filter(state="claimed").exists()  # the claim is released

    run_command()

    total = deliveries()
    assert len(total) == 6
    assert set(total.values()) == {1}


def test_the_digest_claims_every_document_it_lists(today, settings):
    settings.STYRDOK_REMINDER_DIGEST = True
    build_kommun(owners=2, per_owner=3)
    settings.EMAIL_BACKEND = "tests.revision.test_reminders_once.DyingBackend"
    DyingBackend.limit = 1
    try:
        with pytest.raises(Killed):
            ReminderRun().execute()
    finally:
        DyingBackend.limit = 3
    assert len(mail.outbox) == 1
    assert Counter(ReviewReminder.objects.values_list("state", flat=True)) == {
        "sent": 3,
        "claimed": 3,
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_command()
    run_command()
    assert len(mail.outbox) == 2
    assert len({tuple(m.to) for m in mail.outbox}) == 2
    assert ReviewReminder.objects.filter(state="sent").count() == 6


# -- two runs at once on PostgreSQL -------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent sessions need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("digest", [False, True], ids=["separate", "digest"])
def test_two_runs_at_the_same_time_deliver_each_message_once(
    committed_baseline, time_machine, settings, digest
):
    settings.STYRDOK_REMINDER_DIGEST = digest
    time_machine.move_to(at(START), tick=False)
    build_kommun(owners=8, per_owner=3)
    planned = ReminderRun(dry_run=True).execute()
    expected = planned.emails_planned
    assert expected == (8 if digest else 24)
    mail.outbox.clear()

    barrier = threading.Barrier(2)
    outputs = []

    def cron():
        try:
            barrier.wait(timeout=20)
            outputs.append(run_command()[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cron) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(outputs) == 2
    total = deliveries()
    assert sum(total.values()) == len(total) == expected
    # Either the second run found the lock taken, or it started after the first had finished
    # and found everything recorded: never a second copy.
    assert ReviewReminder.objects.filter(state="sent").count() == 24
    assert not ReviewReminder.objects.filter(state="claimed").exists()
