"""The e-mails sent at every transition: who gets one, and what it says.

The next step's approvers hear that something waits for them; the submitter and the
dokumentansvarig hear every outcome. Nobody is mailed about their own action.
"""

import pytest

from policies.models import RiktlinjePage
from tests.factories import make_user

from .outbox_helpers import clear_mail, delivered, subjects_by_recipient
from .workflow_helpers import (
    KD_DECISION,
    KD_FORWARDS,
    KF_DECISION,
    KS_DECISION,
    KS_PROPOSAL,
    KS_WORKFLOW,
    OFFICIAL_DECISION,
    REVIEW,
    add_url,
    approve_data,
    approver_for,
    case_url,
    client_for,
    current_task_state,
    days_ago,
    edit_url,
    make_draft,
    name_of,
    page_form_data,
    record_data,
    reject_data,
    run_to_step,
    second_coordinator,
    start,
)

pytestmark = pytest.mark.django_db

TITLE = "Riktlinje för fjärråtkomst"


def only_message_to(user):
    messages = [message for message in delivered() if user.email in message.to]
    assert len(messages) == 1, [m.subject for m in messages]
    assert messages[0].to == [user.email]
    return messages[0]


def task_link(task_state):
    return f"http://intranet.localhost/admin/arenden/{task_state.pk}/"


# -- submission and advancing ---------------------------------------------------------------


def test_submission_tells_the_reviewers(people):
    colleague = make_user(
        "samordnare2", groups=["Informationssäkerhetssamordnare"], first_name="Sven"
    )
    page = make_draft("riktlinje", "ks", title=TITLE, responsible=people.agare)

    start(page, people.redaktor)

    review = current_task_state(page)
    assert subjects_by_recipient() == {
        people.samordnare.email: [f"Att besluta: {TITLE} – Granskning"],
        colleague.email: [f"Att besluta: {TITLE} – Granskning"],
    }
    message = only_message_to(people.samordnare)
    assert f"Hej {name_of(people.samordnare)}!" in message.body
    assert f"Riktlinje ”{TITLE}” väntar på dig i steget ”Granskning”" in message.body
    assert f"arbetsflödet ”{KS_WORKFLOW}”" in message.body
    assert f"Dokumentet skickades in av {name_of(people.redaktor)}." in message.body
    assert task_link(review) in message.body


def test_submitting_through_the_editor_sends_the_same_mail(people, register):
    data = page_form_data(RiktlinjePage, TITLE, "fjarratkomst", "kommundirektor")
    data["action-submit"] = "1"
    client_for(people.redaktor).post(add_url(register, RiktlinjePage), data)

    assert subjects_by_recipient() == {
        people.samordnare.email: [f"Att besluta: {TITLE} – Granskning"]
    }


def test_a_coordinator_is_not_told_about_their_own_submission(people):
    colleague = second_coordinator()
    page = make_draft("riktlinje", "kommundirektor", title=TITLE)

    start(page, people.samordnare)

    # Only the other member of the review group hears of it.
    assert subjects_by_recipient() == {colleague.email: [f"Att besluta: {TITLE} – Granskning"]}


def test_an_approval_tells_the_next_approver_the_submitter_and_the_owner(people):
    page = make_draft("riktlinje", "kommundirektor", title=TITLE, responsible=people.agare)
    start(page, people.redaktor)
    review = current_task_state(page)
    clear_mail()

    client_for(people.samordnare).post(
        case_url(review), approve_data("Bra, men se över avsnitt 3.\nTack!")
    )

    decision = current_task_state(page)
    assert subjects_by_recipient() == {
        people.kommundirektor.email: [f"Att besluta: {TITLE} – {KD_DECISION}"],
        people.redaktor.email: [f"Godkänt: {TITLE} – Granskning"],
        people.agare.email: [f"Godkänt: {TITLE} – Granskning"],
    }
    waiting = only_message_to(people.kommundirektor)
    assert task_link(decision) in waiting.body
    assert f"Föregående steg avslutades av {name_of(people.samordnare)}." in waiting.body
    for user in (people.redaktor, people.agare):
        message = only_message_to(user)
        assert f"{name_of(people.samordnare)} har godkänt steget ”Granskning”" in message.body
        assert (
            f"Kommentar från {name_of(people.samordnare)}:\nBra, men se över avsnitt 3.\nTack!"
            in message.body
        )
        assert f"Nästa steg: {KD_DECISION}." in message.body
        assert f"http://intranet.localhost{edit_url(page)}" in message.body


