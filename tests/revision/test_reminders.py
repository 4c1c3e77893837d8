"""The daily review reminders: `manage.py send_review_reminders` as cron runs it.

Time is moved with time-machine (the `time_machine` fixture) and the command is run once per
day, as cron would; what a user sees is what is asserted: the emails (who gets which on which
day), the command's output and exit status, and the document's status on the intranet.
"""

import asyncio
import datetime
import email
import email.header
import email.policy
import math
import re
import socket
from collections import Counter
from io import StringIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from governance.constants import OrganisationKind
from governance.models import Assignment
from policies.models import PolicyPage, RiktlinjePage, RutinPage, Styrdokument
from revision.models import ReviewReminder
from revision.review import confirm_unchanged, start_revision
from tests.factories import (
    INTRANET_HOST,
    get_body,
    get_role,
    make_document,
    make_kommun,
    make_live_document,
    make_organisation,
    make_user,
    update_settings,
)
from tests.governance.workflow_helpers import start as start_workflow

TZ = ZoneInfo(settings.TIME_ZONE)
DAY = datetime.timedelta(days=1)
START = datetime.date(2027, 1, 4)  # a Monday; the year runs to 2028-01-03
END = START + 364 * DAY
MAILBOX = "informationssakerhet@exempelkommun.se"
TITLE = re.compile(r"”(.+?)”")


@pytest.fixture(autouse=True)
def separate_messages(settings):
    """This module follows each document's own message; the default digest (one message per
    recipient and run) is tested in test_reminders_digest.py."""
    settings.STYRDOK_REMINDER_DIGEST = False


def days(n):
    return datetime.timedelta(days=n)


def at(day, hour=6):
    """The moment cron runs on `day` (06:00 in Stockholm)."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def run(*args, **options):
    """Run the command; returns (stdout, stderr, the emails it sent)."""
    mail.outbox.clear()
    out, err = StringIO(), StringIO()
    call_command("send_review_reminders", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue(), list(mail.outbox)


def run_on(time_machine, day, *args):
    """Move the clock to `day` and run the command as the daily cron job would."""
    time_machine.move_to(at(day), tick=False)
    return run(*args)


def sent(messages):
    """[(recipient, document title, subject)] of the emails, sorted."""
    return sorted(
        (address, TITLE.search(message.subject).group(1), message.subject)
        for message in messages
        for address in message.to
    )


def recipients(messages, title=None):
    return sorted(
        address
        for message in messages
        for address in message.to
        if title is None or f"”{title}”" in message.subject
    )


def summary_of(output):
    lines = [line for line in output.splitlines() if line.startswith(("Revisionsp", "Provkörn"))]
    assert len(lines) == 1, output
    return lines[0]


def schedule(due, first, last, steps_before=(60, 30, 7, 0), every=7, grace=30, repeat=30):
    """The days a document due on `due` gets mail when the job runs daily from `first` to `last`.

    Written from the issue rather than from the code: a step's date is an offset before the due
    date, every `every` days after it (owner) or the grace and every `repeat` days after that
    (escalation); a run sends the latest step whose date has come, unless the previous run
    already had that step. Returns (owner days, escalation days).
    """
    owner_dates = [due - days(n) for n in steps_before]
    owner_dates += [due + days(every * k) for k in range(1, 400 // every + 2)]
    escalation_dates = [due + days(grace)]
    if repeat:
        escalation_dates += [due + days(grace + repeat * k) for k in range(1, 400 // repeat + 2)]

    def run_days(dates):
        result, previous, day = [], None, first
        while day <= last:
            latest = max((date for date in dates if date <= day), default=None)
            if latest is not None and latest != previous:
                result.append(day)
            previous, day = latest, day + DAY
        return result

    return run_days(owner_dates), run_days(escalation_dates)


# -- the kommun --------------------------------------------------------------------------------


class Kommun:
    """Förvaltningar with chefs, a samordnare, owners and the security team's mailbox."""

    def __init__(self):
        self.karin = make_user("karin", first_name="Karin", last_name="Kommundirektör")
        self.klas = make_user("klas", first_name="Klas", last_name="Ledningschef")
        self.sofia = make_user("sofia", first_name="Sofia", last_name="Socialchef")
        self.bo = make_user("bo", first_name="Bo", last_name="Skolchef")
        self.sara = make_user("sara", first_name="Sara", last_name="Samordnare")
        self.anna = make_user("anna", first_name="Anna", last_name="Andersson")
        self.bertil = make_user("bertil", first_name="Bertil", last_name="Berg")
        self.cecilia = make_user("cecilia", first_name="Cecilia", last_name="Carlsson")
        self.david = make_user("david", first_name="David", last_name="Dahl")
        self.admin = make_user("admin", superuser=True)

        self.kommun = make_kommun()
        self.kommun.manager = self.karin
        self.kommun.save()
        self.klf = make_organisation("Kommunledningsförvaltningen", manager=self.klas)
        self.soc = make_organisation("Socialförvaltningen", manager=self.sofia)
        self.buf = make_organisation("Barn- och utbildningsförvaltningen", manager=self.bo)
        # An enhet without a chef of its own: its people answer to the socialchef.
        self.it = make_organisation("IT-enheten", kind=OrganisationKind.ENHET, parent=self.soc)

        Assignment.objects.create(
            user=self.sara,
            role=get_role("informationssakerhetssamordnare"),
            organisation=self.kommun,
        )
        Assignment.objects.create(
            user=self.bertil, role=get_role("systemagare"), organisation=self.it
        )
        self.secret = Group.objects.create(name="Sekretess socialtjänst")
        for user in (self.cecilia, self.sara):
            user.groups.add(self.secret)
        update_settings(security_team_email=MAILBOX)

    def document(self, title, due, owner, organisation, page_class=RiktlinjePage, **fields):
        fields.setdefault("decision_date", START - days(120))
        fields.setdefault("review_interval_months", 24)
        return make_live_document(
            page_class,
            title=title,
            next_review=due,
            responsible=owner,
            organisation=organisation,
            **fields,
        )


