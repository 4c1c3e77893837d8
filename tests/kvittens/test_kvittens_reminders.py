"""`manage.py send_kvittens_reminders` as cron runs it: "Läs och bekräfta" after a decision,
then reminders after the configured days, one digest per person, never twice for a round."""

import datetime
import threading
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from governance.locks import run_lock
from governance.models import OutboxMessage
from kvittens.models import ReminderSent
from kvittens.services import confirm, required_version
from policies.models import PolicyPage, RutinPage
from tests.factories import adopt_new_version, make_document
from tests.kvittens.helpers import build_kommun, requirement

TZ = ZoneInfo(settings.TIME_ZONE)
DAY = datetime.timedelta(days=1)
START = datetime.date(2027, 3, 1)


def at(day, hour=6):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


@pytest.fixture
def run(time_machine, django_capture_on_commit_callbacks):
    def run_on(day, *args):
        if day is not None:
            time_machine.move_to(at(day), tick=False)
        mail.outbox.clear()
        out, err = StringIO(), StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_kvittens_reminders", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue(), list(mail.outbox)

    return run_on


@pytest.fixture
def w(db, time_machine):
    time_machine.move_to(at(START - DAY, hour=14), tick=False)
    world = build_kommun()
    requirement(
        document=world["rutin"],
        organisations=[world["social"]],
        reminder_days=14,
        reminder_interval_days=7,
        max_reminders=2,
    )
    return world


def to(messages):
    return sorted(address for message in messages for address in message.to)


def test_the_audience_is_asked_the_day_after_and_reminded_on_schedule(w, run):
    _out, _err, sent = run(START)
    assert to(sent) == ["anna@exempelkommun.se", "bo@exempelkommun.se"]
    message = sent[0]
    assert message.subject == "Läs och bekräfta ”Rutin för incidentrapportering”"
    assert "NYA BESLUT" in message.body
    assert "/styrdokument/incidenter/#kvittens" in message.body
    assert "Jag har läst och förstått" in message.body

    # Nothing more until the first reminder is due, 14 days after the decision (the day
    # before START), then every 7 days, at most 2 reminders in all.
    for day in range(1, 13):
        assert run(START + day * DAY)[2] == [], day
    confirm(w["people"]["bo"], w["rutin"], required_version(w["rutin"]))
    reminders = run(START + 13 * DAY)[2]
    assert to(reminders) == ["anna@exempelkommun.se"]
    assert reminders[0].subject.startswith("Påminnelse: läs och bekräfta")
    assert "14 dagar sedan beslutet" in reminders[0].body
    assert run(START + 19 * DAY)[2] == []
    assert to(run(START + 20 * DAY)[2]) == ["anna@exempelkommun.se"]
    for day in range(21, 60):
        assert run(START + day * DAY)[2] == [], day


def test_a_second_run_the_same_day_sends_nothing(w, run):
    assert len(run(START)[2]) == 2
    out, _err, sent = run(START)
    assert sent == []
    assert "Skickade 0 meddelanden" in out
    assert ReminderSent.objects.filter(round=0).count() == 2


def test_missed_days_give_one_message_not_one_per_round(w, run):
    sent = run(START + 30 * DAY)[2]
    assert to(sent) == ["anna@exempelkommun.se", "bo@exempelkommun.se"]
    assert run(START + 31 * DAY)[2] == []


def test_one_digest_per_person_for_several_documents(w, run):
    requirement(document=w["policy"], everyone=True)
    sent = run(START)[2]
    anna = [m for m in sent if m.to == ["anna@exempelkommun.se"]]
    assert len(anna) == 1
    assert anna[0].subject == "Du har 2 styrdokument att läsa och bekräfta"
    assert "Informationssäkerhetspolicy" in anna[0].body
    assert "Rutin för incidentrapportering" in anna[0].body


def test_a_new_version_starts_again(w, run, time_machine):
    run(START)
    confirm(w["people"]["anna"], w["rutin"], required_version(w["rutin"]))
    time_machine.move_to(at(START + 3 * DAY, hour=14), tick=False)
    rutin = adopt_new_version(
        RutinPage.objects.get(pk=w["rutin"].pk), version="2.0", decision_date=START + 3 * DAY
    )
    sent = run(START + 4 * DAY)[2]
    assert to(sent) == ["anna@exempelkommun.se", "bo@exempelkommun.se"]
    assert "version 2.0" in sent[0].body
    assert required_version(rutin).version == "2.0"


def test_mail_goes_through_the_outbox_after_commit(w, run):
    run(START)
    rows = OutboxMessage.objects.filter(kind="kvittens_digest")
    assert sorted(rows.values_list("email", flat=True)) == [
        "anna@exempelkommun.se",
        "bo@exempelkommun.se",
    ]
    assert set(rows.values_list("status", flat=True)) == {OutboxMessage.SENT}


def test_dry_run_lists_and_records_nothing(w, run):
    out, _err, sent = run(START, "--dry-run")
    assert sent == []
    assert "Skulle skicka till anna@exempelkommun.se" in out
    assert not ReminderSent.objects.exists()
    assert len(run(START)[2]) == 2


def test_a_bad_date_is_refused_in_swedish(w):
    with pytest.raises(CommandError, match="Ogiltigt datum ”2027-13-01”"):
        call_command("send_kvittens_reminders", "--date", "2027-13-01", stdout=StringIO())


def test_a_person_without_email_is_named(w, run):
    anna = w["people"]["anna"]
    anna.email = ""
    anna.save()
    _out, err, sent = run(START)
    assert to(sent) == ["bo@exempelkommun.se"]
    assert "Saknar e-postadress: Anna Andersson" in err


def test_a_second_run_while_one_works_sends_nothing(w, run, time_machine):
    if connection.vendor == "postgresql":
        pytest.skip("the advisory lock is per session; the PostgreSQL case runs in a thread")
    time_machine.move_to(at(START), tick=False)
    with run_lock("send_kvittens_reminders") as held:
        assert held
        out, _err, sent = run(None)
    assert sent == []
    assert "En annan kvittenskörning pågår redan" in out
    assert not ReminderSent.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
def test_a_second_run_while_another_session_holds_the_lock(w, run):
    held, done, seen = threading.Event(), threading.Event(), []

    def first_run():
        try:
            with run_lock("send_kvittens_reminders") as got:
                seen.append(got)
                held.set()
                done.wait(timeout=60)
        finally:
            held.set()
            connections.close_all()

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert held.wait(timeout=30) and seen == [True]
        out, _err, sent = run(START)
    finally:
        done.set()
        thread.join(timeout=60)
    assert sent == []
    assert "En annan kvittenskörning pågår redan" in out
    assert len(run(START)[2]) == 2


def test_documents_without_a_requirement_are_left_alone(w, run):
    make_document(PolicyPage, title="Policy utan kvittenskrav")
    sent = run(START)[2]
    assert all("Policy utan kvittenskrav" not in m.body for m in sent)
