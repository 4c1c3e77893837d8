"""One digest per recipient and run (the default), separate messages by a setting, and every
sentence of a reminder or escalation taken from the record.
"""

import pytest
from django.core import mail
from django.core.management import call_command

from governance.links import my_documents_url
from revision.models import ReviewReminder
from revision.reminders import step_label
from tests.revision.test_reminders import MAILBOX, START, Kommun, at, days

pytestmark = pytest.mark.django_db

NO_REMINDERS = (
    "Enligt Styrdoks register har ingen påminnelse om den här revisionen skickats till "
    "dokumentansvarig."
)
FALSE_CLAIM = "Påminnelser har skickats"


@pytest.fixture
def kommun(db, time_machine):
    time_machine.move_to(at(START, hour=5), tick=False)
    k = Kommun()
    k.a = k.document("Riktlinje för lösenord", START + days(7), k.anna, k.klf)
    k.b = k.document("Rutin för behörigheter", START - days(10), k.anna, k.klf)
    k.c = k.document("Riktlinje för loggning", START - days(40), k.anna, k.klf)
    k.d = k.document("Rutin för säkerhetskopiering", START - days(35), k.bertil, k.it)
    return k


def run_on(time_machine, day):
    time_machine.move_to(at(day), tick=False)
    mail.outbox.clear()
    call_command("send_review_reminders", verbosity=0)
    return list(mail.outbox)


def to(messages, user_or_address):
    address = getattr(user_or_address, "email", user_or_address)
    found = [message for message in messages if message.to == [address]]
    assert len(found) <= 1, [m.subject for m in found]
    return found[0] if found else None


def test_one_digest_per_recipient_by_default(kommun, time_machine):
    k = kommun
    messages = run_on(time_machine, START)

    # Anna has three documents due, Sara (samordnare) and the mailbox two escalations each:
    # one message each. Bertil, Klas and Sofia have one item and get its ordinary message.
    assert sorted(address for m in messages for address in m.to) == sorted(
        [k.anna.email, k.bertil.email, k.sara.email, MAILBOX, k.klas.email, k.sofia.email]
    )

    anna = to(messages, k.anna)
    assert anna.subject == "Du har 3 styrdokument att se över, varav 2 är försenade"
    assert "Hej Anna Andersson!" in anna.body
    assert "DOKUMENT DU ÄR ANSVARIG FÖR" in anna.body
    for document, status in [
        (k.a, "ska vara reviderat om 7 dagar"),
        (k.b, "försenat 10 dagar"),
        (k.c, "försenat 40 dagar"),
    ]:
        assert f"* {document.title} (riktlinje" in anna.body
        block = anna.body.split(f"* {document.title} ")[1].split("\n* ")[0]
        assert f"Revideras senast: {document.next_review.isoformat()}" in block
        assert f"Status: {status}" in block
    assert f"Alla dokument du är ansvarig för: {my_documents_url()}" in anna.body
    assert "ESKALERATS" not in anna.body

    sara = to(messages, k.sara)
    assert sara.subject == "Du har 2 styrdokument att se över, varav 2 är försenade"
    assert "DOKUMENT SOM HAR ESKALERATS TILL DIG" in sara.body
    assert "försenat 40 dagar, ingen revision är inskickad; dokumentansvarig: Anna" in sara.body
    assert "försenat 35 dagar, ingen revision är inskickad; dokumentansvarig: Bertil" in sara.body
    assert my_documents_url() in sara.body
    assert to(messages, MAILBOX).subject == sara.subject

    # One item: the ordinary message about it.
    assert to(messages, k.bertil).subject.startswith("Försenad revision: ”Rutin för säkerhetsk")
    assert to(messages, k.klas).subject == (
        "Eskalering: revisionen av ”Riktlinje för loggning” är 40 dagar försenad"
    )

    # Every document and step is recorded for each recipient, exactly as separate messages are.
    assert ReviewReminder.objects.filter(email=k.anna.email, state="sent").count() == 3
    assert ReviewReminder.objects.filter(email=k.sara.email, state="sent").count() == 2
    # The same day again: nothing is sent twice.
    assert run_on(time_machine, START) == []