@pytest.fixture
def kommun(db, time_machine):
    time_machine.move_to(at(START, hour=5), tick=False)
    return Kommun()


def escalated_to(*users, mailbox=True):
    return sorted([user.email for user in users] + ([MAILBOX] if mailbox else []))


# -- a whole year ----------------------------------------------------------------------------


def staff_every_step():
    """People on each step of the KS workflow, so that submitting is not refused as a stall."""
    make_user("granskare-ar").groups.add(Group.objects.get(name="Informationssäkerhetssamordnare"))
    make_user("sekreterare-ar").groups.add(Group.objects.get(name="Nämndsekreterare"))
    kd = get_body("kommundirektor")
    kd.official = make_user("kd-ar")
    kd.save(update_fields=["official"])


def test_a_year_of_daily_runs(kommun, time_machine):
    k = kommun
    # 17 documents. A is the plain case; the other named ones each exercise one rule.
    a = k.document("Riktlinje för informationssäkerhet", START + days(100), k.anna, k.klf)
    b = make_document(
        RiktlinjePage,
        title="Riktlinje för behörigheter",
        next_review=START + days(150),
        review_interval_months=24,
        responsible=k.bertil,  # works in IT-enheten, so the socialchef is the chef
        organisation=k.buf,
    )
    c = k.document(
        "Riktlinje för loggning", START + days(30), k.david, k.klf, review_interval_months=6
    )
    ownerless = k.document("Policy utan ägare", START + days(200), None, k.soc, PolicyPage)
    secret = k.document(
        "Riktlinje för sekretessärenden",
        START + days(60),
        k.cecilia,
        k.soc,
        restricted_to=[k.secret],
    )
    chefs_own = k.document("Riktlinje för ledningen", START + days(180), k.klas, k.klf)
    overdue = k.document("Riktlinje för incidenter", START - days(20), k.anna, k.buf)
    owners = [k.anna, k.bertil, k.cecilia, k.david]
    organisations = [k.klf, k.soc, k.buf, k.it]
    fillers = [
        k.document(
            f"Riktlinje nummer {n}",
            START + days(offset),
            owners[n % 4],
            organisations[n % 4],
            publicity="internal" if n % 3 else "public",
        )
        for n, offset in enumerate([5, 45, 75, 120, 210, 240, 270, 300, 330, 400])
    ]

    log = []  # (day, recipient, title, subject)
    b_in_workflow_from = b.next_review + days(10)
    c_confirmed_on = c.next_review + days(40)
    day = START
    while day <= END:
        time_machine.move_to(at(day), tick=False)
        if day == b_in_workflow_from:
            # Bertil starts the revision and submits the draft: "Under revision".
            start_revision(b, k.admin)
            staff_every_step()
            start_workflow(b, k.admin)
        if day == c_confirmed_on:
            # KS confirms the document unchanged (aktualitetsprövning): a new review cycle.
            c = confirm_unchanged(
                c, k.admin, body=c.decision_body, decision_date=day, diarienummer="KS-2027-12"
            )
        output, errors, messages = run()
        assert errors == ""
        assert summary_of(output).startswith(f"Revisionspåminnelser för {day.isoformat()}:")
        assert f" {len(messages)} skicka" in summary_of(output)
        log += [(day, address, title, subject) for address, title, subject in sent(messages)]
        day += DAY

    def days_for(title, address):
        return [day for day, to, t, _subject in log if t == title and to == address]

    # A, in full: 60, 30 and 7 days before, on the day, then weekly; from 30 days overdue
    # the samordnare, the chef of the förvaltning and the security team, every 30 days.
    a_owner = days_for(a.title, k.anna.email)
    assert a_owner[:7] == [
        datetime.date(2027, 2, 13),
        datetime.date(2027, 3, 15),
        datetime.date(2027, 4, 7),
        datetime.date(2027, 4, 14),
        datetime.date(2027, 4, 21),
        datetime.date(2027, 4, 28),
        datetime.date(2027, 5, 5),
    ]
    assert all(
        later - earlier == days(7) for earlier, later in zip(a_owner[3:], a_owner[4:], strict=False)
    )
    assert a_owner[-1] > END - days(7)
    for person in (k.sara, k.klas):
        assert days_for(a.title, person.email)[:3] == [
            datetime.date(2027, 5, 14),
            datetime.date(2027, 6, 13),
            datetime.date(2027, 7, 13),
        ]
    assert days_for(a.title, MAILBOX) == days_for(a.title, k.sara.email)
    subjects = {day: subject for day, to, t, subject in log if t == a.title and to == k.anna.email}
    assert subjects[datetime.date(2027, 2, 13)] == (
        "Revision: ”Riktlinje för informationssäkerhet” ska vara reviderad senast 2027-04-14"
    )
    assert subjects[datetime.date(2027, 4, 14)] == (
        "Revision: ”Riktlinje för informationssäkerhet” ska vara reviderad i dag"
    )
    assert subjects[datetime.date(2027, 4, 21)] == (
        "Försenad revision: ”Riktlinje för informationssäkerhet” skulle ha reviderats senast "
        "2027-04-14"
    )
    escalation = next(s for d, to, t, s in log if t == a.title and to == k.klas.email)
    assert escalation == (
        "Eskalering: revisionen av ”Riktlinje för informationssäkerhet” är 30 dagar försenad"
    )

    # Every email of the year, document by document, against the schedule in the issue.
    expected = []

    def expect(title, due, owner, escalation_to, first=START, last=END):
        owner_days, escalation_days = schedule(due, first, last)
        if owner is not None:
            expected.extend((day, owner.email, title) for day in owner_days)
        expected.extend((day, to, title) for day in escalation_days for to in escalation_to)

    expect(a.title, a.next_review, k.anna, escalated_to(k.sara, k.klas))
    # B goes into a workflow 10 days overdue: nothing more while it is under revision.
    expect(b.title, b.next_review, k.bertil, [], last=b_in_workflow_from - DAY)
    # C is confirmed 40 days overdue: its escalation stops, a new cycle starts from the new date.
    c_first_due = START + days(30)
    expect(c.title, c_first_due, k.david, escalated_to(k.sara, k.klas), last=c_confirmed_on - DAY)
    assert c.next_review == datetime.date(2027, 9, 15)  # six months after the prövning
    expect(c.title, c.next_review, k.david, escalated_to(k.sara, k.klas), first=c_confirmed_on)
    # Nobody owns the policy: "saknar ägare" at once, then the escalations; no reminders.
    expected.extend((START, to, ownerless.title) for to in escalated_to(k.sara, k.sofia))
    expect(ownerless.title, ownerless.next_review, None, escalated_to(k.sara, k.sofia))
    # Restricted to a group the socialchef is not in: only the samordnare, no mailbox.
    expect(secret.title, secret.next_review, k.cecilia, [k.sara.email])
    # The chef owns it himself: his own chef, the kommundirektör, is told instead.
    expect(chefs_own.title, chefs_own.next_review, k.klas, escalated_to(k.sara, k.karin))
    # Already 20 days overdue on the first run: one catch-up reminder, then on schedule.
    expect(overdue.title, overdue.next_review, k.anna, escalated_to(k.sara, k.bo))
    for n, filler in enumerate(fillers):
        chef = [k.klas, k.sofia, k.bo, k.sofia][n % 4]  # IT-enheten's chef is the socialchef
        expect(filler.title, filler.next_review, owners[n % 4], escalated_to(k.sara, chef))

    actual = [(day, to, title) for day, to, title, _subject in log]
    assert Counter(actual) == Counter(expected)
    assert len(actual) == len(set(actual))  # never twice the same day
    assert len(actual) > 400

    # Spot checks of the special cases, as the people involved would notice them.
    assert days_for(b.title, k.bertil.email)[-1] == b.next_review + days(7)
    assert days_for(b.title, k.sofia.email) == []
    assert days_for(ownerless.title, k.sara.email)[:2] == [START, START + days(230)]
    assert not any(to == MAILBOX and t == secret.title for _d, to, t, _s in log)
    assert not any(to == k.sofia.email and t == secret.title for _d, to, t, _s in log)
    assert all(
        subject.startswith(("Revision:", "Försenad revision:"))
        for _day, to, title, subject in log
        if title == chefs_own.title and to == k.klas.email
    )
    assert days_for(chefs_own.title, k.karin.email)[0] == chefs_own.next_review + days(30)
    assert days_for(overdue.title, k.anna.email)[:2] == [START, START + days(1)]
    # What went out is on record: one row per email.
    assert ReviewReminder.objects.count() == len(actual)
    statuses = dict(Styrdokument.objects.with_review_status().values_list("title", "review_status"))
    assert statuses[b.title] == "under-revision"
    assert statuses[ownerless.title] == "saknar-agare"
    assert statuses[a.title] == "forsenad"