def test_an_approval_without_comment_has_no_comment_section(people):
    page = make_draft("riktlinje", "kommundirektor", title=TITLE)
    start(page, people.redaktor)
    clear_mail()

    client_for(people.samordnare).post(case_url(current_task_state(page)), approve_data(""))

    assert "Kommentar" not in only_message_to(people.redaktor).body


def test_the_kommundirektor_forwarding_a_proposal(people):
    page = make_draft("riktlinje", "ks", title=TITLE, responsible=people.agare)
    forwarding = run_to_step(people, page, KD_FORWARDS, people.redaktor)
    clear_mail()

    client_for(people.kommundirektor).post(
        case_url(forwarding), approve_data("Överlämnas till kommunstyrelsen.")
    )

    assert subjects_by_recipient() == {
        people.sekreterare.email: [f"Att besluta: {TITLE} – {KS_DECISION}"],
        people.redaktor.email: [f"Godkänt: {TITLE} – {KD_FORWARDS}"],
        people.agare.email: [f"Godkänt: {TITLE} – {KD_FORWARDS}"],
    }
    assert "Överlämnas till kommunstyrelsen." in only_message_to(people.agare).body


def test_a_ks_proposal_tells_the_submitter_and_the_other_secretaries(people):
    colleague = make_user("sekreterare2", groups=["Nämndsekreterare"])
    page = make_draft("policy", "kf", title="Informationssäkerhetspolicy", responsible=people.agare)
    proposal = run_to_step(people, page, KS_PROPOSAL, people.redaktor)
    clear_mail()

    client_for(people.sekreterare).post(
        case_url(proposal),
        record_data(
            meeting_date=days_ago(10),
            paragraph="12",
            diarienummer="KS 2025/9",
            protocol_reference="KS protokoll",
        ),
    )

    title = "Informationssäkerhetspolicy"
    assert subjects_by_recipient() == {
        # The secretary who recorded the proposal is not told about the next step.
        colleague.email: [f"Att besluta: {title} – {KF_DECISION}"],
        people.redaktor.email: [f"Kommunstyrelsen har föreslagit beslut: {title}"],
        people.agare.email: [f"Kommunstyrelsen har föreslagit beslut: {title}"],
    }
    body = only_message_to(people.redaktor).body
    assert f"Sammanträde: {days_ago(10)}, § 12, dnr KS-2025-9." in body
    assert "Protokoll: KS protokoll" in body
    assert f"Nästa steg: {KF_DECISION}." in body
    assert f"Registrerat av {name_of(people.sekreterare)}." in body


# -- the final decision -----------------------------------------------------------------------


def test_an_officials_decision_is_announced_once(people):
    page = make_draft(
        "rutin", "stabschef", title="Rutin för loggranskning", responsible=people.agare
    )
    decision = run_to_step(people, page, OFFICIAL_DECISION, people.redaktor)
    clear_mail()

    client_for(people.stabschef).post(
        case_url(decision),
        approve_data(
            "Gäller från årsskiftet.", decision_date=days_ago(1), diarienummer="KS-2025-5"
        ),
    )

    subject = "Fastställt: Rutin för loggranskning"
    assert subjects_by_recipient() == {
        people.redaktor.email: [subject],
        people.agare.email: [subject],
    }
    body = only_message_to(people.agare).body
    assert "Rutin ”Rutin för loggranskning” är fastställd och publicerad." in body
    assert "Beslutad av: Stabschef" in body
    assert f"Beslutsdatum: {days_ago(1)}" in body
    assert "Diarienummer: KS-2025-5" in body
    assert "Paragraf" not in body
    assert "Kommentar:\nGäller från årsskiftet." in body
    assert "http://intranet.localhost/" in body and page.slug in body