def test_the_subject_counts_what_is_overdue(kommun, time_machine):
    k = kommun
    k.c.delete()
    # Twelve days earlier neither of Anna's two documents is overdue yet …
    anna = to(run_on(time_machine, START - days(12)), k.anna)
    assert anna.subject == "Du har 2 styrdokument att se över"
    # … on START one of them is.
    anna = to(run_on(time_machine, START), k.anna)
    assert anna.subject == "Du har 2 styrdokument att se över, varav 1 är försenat"


def test_a_setting_keeps_separate_messages(kommun, time_machine, settings):
    k = kommun
    settings.STYRDOK_REMINDER_DIGEST = False
    messages = run_on(time_machine, START)
    # Anna 3, Bertil 1, and each escalation to the samordnare, the chef and the mailbox.
    assert len(messages) == 10
    assert sorted(m.subject for m in messages if m.to == [k.anna.email]) == sorted(
        [
            "Revision: ”Riktlinje för lösenord” ska vara reviderad senast "
            f"{k.a.next_review.isoformat()}",
            "Försenad revision: ”Rutin för behörigheter” skulle ha reviderats senast "
            f"{k.b.next_review.isoformat()}",
            "Försenad revision: ”Riktlinje för loggning” skulle ha reviderats senast "
            f"{k.c.next_review.isoformat()}",
        ]
    )
    assert all(not m.subject.startswith("Du har") for m in messages)


def test_dry_run_counts_the_digests(kommun, time_machine, capsys):
    time_machine.move_to(at(START), tick=False)
    call_command("send_review_reminders", "--dry-run")
    output = capsys.readouterr().out
    assert "6 e-postmeddelanden skulle skickas om 4 dokument" in output
    assert mail.outbox == []


# -- facts from the record ----------------------------------------------------------------------


def test_the_first_escalation_says_no_reminder_was_sent(kommun, time_machine):
    k = kommun
    messages = run_on(time_machine, START)  # the first run ever: no reminder was ever sent

    klas = to(messages, k.klas)
    assert NO_REMINDERS in klas.body
    assert FALSE_CLAIM not in klas.body
    sara = to(messages, k.sara)
    assert sara.body.count(NO_REMINDERS) == 2  # for each escalated document
    assert FALSE_CLAIM not in sara.body


def test_a_later_escalation_lists_the_reminders_the_record_shows(kommun, time_machine):
    k = kommun
    for day in (START, START + days(7), START + days(14)):
        run_on(time_machine, day)
    day = START + days(21)
    messages = run_on(time_machine, day)  # C's second escalation, B's first: one digest

    klas = to(messages, k.klas)
    assert klas.subject == "Du har 2 styrdokument att se över, varav 2 är försenade"
    for document in (k.c, k.b):
        block = klas.body.split(f"* {document.title} ")[1].split("\n* ")[0]
        reminders = ReviewReminder.objects.filter(
            document=document, kind="paminnelse", state="sent", sent_on__lt=day
        ).order_by("sent_on")
        assert [r.sent_on for r in reminders] == [START + days(n) for n in (0, 7, 14)]
        assert (
            "Enligt Styrdoks register har 3 påminnelser om den här revisionen skickats till "
            "dokumentansvarig:" in block
        )
        for reminder in reminders:
            when = reminder.sent_on.isoformat()
            assert f"- {when} ({step_label(reminder.step)}) till {k.anna.email}" in block
        assert NO_REMINDERS not in block
    assert f"- {START.isoformat()} (försenad, påminnelse 5) till {k.anna.email}" in klas.body


def test_a_single_escalation_names_the_reminders_too(kommun, time_machine):
    k = kommun
    run_on(time_machine, START)
    messages = run_on(time_machine, START + days(7))  # no escalation due; owner reminders
    assert to(messages, k.klas) is None
    k.b.delete()
    messages = run_on(time_machine, START + days(28))  # only C escalates to Klas now
    klas = to(messages, k.klas)
    assert klas.subject.startswith("Eskalering: revisionen av ”Riktlinje för loggning”")
    assert (
        "Enligt Styrdoks register har 2 påminnelser om den här revisionen skickats till "
        "dokumentansvarig:" in klas.body
    )
    assert f"- {START.isoformat()} (försenad, påminnelse 5) till {k.anna.email}" in klas.body
    assert f"- {(START + days(7)).isoformat()} (försenad, påminnelse 6)" in klas.body