# -- idempotency and catch-up ----------------------------------------------------------------


def test_running_twice_on_the_same_day_sends_nothing_twice(kommun, time_machine):
    k = kommun
    due = START + days(30)
    document = k.document("Riktlinje för molntjänster", due, k.anna, k.klf)
    late = k.document("Riktlinje för backup", START - days(30), k.bertil, k.buf)

    output, _errors, messages = run_on(time_machine, START)
    assert sent(messages) == [
        (
            k.anna.email,
            document.title,
            f"Revision: ”{document.title}” ska vara reviderad senast {due}",
        ),
        (
            k.bertil.email,
            late.title,
            f"Försenad revision: ”{late.title}” skulle ha reviderats senast {late.next_review}",
        ),
        (MAILBOX, late.title, f"Eskalering: revisionen av ”{late.title}” är 30 dagar försenad"),
        (
            k.sara.email,
            late.title,
            f"Eskalering: revisionen av ”{late.title}” är 30 dagar försenad",
        ),
        (
            k.sofia.email,
            late.title,
            f"Eskalering: revisionen av ”{late.title}” är 30 dagar försenad",
        ),
    ]
    assert "5 skickade e-postmeddelanden om 2 dokument (varav 3 eskaleringar)" in output

    # Cron runs again (or an operator does): nothing goes out twice, the same day or later.
    for hour in (6, 12, 23):
        time_machine.move_to(at(START, hour=hour), tick=False)
        output, _errors, messages = run()
        assert messages == []
        assert "2 dokument kontrollerade, 0 skickade e-postmeddelanden" in summary_of(output)
    output, _errors, messages = run_on(time_machine, START + DAY)
    assert messages == []
    assert ReviewReminder.objects.count() == 5


