"""Decision e-mails through the outbox: recorded with the decision, delivered after commit,
retried with backoff, and shown to administrators in the "Utskick" report with a resend action.
"""

import datetime
import smtplib
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.locks import run_lock
from governance.models import OutboxMessage
from governance.outbox import backoff, claim, claim_due, deliver
from tests.factories import INTRANET_HOST

from .outbox_helpers import clear_mail, delivered, run_commit_callbacks
from .workflow_helpers import client_for, make_draft, messages_of, page_text, start

pytestmark = pytest.mark.django_db

TITLE = "Riktlinje för loggning"
WAITING = f"Att besluta: {TITLE} – Granskning"


class RefusingBackend(EmailBackend):
    """A mail server that refuses every message (a real backend, not a mock)."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Anslutningen till e-postservern bröts")


class Rollback(Exception):
    pass


@pytest.fixture
def draft(people):
    return make_draft("riktlinje", "ks", title=TITLE, responsible=people.agare)


def outbox_rows():
    return list(OutboxMessage.objects.order_by("pk"))


# -- after commit -------------------------------------------------------------------------------


def test_a_transition_records_its_mail_and_sends_it_after_commit(people, draft):
    clear_mail()
    start(draft, people.redaktor)

    # Recorded in the transition's transaction; nothing has left yet.
    rows = outbox_rows()
    assert [(row.email, row.subject, row.status) for row in rows] == [
        (people.samordnare.email, WAITING, OutboxMessage.PENDING)
    ]
    assert mail.outbox == []

    run_commit_callbacks()  # what the commit does: the delivery task runs

    assert [(m.to, m.subject) for m in mail.outbox] == [([people.samordnare.email], WAITING)]
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.last_error) == (OutboxMessage.SENT, 1, "")
    assert row.sent_at is not None
    assert row.recipient == people.samordnare and row.kind == "task_waiting"


def test_a_rolled_back_transition_leaves_no_row_and_no_mail(
    people, draft, django_capture_on_commit_callbacks
):
    clear_mail()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        start(draft, people.redaktor)
        assert OutboxMessage.objects.count() == 1  # recorded inside the transition …
        raise Rollback  # … which then fails after the notify call

    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


# -- failures and retries -----------------------------------------------------------------------


def test_a_refused_mail_stays_failed_and_a_retry_delivers_it(people, draft, settings, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    settings.EMAIL_BACKEND = "tests.governance.test_outbox.RefusingBackend"
    clear_mail()
    start(draft, people.redaktor)
    run_commit_callbacks()

    row = OutboxMessage.objects.get()
    assert row.status == OutboxMessage.FAILED
    assert row.attempts == 1
    assert row.last_error == "SMTPServerDisconnected: Anslutningen till e-postservern bröts"
    assert row.next_attempt_at == now + datetime.timedelta(minutes=5)
    assert mail.outbox == []

    # The server is back, but the retry is not due yet: the cron run leaves the row alone.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = StringIO()
    call_command("send_outbox", stdout=out)
    assert "Utkorgen: 0 skickade, 0 misslyckades" in out.getvalue()
    assert mail.outbox == []

    time_machine.move_to(now + datetime.timedelta(minutes=6), tick=False)
    out = StringIO()
    call_command("send_outbox", stdout=out)
    assert "Utkorgen: 1 skickade, 0 misslyckades" in out.getvalue()
    assert [(m.to, m.subject) for m in mail.outbox] == [([people.samordnare.email], WAITING)]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxMessage.SENT, 2)

    # Idempotent: the next cron run sends nothing again.
    call_command("send_outbox", stdout=StringIO())
    assert len(mail.outbox) == 1


def test_retries_back_off_and_stop_after_the_last_attempt(people, draft, settings, time_machine):
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff(20) == datetime.timedelta(hours=12)
    settings.STYRDOK_OUTBOX_MAX_ATTEMPTS = 3
    settings.EMAIL_BACKEND = "tests.governance.test_outbox.RefusingBackend"
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    start(draft, people.redaktor)
    run_commit_callbacks()
    row = OutboxMessage.objects.get()
    waits = []
    for _attempt in range(4):
        row.refresh_from_db()
        if row.next_attempt_at is None:
            break
        waits.append(row.next_attempt_at - timezone.now())
        time_machine.move_to(row.next_attempt_at, tick=False)
        call_command("send_outbox", stdout=StringIO())
    row.refresh_from_db()
    assert waits == [datetime.timedelta(minutes=5), datetime.timedelta(minutes=10)]
    assert (row.status, row.attempts, row.next_attempt_at) == (OutboxMessage.FAILED, 3, None)


def test_a_row_is_claimed_by_one_worker_only(people, draft):
    start(draft, people.redaktor)
    row = OutboxMessage.objects.get()
    assert claim(row.pk) is True
    assert claim(row.pk) is False  # a second worker finds it taken
    assert claim_due() == []
    assert deliver(row.pk) is False
    assert mail.outbox == []


def test_a_second_outbox_run_at_the_same_time_sends_nothing(people, draft):
    start(draft, people.redaktor)
    if connection.vendor == "postgresql":
        pytest.skip("the advisory lock is per session; the PostgreSQL case runs in threads")
    with run_lock("outbox"):
        out = StringIO()
        call_command("send_outbox", stdout=out)
    assert "En annan körning av utkorgen pågår redan" in out.getvalue()
    assert mail.outbox == []


# -- the Utskick report -------------------------------------------------------------------------


@pytest.fixture
def failed_row(people, draft, settings):
    settings.EMAIL_BACKEND = "tests.governance.test_outbox.RefusingBackend"
    start(draft, people.redaktor)
    run_commit_callbacks()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return OutboxMessage.objects.get()


def test_the_coordinator_sees_what_failed_in_utskick(people, failed_row):
    client = client_for(people.samordnare)
    home = client.get("/admin/")
    assert reverse("styrdok_outbox:index") in home.content.decode()  # in the Rapporter menu
    response = client.get(reverse("styrdok_outbox:index"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Utskick" in text
    assert WAITING in text
    assert people.samordnare.email in text
    assert "Misslyckades" in text
    assert "SMTPServerDisconnected: Anslutningen till e-postservern bröts" in text
    assert "Skicka igen" in text

    export = client.get(reverse("styrdok_outbox:index") + "?export=csv")
    content = b"".join(export.streaming_content) if export.streaming else export.content
    csv = content.decode("utf-8-sig")
    assert "Mottagare" in csv and "misslyckades" in csv and WAITING in csv

    # Sent messages are only shown when asked for.
    failed_row.status = OutboxMessage.SENT
    failed_row.save()
    assert WAITING not in page_text(client.get(reverse("styrdok_outbox:index")))
    assert WAITING in page_text(client.get(reverse("styrdok_outbox:index") + "?status=sent"))


def test_resend_delivers_the_message_with_a_swedish_confirmation(people, failed_row):
    client = client_for(people.samordnare)
    url = reverse("styrdok_outbox:resend", args=[failed_row.pk])
    assert client.get(url).status_code == 405  # only POST changes anything

    response = client.post(url, follow=True)

    assert messages_of(response) == [
        f"Meddelandet ”{WAITING}” skickades till {people.samordnare.email}."
    ]
    assert [(m.to, m.subject) for m in mail.outbox] == [([people.samordnare.email], WAITING)]
    failed_row.refresh_from_db()
    assert failed_row.status == OutboxMessage.SENT

    again = client.post(url, follow=True)
    assert messages_of(again) == [f"Meddelandet till {people.samordnare.email} är redan skickat."]
    assert len(mail.outbox) == 1


def test_resend_that_fails_again_says_so(people, failed_row, settings):
    settings.EMAIL_BACKEND = "tests.governance.test_outbox.RefusingBackend"
    response = client_for(people.samordnare).post(
        reverse("styrdok_outbox:resend", args=[failed_row.pk]), follow=True
    )
    assert messages_of(response) == [
        f"Meddelandet till {people.samordnare.email} kunde inte skickas: "
        "SMTPServerDisconnected: Anslutningen till e-postservern bröts. "
        "Det ligger kvar i Utskick och försöks igen automatiskt."
    ]
    failed_row.refresh_from_db()
    assert (failed_row.status, failed_row.attempts) == (OutboxMessage.FAILED, 2)


def test_utskick_is_for_those_with_the_permission(people, failed_row):
    client = client_for(people.redaktor)
    assert not people.redaktor.has_perm("governance.view_outbox")
    assert client.get(reverse("styrdok_outbox:index")).status_code in (302, 403)
    response = client.post(reverse("styrdok_outbox:resend", args=[failed_row.pk]))
    assert response.status_code in (302, 403)  # Wagtail's admin sends a refusal home
    failed_row.refresh_from_db()
    assert failed_row.status == OutboxMessage.FAILED
    assert mail.outbox == []
    assert people.samordnare.has_perm("governance.view_outbox")
    assert people.samordnare.has_perm("governance.resend_outbox")


def test_resend_needs_the_csrf_token(people, failed_row):
    client = Client(HTTP_HOST=INTRANET_HOST, enforce_csrf_checks=True)
    client.force_login(people.samordnare)
    response = client.post(reverse("styrdok_outbox:resend", args=[failed_row.pk]))
    assert response.status_code == 403
    assert mail.outbox == []


def test_resend_of_an_unknown_message_is_a_404(people):
    response = client_for(people.samordnare).post(reverse("styrdok_outbox:resend", args=[999999]))
    assert response.status_code == 404


def test_utskick_hides_messages_about_a_document_restricted_from_the_reader(
    people, draft, settings
):
    """A coordinator outside a restricted document's groups sees no subject naming it, in the
    report, its export or a resend; one inside them does."""
    from django.contrib.auth.models import Group

    from .workflow_helpers import second_coordinator

    outsider = second_coordinator()
    management = Group.objects.create(name="Ledning")
    for member in (people.redaktor, people.samordnare, people.agare):
        member.groups.add(management)
    for member in (people.kommundirektor, people.sekreterare):
        member.groups.add(management)
    draft.restricted_to = [management]
    draft.publicity = "internal"
    draft.save()
    settings.EMAIL_BACKEND = "tests.governance.test_outbox.RefusingBackend"
    start(draft, people.redaktor)
    run_commit_callbacks()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    row = OutboxMessage.objects.get()
    index = reverse("styrdok_outbox:index")

    client = client_for(outsider)
    assert outsider.has_perm("governance.view_outbox")
    for url in (index, index + "?status=failed"):
        assert TITLE not in page_text(client.get(url))
    export = client.get(index + "?export=csv")
    content = b"".join(export.streaming_content) if export.streaming else export.content
    assert TITLE not in content.decode("utf-8-sig")
    assert client.post(reverse("styrdok_outbox:resend", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.status == OutboxMessage.FAILED

    assert WAITING in page_text(client_for(people.samordnare).get(index))


# -- concurrent workers on PostgreSQL -----------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_claim_disjoint_rows(committed_baseline):
    now = timezone.now()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            email=f"person{n}@exempelkommun.se",
            subject=f"Meddelande {n}",
            body="Text",
            kind="test",
            next_attempt_at=now,
        )
        for n in range(60)
    )
    barrier = threading.Barrier(3)
    claimed = []

    def work():
        try:
            barrier.wait(timeout=20)
            while ids := claim_due(limit=7):
                claimed.append(ids)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    ids = [pk for batch in claimed for pk in batch]
    assert len(ids) == len(set(ids)) == 60
    assert OutboxMessage.objects.filter(status=OutboxMessage.SENDING, attempts=1).count() == 60
    assert delivered() == []
