"""Decisions taken in a meeting (KS, KF) and recorded by the nämndsekreterare from the protocol,
and what the decision leaves behind in the edit form."""

import pytest
from django.core import mail
from wagtail.models import Page, TaskState, WorkflowState

from policies.dates import add_months
from policies.models import RiktlinjePage
from tests.factories import get_body, make_document
from tests.shared import build_once

from .workflow_helpers import (
    KF_DECISION,
    KS_DECISION,
    KS_PROPOSAL,
    REVIEW,
    SUCCESS,
    action_forms,
    advance,
    build_people,
    case_url,
    client_for,
    current_task_state,
    days_ago,
    edit_url,
    error_texts,
    field_is_disabled,
    history_rows,
    history_url,
    latest,
    make_draft,
    messages_of,
    name_of,
    page_form_data,
    page_text,
    people_from,
    record_data,
    reload,
    run_to_step,
    second_coordinator,
    workflow_state,
)

pytestmark = pytest.mark.django_db


def ks_riktlinje_at_decision(people):
    """A KS riktlinje at its last step, KS-beslut, submitted by the redaktör."""
    page = make_draft(
        "riktlinje", "ks", title="Riktlinje för behörigheter", responsible=people.agare
    )
    run_to_step(people, page, KS_DECISION, people.redaktor)
    return page