def test_missed_days_are_caught_up_with_one_message(kommun, time_machine):
    k = kommun
    due = START + days(60)
    document = k.document("Riktlinje för mobila enheter", due, k.cecilia, k.buf)
    _output, _errors, messages = run_on(time_machine, START)
    assert sent(messages) == [
        (
            k.cecilia.email,
            document.title,
            f"Revision: ”{document.title}” ska vara reviderad senast {due}",
        )
    ]

    # The server was down for 40 days, past the 30- and 7-day reminders: one message, the
    # latest (7 days before), not every step that was missed.
    _output, _errors, messages = run_on(time_machine, START + days(55))
    assert recipients(messages) == [k.cecilia.email]
    assert "om 5 dagar" in messages[0].body
    assert list(ReviewReminder.objects.order_by("sent_on").values_list("step", "sent_on")) == [
        ("fore-60", START),
        ("fore-7", START + days(55)),
    ]

    # Down again from the due date until 45 days overdue: one reminder to the owner and one
    # escalation each, not six weekly reminders and not the escalation twice.
    _output, _errors, messages = run_on(time_machine, due + days(45))
    assert sent(messages) == sorted(
        [
            (
                k.cecilia.email,
                document.title,
                f"Försenad revision: ”{document.title}” skulle ha reviderats senast {due}",
            ),
        ]
        + [
            (
                to,
                document.title,
                f"Eskalering: revisionen av ”{document.title}” är 45 dagar försenad",
            )
            for to in escalated_to(k.sara, k.bo)
        ]
    )
    assert "45 dagar sedan" in messages[0].body
    # The next days follow the schedule again: the weekly reminder at 49 days, nothing between.
    for n in (46, 47, 48):
        assert run_on(time_machine, due + days(n))[2] == []
    assert recipients(run_on(time_machine, due + days(49))[2]) == [k.cecilia.email]

    # An operator can also run a missed day afterwards with --date: what was due that day and
    # has not gone out since is sent, and nothing that was already sent.
    missed = due + days(47)
    other = k.document("Riktlinje för e-post", missed + days(60), k.david, k.klf)
    output, _errors, messages = run("--date", missed.isoformat())
    assert sent(messages) == [
        (
            k.david.email,
            other.title,
            f"Revision: ”{other.title}” ska vara reviderad senast {other.next_review}",
        )
    ]
    assert summary_of(output).startswith(f"Revisionspåminnelser för {missed}: 2 dokument")
    assert run("--date", missed.isoformat())[2] == []


def test_offsets_and_grace_are_configurable(kommun, time_machine):
    k = kommun
    update_settings(
        reminder_days="14, 1",
        overdue_reminder_days=3,
        escalation_grace_days=10,
        escalation_repeat_days=0,  # once per cycle
    )
    due = START + days(20)
    document = k.document("Riktlinje för kryptering", due, k.anna, k.klf)
    by_day = {}
    day = START
    while day <= due + days(40):
        by_day[day] = recipients(run_on(time_machine, day)[2])
        day += DAY
    owner_days = [day for day, to in by_day.items() if k.anna.email in to]
    assert owner_days == [due - days(14), due - days(1)] + [due + days(n) for n in range(3, 41, 3)]
    escalation_days = [day for day, to in by_day.items() if k.sara.email in to]
    assert escalation_days == [due + days(10)]
    assert by_day[due + days(10)] == escalated_to(k.sara, k.klas)
    assert ReviewReminder.objects.filter(document=document, step="eskalering-1").count() == 3

    # The defaults again: 60, 30, 7 and 0 days, weekly, escalated after 30 and every 30 days.
    update_settings(
        reminder_days="60, 30, 7, 0",
        overdue_reminder_days=7,
        escalation_grace_days=30,
        escalation_repeat_days=30,
    )
    later = k.document("Riktlinje för nätverk", START + days(300), k.bertil, k.buf)
    assert recipients(run_on(time_machine, later.next_review - days(61))[2], later.title) == []
    assert recipients(run_on(time_machine, later.next_review - days(60))[2], later.title) == [
        k.bertil.email
    ]


# -- Saknar ägare and restricted documents ------------------------------------------------------