def test_a_recorded_decision_names_the_paragraph_and_the_protocol(people):
    page = make_draft("riktlinje", "ks", title=TITLE, responsible=people.agare)
    decision = run_to_step(people, page, KS_DECISION, people.redaktor)
    clear_mail()

    client_for(people.sekreterare).post(
        case_url(decision),
        record_data(
            meeting_date=days_ago(5),
            paragraph="45",
            diarienummer="KS 2025/88",
            protocol_reference="Kommunstyrelsens protokoll",
        ),
    )

    assert subjects_by_recipient() == {
        people.redaktor.email: [f"Fastställt: {TITLE}"],
        people.agare.email: [f"Fastställt: {TITLE}"],
    }
    body = only_message_to(people.redaktor).body
    assert "Beslutad av: Kommunstyrelsen" in body
    assert f"Beslutsdatum: {days_ago(5)}" in body
    assert "Paragraf: § 45" in body
    assert "Diarienummer: KS-2025-88" in body
    assert "Protokoll: Kommunstyrelsens protokoll" in body


def test_a_submitter_who_is_also_the_owner_gets_one_mail(people):
    page = make_draft("riktlinje", "kommundirektor", title=TITLE, responsible=people.redaktor)
    start(page, people.redaktor)
    clear_mail()

    client_for(people.samordnare).post(case_url(current_task_state(page)), approve_data())
    assert subjects_by_recipient()[people.redaktor.email] == [f"Godkänt: {TITLE} – Granskning"]

    clear_mail()
    client_for(people.kommundirektor).post(
        case_url(current_task_state(page)),
        approve_data(decision_date=days_ago(1), diarienummer="KS-2025-6"),
    )
    assert subjects_by_recipient() == {people.redaktor.email: [f"Fastställt: {TITLE}"]}


def test_an_approver_who_owns_the_document_is_not_mailed_about_their_own_approval(people):
    page = make_draft("riktlinje", "kommundirektor", title=TITLE, responsible=people.samordnare)
    start(page, people.redaktor)
    clear_mail()

    client_for(people.samordnare).post(case_url(current_task_state(page)), approve_data("Ok."))

    assert people.samordnare.email not in subjects_by_recipient()
    assert subjects_by_recipient()[people.redaktor.email] == [f"Godkänt: {TITLE} – Granskning"]


# -- returns and refusals at every step -----------------------------------------------------------

# (document type, body, step): every step of every workflow can send the document back.
RETURN_STEPS = [
    ("rutin", "verksamhetschef", REVIEW),
    ("rutin", "verksamhetschef", OFFICIAL_DECISION),
    ("riktlinje", "kommundirektor", KD_DECISION),
    ("riktlinje", "ks", KD_FORWARDS),
    ("riktlinje", "ks", KS_DECISION),
    ("policy", "kf", KS_PROPOSAL),
    ("policy", "kf", KF_DECISION),
]


@pytest.mark.parametrize(
    ("doc_type", "body_code", "step"),
    RETURN_STEPS,
    ids=[f"{body}-{step}" for _doc, body, step in RETURN_STEPS],
)
def test_a_return_at_any_step_tells_the_submitter_and_the_owner(people, doc_type, body_code, step):
    page = make_draft(doc_type, body_code, title=TITLE, responsible=people.agare)
    task_state = run_to_step(people, page, step, people.redaktor)
    actor = approver_for(people, page, task_state)
    recorded = actor == people.sekreterare
    reason = "Ansvarsfördelningen är oklar.\nFörtydliga avsnitt 2."
    if recorded:
        data = record_data(
            outcome="aterremitterad", meeting_date=days_ago(4), paragraph="77", comment=reason
        )
    else:
        data = reject_data(reason)
    clear_mail()

    response = client_for(actor).post(case_url(task_state), data)

    assert response.status_code == 302
    subject = f"Återremitterat: {TITLE} – {step}"
    assert subjects_by_recipient() == {
        people.redaktor.email: [subject],
        people.agare.email: [subject],
    }
    body = only_message_to(people.agare).body
    assert f"”{TITLE}” har återremitterats i steget ”{step}”" in body
    if recorded:
        assert f"(sammanträde {days_ago(4)}, § 77)" in body
    else:
        assert f"av {name_of(actor)}." in body
    assert f"Skäl:\n{reason}" in body
    assert f"http://intranet.localhost{edit_url(page)}" in body