def build_world():
    """People and the documents the tests act on, once for the module; each test runs in a
    savepoint. The scene is set through the models; what the tests assert goes through HTTP."""
    pks = build_people()
    people = people_from(pks)
    at_ks_decision = ks_riktlinje_at_decision(people)
    # The same, adopted: the nämndsekreterare recorded KS's decision (§ 45, six days ago).
    adopted = ks_riktlinje_at_decision(people)
    task_state = current_task_state(adopted)
    task_state.task.specific.on_action(
        task_state,
        people.sekreterare,
        "record",
        outcome="beslutad",
        meeting_date=days_ago(6),
        paragraph=45,
        diarienummer="KS 2025/88",
    )
    kf = make_draft("policy", "kf", title="Informationssäkerhetspolicy")
    run_to_step(people, kf, KF_DECISION, people.redaktor)
    # An adopted riktlinje whose next version waits at the kommundirektör's decision.
    kd = make_document(
        RiktlinjePage, decision_body=get_body("kommundirektor"), decision_date=days_ago(400)
    )
    run_to_step(people, kd, "Kommundirektörens beslut", people.redaktor)
    return {
        "people": pks,
        "at_ks_decision": at_ks_decision.pk,
        "adopted_by_ks": adopted.pk,
        "at_kf_decision": kf.pk,
        "at_kd_decision": kd.pk,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def people(world, db):
    """Everyone, read afresh; the mail outbox emptied so a test sees only its own mail."""
    mail.outbox.clear()
    return people_from(world["people"])


def at_step(world, name):
    """The world's document `name` (re-read) and the step its run waits at."""
    page = reload(Page.objects.get(pk=world[name]))
    return page, current_task_state(page)


@pytest.fixture
def at_ks_decision(world, people):
    return at_step(world, "at_ks_decision")


def test_the_secretary_records_an_adoption(people, at_ks_decision):
    page, task_state = at_ks_decision
    sekreterare = client_for(people.sekreterare)
    case = sekreterare.get(case_url(task_state))
    assert case.status_code == 200
    assert action_forms(case) == {"record"}

    response = sekreterare.post(
        case_url(task_state),
        record_data(
            meeting_date=days_ago(6),
            paragraph=" 45 ",
            diarienummer="ks  2025/88",
            protocol_reference="Kommunstyrelsens protokoll",
            protocol_url="https://exempelkommun.se/protokoll/ks.pdf",
        ),
    )

    assert response.status_code == 302
    assert messages_of(response) == [f"{SUCCESS} ”Riktlinje för behörigheter”."]
    page = reload(page)
    assert page.live and not page.has_unpublished_changes
    assert page.decision_body == get_body("ks")
    assert page.decision_date == days_ago(6)
    assert page.protocol_paragraph == 45
    assert page.diarienummer == "KS-2025-88"
    assert page.valid_from == days_ago(6)
    assert page.next_review == add_months(days_ago(6), 12)
    assert workflow_state(page).status == WorkflowState.STATUS_APPROVED
    # Afterwards the case page is kept for reference only.
    case = sekreterare.get(case_url(task_state))
    assert "Dokumentet står inte längre på steget ”KS-beslut”." in page_text(case)
    assert action_forms(case) == set()


def test_aterremiss_sends_the_document_back_to_the_editor(people, at_ks_decision):
    page, task_state = at_ks_decision

    response = client_for(people.sekreterare).post(
        case_url(task_state),
        record_data(
            outcome="aterremitterad",
            meeting_date=days_ago(6),
            paragraph="12",
            comment="Beskriv hur behörigheter följs upp.",
        ),
    )

    assert response.status_code == 302
    page = reload(page)
    assert not page.live and page.decision_date is None and page.protocol_paragraph is None
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_REJECTED
    # The editor sees it among their cases and can work on the document again.
    editor = client_for(people.redaktor)
    dashboard = editor.get("/admin/")
    assert "Återremitterat – gör ändringar och skicka in igen" in page_text(dashboard)
    form = editor.get(edit_url(page))
    assert "Sida låst" not in page_text(form)

    data = page_form_data(
        RiktlinjePage, "Riktlinje för behörigheter och uppföljning", page.slug, "ks"
    )
    data["action-submit"] = "1"
    response = editor.post(edit_url(page), data)

    assert response.status_code == 302
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    # The round starts over with the edited draft: Granskning and the kommundirektör's
    # överlämnande again, then KS (issue 13, item 1).
    assert state.current_task_state.task.name == REVIEW
    assert latest(page).title == "Riktlinje för behörigheter och uppföljning"
    advance(people, page, steps=2)
    state = workflow_state(page)
    assert state.current_task_state.task.name == KS_DECISION
    assert state.current_task_state.pk != task_state.pk

    response = client_for(people.sekreterare).post(
        case_url(state.current_task_state), record_data(meeting_date=days_ago(1), paragraph="30")
    )
    assert response.status_code == 302
    page = reload(page)
    assert page.live and page.title == "Riktlinje för behörigheter och uppföljning"
    assert page.protocol_paragraph == 30


def test_avslag_ends_the_run(people, at_ks_decision):
    page, task_state = at_ks_decision

    response = client_for(people.sekreterare).post(
        case_url(task_state),
        record_data(outcome="avslagen", paragraph="13", comment="Kommunstyrelsen avslår."),
    )

    assert response.status_code == 302
    page = reload(page)
    assert not page.live and page.decision_date is None
    assert workflow_state(page).status == WorkflowState.STATUS_CANCELLED
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_REJECTED
    case = client_for(people.sekreterare).get(case_url(task_state))
    assert action_forms(case) == set()
    assert history_rows(case)[-1] == [
        str(days_ago(2)),
        "Avslagen",
        "Kommunstyrelsen",
        name_of(people.sekreterare),
        KS_DECISION,
        "§ 13",
        "KS-2025-88",
        "Kommunstyrelsen avslår.",
    ]
    # Nothing is locked any more; a new proposal is a new submission from the start.
    editor = client_for(people.redaktor)
    data = page_form_data(RiktlinjePage, "Nytt förslag", page.slug, "ks")
    data["action-submit"] = "1"
    assert editor.post(edit_url(page), data).status_code == 302
    new_state = workflow_state(page)
    assert new_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert new_state.current_task_state.task.name == REVIEW


def test_a_kf_decision_is_recorded_after_the_ks_proposal(world, people):
    page, task_state = at_step(world, "at_kf_decision")
    assert task_state.task.name == KF_DECISION
    assert not reload(page).live

    client_for(people.sekreterare).post(
        case_url(task_state),
        record_data(meeting_date=days_ago(3), paragraph="61", diarienummer="KS 2025/104"),
    )

    page = reload(page)
    assert page.live
    assert page.decision_body == get_body("kf")
    assert (page.decision_date, page.protocol_paragraph, page.diarienummer) == (
        days_ago(3),
        61,
        "KS-2025-104",
    )
    # The history keeps both meetings, oldest first: KS's proposal and KF's decision, each with
    # the organ and the nämndsekreterare who recorded it.
    rows = history_rows(client_for(people.redaktor).get(history_url(page)))
    secretary = name_of(people.sekreterare)
    assert [row[:7] for row in rows[-2:]] == [
        [
            str(days_ago(2)),
            "Föreslaget",
            "Kommunstyrelsen",
            secretary,
            KS_PROPOSAL,
            "§ 45",
            "KS-2025-88",
        ],
        [
            str(days_ago(3)),
            "Beslutad",
            "Kommunfullmäktige",
            secretary,
            KF_DECISION,
            "§ 61",
            "KS-2025-104",
        ],
    ]


# -- after the decision: decision fields are read-only in the edit form --------------------------


@pytest.fixture
def adopted_by_ks(world, people):
    page = reload(Page.objects.get(pk=world["adopted_by_ks"]))
    assert page.live
    return page


@pytest.mark.parametrize(
    ("who", "body_editable"),
    [("redaktor", False), ("samordnare", True), ("admin", True)],
)
def test_decision_fields_are_read_only_after_the_decision(
    people, adopted_by_ks, who, body_editable
):
    response = client_for(people[who]).get(edit_url(adopted_by_ks))

    assert response.status_code == 200
    assert field_is_disabled(response, "decision_date")
    assert field_is_disabled(response, "protocol_paragraph")
    assert field_is_disabled(response, "diarienummer")
    assert field_is_disabled(response, "decision_body") is not body_editable


def test_posted_decision_fields_are_ignored(people, adopted_by_ks):
    page = adopted_by_ks
    data = page_form_data(
        RiktlinjePage,
        "Ny version",
        page.slug,
        "kommundirektor",
        decision_date=str(days_ago(1)),
        protocol_paragraph="99",
        diarienummer="KS-2025-999",
    )

    response = client_for(people.redaktor).post(edit_url(page), data)

    assert response.status_code == 302
    draft = latest(page)
    assert draft.title == "Ny version"
    assert draft.decision_date == days_ago(6)
    assert draft.protocol_paragraph == 45
    assert draft.diarienummer == "KS-2025-88"
    assert draft.decision_body == get_body("ks")


def test_the_coordinator_sends_the_next_version_to_another_body(people, adopted_by_ks):
    second_coordinator()
    page = adopted_by_ks
    data = page_form_data(RiktlinjePage, "Ny version", page.slug, "kommundirektor")
    data["action-submit"] = "1"

    response = client_for(people.samordnare).post(edit_url(page), data)

    assert response.status_code == 302, error_texts(response)
    assert latest(page).decision_body == get_body("kommundirektor")
    assert latest(page).diarienummer == "KS-2025-88"
    state = workflow_state(page)
    assert state.workflow.name == "Kommundirektörens beslut"
    # The adopted version stays as it was until the new decision.
    page = reload(page)
    assert page.decision_body == get_body("ks") and page.protocol_paragraph == 45


def test_a_new_decision_replaces_the_decision_fields(world, people):
    page, task_state = at_step(world, "at_kd_decision")
    assert task_state.task.name == "Kommundirektörens beslut"
    assert page.decision_date == days_ago(400)

    client_for(people.kommundirektor).post(
        case_url(task_state),
        {
            "action": "approve",
            "approve-decision_date": str(days_ago(2)),
            "approve-diarienummer": "KS-2025-300",
            "approve-comment": "",
        },
    )

    page = reload(page)
    assert (page.decision_date, page.diarienummer) == (days_ago(2), "KS-2025-300")
    assert page.next_review == add_months(days_ago(2), 12)