def test_deactivated_owner_is_saknar_agare_and_escalated_once_per_cycle(
    kommun, time_machine, intranet_client, staff_user
):
    k = kommun
    due = START + days(100)
    document = k.document("Riktlinje för lösenord", due, k.david, k.klf)
    assert run_on(time_machine, START)[2] == []

    # David leaves and his account is deactivated.
    k.david.is_active = False
    k.david.save()
    output, _errors, messages = run_on(time_machine, START + DAY)
    assert recipients(messages) == escalated_to(k.sara, k.klas)
    assert {message.subject for message in messages} == {
        "”Riktlinje för lösenord” saknar dokumentansvarig"
    }
    body = messages[0].body
    assert "David Dahl är inte längre aktiv i Styrdok" in body
    assert f"ska vara klar senast {due}" in body
    assert "Utse en ny dokumentansvarig" in body
    assert "3 skickade e-postmeddelanden om 1 dokument (varav 3 eskaleringar)" in output

    status = Styrdokument.objects.with_review_status().get(pk=document.pk).review_status
    assert status == "saknar-agare"
    page_url = re.search(r"Dokumentet: (\S+)", body).group(1)
    # A staff session lasts 8 hours: log in again on the day the run is made.
    intranet_client.force_login(staff_user)
    response = intranet_client.get(urlsplit(page_url).path)
    assert response.status_code == 200
    assert "Saknar ägare" in response.content.decode()

    # Once per cycle: not the next day, and no reminders to the former owner at all.
    for day in (START + days(2), due - days(60), due - days(30), due, due + days(7)):
        assert run_on(time_machine, day)[2] == [], day
    # Overdue past the grace: the escalation, which says the owner is missing too.
    messages = run_on(time_machine, due + days(30))[2]
    assert recipients(messages) == escalated_to(k.sara, k.klas)
    assert (
        messages[0].subject
        == "Eskalering: revisionen av ”Riktlinje för lösenord” är 30 dagar försenad"
    )
    assert "saknar dessutom en aktiv dokumentansvarig" in messages[0].body

    # A new review cycle (a new due date) without an owner: told again, once.
    Styrdokument.objects.filter(pk=document.pk).update(next_review=due + days(365))
    messages = run_on(time_machine, due + days(31))[2]
    assert recipients(messages) == escalated_to(k.sara, k.klas)
    assert "saknar dokumentansvarig" in messages[0].subject
    assert run_on(time_machine, due + days(32))[2] == []

    # A document with no dokumentansvarig at all is treated the same way.
    orphan = k.document("Rutin utan ägare", due + days(200), None, k.soc)
    messages = run_on(time_machine, due + days(33))[2]
    assert recipients(messages, orphan.title) == escalated_to(k.sara, k.sofia)
    assert "Ingen får påminnelser" in messages[0].body


def test_restricted_document_is_escalated_only_to_those_who_may_read_it(kommun, time_machine):
    k = kommun
    due = START - days(30)
    secret = k.document(
        "Rutin för skyddade personuppgifter", due, k.cecilia, k.soc, restricted_to=[k.secret]
    )
    ownerless = k.document(
        "Rutin för sekretessprövning", START + days(100), None, k.soc, restricted_to=[k.secret]
    )
    messages = run_on(time_machine, START)[2]
    # The socialchef is not in the group and the shared mailbox is not a reader either.
    assert recipients(messages, secret.title) == sorted([k.cecilia.email, k.sara.email])
    assert recipients(messages, ownerless.title) == [k.sara.email]

    # Once the chef is given access, the next escalation reaches her too.
    k.sofia.groups.add(k.secret)
    messages = run_on(time_machine, due + days(60))[2]
    assert recipients(messages, secret.title) == sorted(
        [k.cecilia.email, k.sara.email, k.sofia.email]
    )
    assert MAILBOX not in recipients(messages)


def test_a_document_under_a_restricted_one_is_escalated_only_to_its_readers(kommun, time_machine):
    """The restriction covers the subtree: a rutin under a restricted riktlinje, with no
    restriction of its own, is as hidden from the chef, a samordnare outside the group and the
    shared mailbox as the riktlinje itself."""
    k = kommun
    outside = make_user("olle", first_name="Olle", last_name="Samordnare")
    Assignment.objects.create(
        user=outside, role=get_role("informationssakerhetssamordnare"), organisation=k.kommun
    )
    parent = k.document(
        "Riktlinje för skyddat boende",
        START + days(300),
        k.cecilia,
        k.soc,
        restricted_to=[k.secret],
    )
    child = k.document(
        "Rutin för skyddat boende",
        START - days(30),
        k.cecilia,
        k.soc,
        page_class=RutinPage,
        parent=parent,
    )
    messages = run_on(time_machine, START)[2]
    assert recipients(messages, child.title) == sorted([k.cecilia.email, k.sara.email])


def test_an_owner_outside_the_group_is_not_sent_the_restricted_documents_name(kommun, time_machine):
    """Mina dokument and the calendar leave out a document restricted to groups its owner is
    not in; so does the reminder."""
    k = kommun
    secret = k.document(
        "Rutin för skyddade adresser", START + days(7), k.david, k.soc, restricted_to=[k.secret]
    )
    messages = run_on(time_machine, START)[2]
    assert k.david.email not in recipients(messages)
    to_david = [message for message in messages if k.david.email in message.to]
    assert not any(secret.title in message.body for message in to_david)


def test_coordinators_group_is_used_without_an_assignment(db, time_machine):
    """Without anyone assigned the samordnare role, the members of the group are told."""
    time_machine.move_to(at(START), tick=False)
    chef = make_user("chef", first_name="Cilla", last_name="Chef")
    owner = make_user("agare", first_name="Åsa", last_name="Ägare")
    member = make_user("gruppsamordnare", groups=["Informationssäkerhetssamordnare"])
    make_user("inaktiv", groups=["Informationssäkerhetssamordnare"], is_active=False)
    unit = make_organisation("Miljöförvaltningen", manager=chef)
    make_live_document(
        RiktlinjePage,
        title="Riktlinje för tillsyn",
        decision_date=START - days(120),
        next_review=START - days(30),
        responsible=owner,
        organisation=unit,
    )
    messages = run()[2]
    assert recipients(messages) == sorted([owner.email, chef.email, member.email])