def test_a_refusal_tells_the_submitter_and_the_owner(people):
    page = make_draft("policy", "kf", title="Policy för molntjänster", responsible=people.agare)
    task_state = run_to_step(people, page, KF_DECISION, people.redaktor)
    clear_mail()

    client_for(people.sekreterare).post(
        case_url(task_state),
        record_data(
            outcome="avslagen",
            meeting_date=days_ago(2),
            paragraph="88",
            diarienummer="KS 2025/70",
            comment="Fullmäktige avslår förslaget.",
        ),
    )

    subject = "Avslaget: Policy för molntjänster"
    assert subjects_by_recipient() == {
        people.redaktor.email: [subject],
        people.agare.email: [subject],
    }
    body = only_message_to(people.redaktor).body
    assert "Kommunfullmäktige har avslagit förslaget till policy ”Policy för molntjänster”." in body
    assert f"Sammanträde: {days_ago(2)}, § 88, dnr KS-2025-70." in body
    assert "Motivering:\nFullmäktige avslår förslaget." in body
    assert "Ärendet är avslutat." in body


def test_refused_actions_send_no_mail(people):
    page = make_draft("riktlinje", "ks", title=TITLE, responsible=people.agare)
    task_state = run_to_step(people, page, KS_DECISION, people.redaktor)
    clear_mail()

    client_for(people.redaktor).post(case_url(task_state), record_data())
    client_for(people.sekreterare).post(case_url(task_state), record_data(paragraph="§1"))
    client_for(people.kommundirektor).post(case_url(task_state), approve_data())

    assert delivered() == []


# -- documents restricted to groups ----------------------------------------------------------


def restricted_to_management(people, *members):
    """A group "Ledning" with `members`: the people who may know of a restricted document."""
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Ledning")
    for member in members:
        member.groups.add(group)
    return group


def test_a_restricted_document_is_announced_only_to_members_of_its_groups(people):
    colleague = second_coordinator()
    management = restricted_to_management(
        people, people.redaktor, people.samordnare, people.kommundirektor
    )
    # The dokumentansvarig and the other reviewer are not in the group.
    page = make_draft("riktlinje", "kommundirektor", title=TITLE, responsible=people.agare)
    page.restricted_to = [management]
    page.save()

    start(page, people.redaktor)
    waiting = subjects_by_recipient()
    clear_mail()
    client_for(people.samordnare).post(case_url(current_task_state(page)), approve_data())

    assert waiting == {people.samordnare.email: [f"Att besluta: {TITLE} – Granskning"]}
    assert subjects_by_recipient() == {
        people.kommundirektor.email: [f"Att besluta: {TITLE} – {KD_DECISION}"],
        people.redaktor.email: [f"Godkänt: {TITLE} – Granskning"],
    }
    assert colleague.email not in subjects_by_recipient()


def test_a_restriction_added_in_the_draft_is_obeyed_before_it_is_adopted(people):
    colleague = second_coordinator()
    management = restricted_to_management(
        people, people.redaktor, people.samordnare, people.kommundirektor
    )
    page = make_draft("riktlinje", "kommundirektor", title=TITLE, responsible=people.agare)
    draft = page.get_latest_revision_as_object()
    draft.restricted_to = [management]
    draft.save_revision(user=people.redaktor)

    start(page, people.redaktor)

    assert subjects_by_recipient() == {
        people.samordnare.email: [f"Att besluta: {TITLE} – Granskning"]
    }
    assert colleague.email not in subjects_by_recipient()