def test_each_escalation_says_why_its_recipient_gets_it(kommun, time_machine):
    k = kommun
    k.document("Riktlinje för utskrifter", START - days(31), k.bertil, k.buf)
    time_machine.move_to(at(START), tick=False)

    messages = run()[2]

    def reason(address):
        (message,) = [m for m in messages if m.to == [address]]
        return next(line for line in message.body.splitlines() if line.startswith("Du får"))

    assert reason(MAILBOX).startswith("Du får meddelandet som informationssäkerhetsfunktionen.")
    for person in (k.sara, k.sofia):
        assert reason(person.email).startswith(
            "Du får meddelandet som informationssäkerhetssamordnare eller chef för verksamheten."
        )


# -- the command ------------------------------------------------------------------------------


def test_dry_run_lists_what_would_be_sent_and_sends_nothing(kommun, time_machine):
    k = kommun
    due = START + days(7)
    document = k.document("Riktlinje för distansarbete", due, k.anna, k.klf)
    late = k.document("Riktlinje för utskrifter", START - days(31), k.bertil, k.buf)
    time_machine.move_to(at(START), tick=False)

    output, _errors, messages = run("--dry-run")
    assert messages == []
    assert ReviewReminder.objects.count() == 0
    assert output.splitlines() == [
        f"Skulle skicka: ”{late.title}” (revideras senast {late.next_review}) till Bertil Berg "
        f"<{k.bertil.email}> [forsenad-4]",
        f"Skulle skicka: ”{late.title}” (revideras senast {late.next_review}) till Sara "
        f"Samordnare <{k.sara.email}> [eskalering-1]",
        f"Skulle skicka: ”{late.title}” (revideras senast {late.next_review}) till Sofia "
        f"Socialchef <{k.sofia.email}> [eskalering-1]",
        f"Skulle skicka: ”{late.title}” (revideras senast {late.next_review}) till "
        f"Informationssäkerhetsfunktionen <{MAILBOX}> [eskalering-1]",
        f"Skulle skicka: ”{document.title}” (revideras senast {due}) till Anna Andersson "
        f"<{k.anna.email}> [fore-7]",
        f"Provkörning för {START}: 2 dokument kontrollerade, 5 e-postmeddelanden skulle skickas "
        "om 2 dokument (varav 3 eskaleringar), 0 mottagare saknar e-postadress. Inget skickades.",
    ]
    # The real run afterwards sends exactly that.
    output, _errors, messages = run()
    assert len(messages) == 5
    assert summary_of(output) == (
        f"Revisionspåminnelser för {START}: 2 dokument kontrollerade, 5 skickade "
        "e-postmeddelanden om 2 dokument (varav 3 eskaleringar), 0 misslyckades, "
        "0 mottagare saknar e-postadress."
    )
    # Verbose runs list what was sent.
    time_machine.move_to(at(due), tick=False)
    output = run(verbosity=2)[0]
    assert (
        f"Skickat: ”{document.title}” (revideras senast {due}) till Anna Andersson "
        f"<{k.anna.email}> [fore-0]"
    ) in output.splitlines()


@pytest.mark.parametrize("value", ["2027-13-01", "igår", "23/11/2027"])
def test_a_bad_date_is_refused_in_swedish(db, value):
    with pytest.raises(CommandError) as excinfo:
        run("--date", value)
    assert str(excinfo.value) == (
        f"Ogiltigt datum ”{value}”. Ange datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-11-23."
    )
    assert mail.outbox == []


def test_every_run_prints_a_summary(kommun, time_machine):
    time_machine.move_to(at(START), tick=False)
    output, errors, messages = run()
    assert output == (
        f"Revisionspåminnelser för {START}: 0 dokument kontrollerade, 0 skickade "
        "e-postmeddelanden om 0 dokument (varav 0 eskaleringar), 0 misslyckades, "
        "0 mottagare saknar e-postadress.\n"
    )
    assert errors == ""
    # --date runs as if on that day, whatever the clock says.
    document = kommun.document(
        "Riktlinje för kameraövervakning", START + days(90), kommun.anna, kommun.klf
    )
    output, _errors, messages = run("--date", str(START + days(30)))
    assert summary_of(output).startswith(f"Revisionspåminnelser för {START + days(30)}: 1 dokument")
    assert recipients(messages, document.title) == [kommun.anna.email]


def test_a_recipient_without_email_address_is_reported(kommun, time_machine):
    k = kommun
    k.klas.email = ""
    k.klas.save()
    document = k.document("Riktlinje för arkivering", START - days(30), k.anna, k.klf)
    _output, errors, messages = run_on(time_machine, START)
    assert recipients(messages) == sorted([k.anna.email, k.sara.email, MAILBOX])
    assert errors == (
        f"Saknar e-postadress: Klas Ledningschef (för ”{document.title}”). "
        "Lägg in adressen under Användare.\n"
    )


def test_a_flagged_document_asks_its_owner_for_an_overview_once(kommun, time_machine):
    k = kommun
    document = k.document("Rutin för loggranskning", START + days(200), k.bertil, k.soc)
    time_machine.move_to(at(START), tick=False)
    Styrdokument.objects.filter(pk=document.pk).update(
        review_flagged_at=at(START, hour=5),
        review_flag_note="Översyn behövs: Riktlinje för loggning har antagits i version 2.0.",
    )
    messages = run()[2]
    assert sent(messages) == [
        (k.bertil.email, document.title, f"Översyn behövs: ”{document.title}”")
    ]
    assert "Riktlinje för loggning har antagits i version 2.0." in messages[0].body
    assert run()[2] == []
    assert run_on(time_machine, START + DAY)[2] == []


# -- the emails ---------------------------------------------------------------------------------


def test_emails_name_the_document_and_its_date_and_link_to_it_and_to_start_revision(
    kommun, time_machine, intranet_client
):
    k = kommun
    due = START - days(30)
    document = k.document(
        "Riktlinje för informationsklassning", due, k.anna, k.klf, diarienummer="KS-2026-77"
    )
    messages = run_on(time_machine, START)[2]
    assert len(messages) == 4
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    start_url = base + reverse("styrdok_review:start", args=[document.pk])
    for message in messages:
        assert f"”{document.title}”" in message.subject
        assert f"”{document.title}”" in message.body
        assert str(due) in message.body
        assert "dnr KS-2026-77" in message.body
        assert f"Påbörja revision: {start_url}\n" in message.body
        document_url = re.search(r"^Dokumentet: (\S+)$", message.body, re.M).group(1)
        assert document_url.startswith(base + "/")
        assert message.from_email == settings.DEFAULT_FROM_EMAIL

    owner_mail = next(message for message in messages if message.to == [k.anna.email])
    assert owner_mail.subject == (
        f"Försenad revision: ”{document.title}” skulle ha reviderats senast {due}"
    )
    assert owner_mail.body.startswith("Hej Anna Andersson!\n")
    assert "för 30 dagar sedan" in owner_mail.body
    assert (
        "går ärendet vidare till informationssäkerhetssamordnaren och din chef" in owner_mail.body
    )

    chef_mail = next(message for message in messages if message.to == [k.klas.email])
    assert chef_mail.subject == f"Eskalering: revisionen av ”{document.title}” är 30 dagar försenad"
    assert "Dokumentansvarig: Anna Andersson." in chef_mail.body
    assert "Förvaltning: Kommunledningsförvaltningen." in chef_mail.body

    # The links work: the document on the intranet, and Påbörja revision in the admin.
    parts = urlsplit(document_url)
    assert parts.netloc == INTRANET_HOST
    response = intranet_client.get(parts.path)
    assert response.status_code == 200
    assert document.title in response.content.decode()
    admin = Client(HTTP_HOST=INTRANET_HOST)
    admin.force_login(k.admin)
    response = admin.get(urlsplit(start_url).path)
    assert response.status_code == 200
    assert "Påbörja revision" in response.content.decode()


# -- an SMTP server that refuses one address ----------------------------------------------------


class SmtpServer:
    """A real SMTP server on localhost (aiosmtpd) that refuses the addresses in `refuse`."""

    def __init__(self):
        self.refuse = set()
        self.received = []  # (envelope recipients, parsed message)
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mottagaren finns inte"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def delivered_to(self):
        return sorted(address for rcpt_tos, _message in self.received for address in rcpt_tos)


def subject_of(message):
    """The subject as a mail client shows it (RFC 2047 words decoded, folding undone)."""
    raw = email.message_from_bytes(message.as_bytes())["Subject"]
    return str(email.header.make_header(email.header.decode_header(raw)))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_settings(port):
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=10,
    )


@pytest.fixture
def smtp_server():
    port = free_port()
    handler = SmtpServer()
    controller = Controller(handler, hostname="127.0.0.1", port=port, loop=asyncio.new_event_loop())
    controller.start()
    try:
        with smtp_settings(port):
            yield handler
    finally:
        controller.stop()


def test_an_smtp_failure_for_one_recipient_is_retried_on_the_next_run(
    kommun, time_machine, smtp_server
):
    k = kommun
    late = k.document("Riktlinje för leverantörer", START - days(30), k.anna, k.klf)
    soon = k.document("Riktlinje för utbildning", START + days(7), k.bertil, k.buf)
    smtp_server.refuse.add(k.klas.email)  # the chef's mailbox is full, say

    time_machine.move_to(at(START), tick=False)
    with pytest.raises(CommandError) as excinfo:
        run()
    assert excinfo.value.returncode == 1  # manage.py exits with status 1
    assert str(excinfo.value) == (
        "1 e-postmeddelande kunde inte skickas. Det är inte registrerat som skickat och "
        "skickas igen vid nästa körning."
    )
    # Everyone else got theirs, over SMTP, the refused address included in no message.
    assert smtp_server.delivered_to() == sorted(
        [k.anna.email, k.bertil.email, k.sara.email, MAILBOX]
    )
    subjects = {rcpt[0]: subject_of(message) for rcpt, message in smtp_server.received}
    assert subjects[k.bertil.email] == (
        f"Revision: ”{soon.title}” ska vara reviderad senast {soon.next_review}"
    )
    assert subjects[k.sara.email] == (
        f"Eskalering: revisionen av ”{late.title}” är 30 dagar försenad"
    )
    body = next(m for rcpt, m in smtp_server.received if rcpt == [k.anna.email]).get_content()
    assert f"”{late.title}”" in body
    # One SMTP session for the run, and a fresh one after the refusal.
    assert smtp_server.sessions == 2
    # Only what was delivered is recorded; the refused one is not.
    assert not ReviewReminder.objects.filter(email=k.klas.email).exists()
    assert ReviewReminder.objects.count() == 4

    # What the operator sees: the failure, and the summary, on the run that failed.
    smtp_server.received.clear()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("send_review_reminders", stdout=out, stderr=err)
    assert smtp_server.received == []  # nothing was sent twice
    assert err.getvalue().startswith(
        f"Misslyckades: ”{late.title}” (revideras senast {late.next_review}) till Klas "
        f"Ledningschef <{k.klas.email}> [eskalering-1]: SMTPRecipientsRefused"
    )
    assert "0 skickade e-postmeddelanden om 0 dokument (varav 0 eskaleringar), 1 misslyckades" in (
        out.getvalue()
    )

    # The mailbox is fixed; the next run, the same day, sends only the one that failed.
    smtp_server.refuse.clear()
    output, errors, _messages = run()
    assert errors == ""
    assert "1 skickat e-postmeddelande om 1 dokument (varav 1 eskalering), 0 misslyckades" in (
        output
    )
    assert smtp_server.delivered_to() == [k.klas.email]
    assert subject_of(smtp_server.received[0][1]) == (
        f"Eskalering: revisionen av ”{late.title}” är 30 dagar försenad"
    )
    assert ReviewReminder.objects.filter(email=k.klas.email).count() == 1
    smtp_server.received.clear()
    run()
    assert smtp_server.received == []


def test_when_the_mail_server_is_down_nothing_is_lost(kommun, time_machine):
    k = kommun
    late = k.document("Riktlinje för fjärråtkomst", START - days(30), k.anna, k.klf)
    time_machine.move_to(at(START), tick=False)
    with smtp_settings(free_port()):  # nothing listens there
        out, err = StringIO(), StringIO()
        with pytest.raises(CommandError) as excinfo:
            call_command("send_review_reminders", stdout=out, stderr=err)
    assert excinfo.value.returncode == 1
    assert str(excinfo.value).startswith("4 e-postmeddelanden kunde inte skickas. De är inte")
    assert "0 skickade e-postmeddelanden om 0 dokument (varav 0 eskaleringar), 4 misslyckades" in (
        out.getvalue()
    )
    assert err.getvalue().count("Misslyckades: ") == 4
    assert ReviewReminder.objects.count() == 0
    # Up again: the next run sends all four.
    messages = run()[2]
    assert recipients(messages, late.title) == sorted([k.anna.email, *escalated_to(k.sara, k.klas)])


# -- cost -------------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_number_of_documents(kommun, time_machine, settings):
    """With the default digest the e-mails are one per recipient, so the number of queries
    (the reads up front, a claim and a sent mark per e-mail) stays the same at 8 times the
    documents; only the bulk INSERTs of the claims grow, by rows per statement."""
    settings.STYRDOK_REMINDER_DIGEST = True
    k = kommun
    owners = [k.anna, k.bertil, k.cecilia, k.david, None]
    organisations = [k.klf, k.soc, k.buf, k.it]
    # The owners may read the restricted documents (an owner outside the group is not reminded).
    for owner in owners[:4]:
        owner.groups.add(k.secret)

    def add(count, due):
        for n in range(count):
            k.document(
                f"Dokument {due} {n}",
                due,
                owners[n % 5],
                organisations[n % 4],
                restricted_to=[k.secret] if n % 3 == 0 else [],
            )

    add(5, START + days(7))
    add(5, START - days(30))  # escalated
    time_machine.move_to(at(START), tick=False)
    run("--dry-run")  # warm caches (content types, site root) as a long-lived process would
    with CaptureQueriesContext(connection) as small:
        small_messages = run()[2]
    small_rows = ReviewReminder.objects.count()

    add(40, START + days(8))
    add(40, START - days(29))
    time_machine.move_to(at(START + DAY), tick=False)
    with CaptureQueriesContext(connection) as large:
        large_messages = run()[2]
    large_rows = ReviewReminder.objects.count() - small_rows
    assert small_rows > 10
    assert large_rows > 80
    # One e-mail per recipient, however many documents they have.
    assert len(large_messages) == len(small_messages) < 10
    assert len({tuple(m.to) for m in large_messages}) == len(large_messages)

    def split(queries):
        sql = [query["sql"] for query in queries.captured_queries]
        inserts = [query for query in sql if query.startswith("INSERT")]
        reads = [query for query in sql if query.startswith("SELECT")]
        other = [q for q in sql if not q.startswith("INSERT") and not q.startswith("SELECT")]
        return reads, inserts, other

    small_reads, small_inserts, small_other = split(small)
    large_reads, large_inserts, large_other = split(large)
    # Everything is read in the same few queries whatever the number of documents (four of
    # them the day's status measurement, reports.snapshots, which the run ends with) ...
    assert len(large_reads) == len(small_reads) < 17, "\n".join(q[:60] for q in large_reads)
    # ... the claim and the sent mark are a fixed number of statements per e-mail ...
    assert len(large_other) == len(small_other), "\n".join(q[:60] for q in large_other)
    # ... and the claims are written in bulk, not a query per document.
    assert len(large_inserts) <= len(large_messages) + math.ceil(large_rows / 50)
