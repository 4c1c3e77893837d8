"""Who may do what: every document type × every role, against a table of expectations.

Each cell is checked the way the user meets it: the page editor and the case page
(/admin/arenden/<id>/) either offer the action and carry it out, or offer nothing and refuse a
forged POST without changing anything.
"""

import pytest
from wagtail.models import TaskState, WorkflowState

from governance.workflows import RecordedDecisionTask
from tests.factories import get_body, get_register, make_body, make_document

from .workflow_helpers import (
    KD_DECISION,
    KD_FORWARDS,
    KF_DECISION,
    KS_DECISION,
    KS_PROPOSAL,
    OFFICIAL_DECISION,
    PAGE_CLASSES,
    REVIEW,
    SUCCESS,
    action_forms,
    add_url,
    advance,
    approve_data,
    case_url,
    client_for,
    current_task_state,
    days_ago,
    decide_data,
    edit_url,
    field_is_disabled,
    is_refused,
    last_message,
    latest,
    make_draft,
    messages_of,
    page_form_data,
    parent_for,
    record_data,
    refused_on_case_page,
    reject_data,
    reload,
    second_coordinator,
    snapshot,
    start,
    workflow_state,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "redaktor",
    "samordnare",
    "kommundirektor",
    "stabschef",
    "verksamhetschef",
    "sekreterare",
    "agare",
    "admin",
)

# Each document type with the body that decides it in this matrix.
DOCUMENTS = {
    "policy": ("policy", "kf"),
    "program": ("program", "kf"),
    "riktlinje-ks": ("riktlinje", "ks"),
    "riktlinje-kd": ("riktlinje", "kommundirektor"),
    "rutin": ("rutin", "stabschef"),
    "stodanvisning": ("stodanvisning", "verksamhetschef"),
}

# fmt: off
# Actions outside the steps. Y = allowed, - = refused.
#                                   red  sam  kd   sc   vc   sek  äg   adm
GENERAL = {
    # Add a new document and submit it: roles with page permissions. Decision makers and
    # secretaries have no page permissions and cannot add pages.
    "submit":                      ("Y", "Y", "-", "-", "-", "-", "Y", "Y"),
    # Publish without the workflow: nobody, not even a superuser.
    "publish directly":            ("-", "-", "-", "-", "-", "-", "-", "-"),
    # Open the edit form of an adopted document someone else created (dokumentansvariga only
    # edit what they created themselves).
    "open the edit form":          ("Y", "Y", "-", "-", "-", "-", "-", "Y"),
    # Beslutsdatum, § and dnr: written by the decision step, never typed in the form.
    "edit date, § and dnr":        ("-", "-", "-", "-", "-", "-", "-", "-"),
    # Send the next version of an adopted document to another body.
    "change the body":             ("-", "Y", "-", "-", "-", "-", "-", "Y"),
}

# Actions on each step. A = approve (godkänn, överlämna, fastställ), R = reject (begär ändringar,
# återremittera; with a comment), K = record the meeting's decision, - = nothing.
#                                   red  sam   kd    sc    vc    sek  äg   adm
KF_STEPS = {
    REVIEW:                        ("-", "AR", "-",  "-",  "-",  "-", "-", "AR"),
    KS_PROPOSAL:                   ("-", "-",  "-",  "-",  "-",  "K", "-", "K"),
    KF_DECISION:                   ("-", "-",  "-",  "-",  "-",  "K", "-", "K"),
}
STEPS = {
    "policy": KF_STEPS,
    "program": KF_STEPS,
    "riktlinje-ks": {
        REVIEW:                    ("-", "AR", "-",  "-",  "-",  "-", "-", "AR"),
        KD_FORWARDS:               ("-", "-",  "AR", "-",  "-",  "-", "-", "-"),
        KS_DECISION:               ("-", "-",  "-",  "-",  "-",  "K", "-", "K"),
    },
    "riktlinje-kd": {
        REVIEW:                    ("-", "AR", "-",  "-",  "-",  "-", "-", "AR"),
        KD_DECISION:               ("-", "-",  "AR", "-",  "-",  "-", "-", "-"),
    },
    "rutin": {
        REVIEW:                    ("-", "AR", "-",  "-",  "-",  "-", "-", "AR"),
        OFFICIAL_DECISION:         ("-", "-",  "-",  "AR", "-",  "-", "-", "-"),
    },
    "stodanvisning": {
        REVIEW:                    ("-", "AR", "-",  "-",  "-",  "-", "-", "AR"),
        OFFICIAL_DECISION:         ("-", "-",  "-",  "-",  "AR", "-", "-", "-"),
    },
}
# fmt: on

LETTERS = {"A": "approve", "R": "reject", "K": "record"}
CELLS = [(doc, role) for doc in DOCUMENTS for role in ROLES]
IDS = [f"{doc}-{role}" for doc, role in CELLS]


def allowed(action, role):
    return GENERAL[action][ROLES.index(role)] == "Y"


def step_actions(doc, step, role):
    return {LETTERS[letter] for letter in STEPS[doc][step][ROLES.index(role)] if letter != "-"}


def step_kind_actions(task_state):
    """What can be done on a step at all: record in a meeting, or approve and reject."""
    if isinstance(task_state.task.specific, RecordedDecisionTask):
        return {"record"}
    return {"approve", "reject"}


def test_the_table_covers_every_step_of_every_workflow(people):
    for doc, (_doc_type, body_code) in DOCUMENTS.items():
        workflow = get_body(body_code).workflow
        assert [task.name for task in workflow.tasks] == list(STEPS[doc]), doc


# -- submit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("doc", "role"), CELLS, ids=IDS)
def test_submit(people, doc, role):
    # Someone besides the submitter on the review step, or a samordnare's submission is refused.
    second_coordinator()
    doc_type, body_code = DOCUMENTS[doc]
    page_class = PAGE_CLASSES[doc_type]
    parent = parent_for(page_class) or get_register()
    data = page_form_data(page_class, "Nytt förslag", "nytt-forslag", body_code, doc_type)
    data["action-submit"] = "1"

    response = client_for(people[role]).post(add_url(parent, page_class), data)

    page = page_class.objects.filter(slug="nytt-forslag").first()
    if allowed("submit", role):
        assert response.status_code == 302, messages_of(response)
        assert "skapad och inlämnad för moderering" in messages_of(response)[0]
        state = workflow_state(page)
        assert state.requested_by == people[role]
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert state.current_task_state.task.name == REVIEW
        assert not page.live
    else:
        assert is_refused(response)
        assert page is None


# -- approve, reject and record on each step ------------------------------------------------------


def post_action(client, task_state, action):
    if action == "approve":
        task = task_state.task.specific
        if getattr(task, "sets_decision", False):
            return client.post(
                case_url(task_state),
                approve_data(decision_date=days_ago(1), diarienummer="KS-2025-77"),
            )
        return client.post(case_url(task_state), approve_data("Godkänt i matrisen."))
    if action == "reject":
        return client.post(case_url(task_state), reject_data("Återremiss i matrisen."))
    return client.post(case_url(task_state), record_data())


def run_at(people, doc, step, role):
    """A fresh run of `doc` waiting at `step`, moved there by people other than `role`.

    Each step is checked on its own run: nobody performs two steps of one run (issue 13,
    item 3), so a role that acted on an earlier step would rightly be refused a later one.
    """
    doc_type, body_code = DOCUMENTS[doc]
    page = make_draft(doc_type, body_code, responsible=people.agare)
    # Submitted by a redaktör outside the roles tested, so nobody here is refused for having
    # submitted the run themselves.
    start(page, people.redaktor2)
    move_to(people, page, step, role)
    return page


def move_to(people, page, step, role):
    """Advance to `step` through others than `role` where anyone else can act (a fixed step,
    such as the kommundirektör's överlämnande, only its official can take)."""
    while current_task_state(page).task.name != step:
        try:
            advance(people, page, exclude=(role,))
        except AssertionError:
            advance(people, page)


def finish(people, page):
    while workflow_state(page).status == WorkflowState.STATUS_IN_PROGRESS:
        advance(people, page)


@pytest.mark.parametrize(("doc", "role"), CELLS, ids=IDS)
def test_step_actions(people, doc, role):
    client = client_for(people[role])

    for step in STEPS[doc]:
        page = run_at(people, doc, step, role)
        task_state = current_task_state(page)
        expected = step_actions(doc, step, role)

        case = client.get(case_url(task_state))
        if expected:
            assert case.status_code == 200, step
            assert action_forms(case) == expected, step
        else:
            assert is_refused(case) or action_forms(case) == set(), step

        # Each of the step's actions the role does not have is refused and changes nothing.
        before = snapshot(page)
        for action in step_kind_actions(task_state) - expected:
            response = post_action(client, task_state, action)
            assert refused_on_case_page(response, task_state) or is_refused(response), (
                step,
                action,
            )
        assert snapshot(page) == before, step

        if "reject" in expected or "record" in expected:
            # Returning is allowed: do it; the resubmitted document starts the round again at
            # the first step and comes back to this one through the other people.
            before = snapshot(page)
            if "reject" in expected:
                response = post_action(client, task_state, "reject")
            else:
                response = client.post(
                    case_url(task_state),
                    record_data(outcome="aterremitterad", comment="Återremiss i matrisen."),
                )
            assert last_message(response).startswith(SUCCESS), (step, messages_of(response))
            state = workflow_state(page)
            assert state.status == WorkflowState.STATUS_NEEDS_CHANGES, step
            state.resume(people.redaktor2)
            assert current_task_state(page).task.name == list(STEPS[doc])[0], step
            move_to(people, page, step, role)
            task_state = current_task_state(page)
            assert task_state.pk != before["current_task_state"]

        if "approve" in expected or "record" in expected:
            response = client.post(case_url(task_state), decide_data(task_state.task))
            assert response.status_code == 302, (step, messages_of(response))
            assert last_message(response).startswith(SUCCESS), (step, messages_of(response))
            task_state.refresh_from_db()
            assert task_state.status == TaskState.STATUS_APPROVED, step
        finish(people, page)
        assert workflow_state(page).status == WorkflowState.STATUS_APPROVED, step
        assert reload(page).live, step


# -- publish directly and edit the decision fields -------------------------------------------------

# The body a coordinator may choose for the next version of each document.
OTHER_BODY = {
    "policy": "presidiet",
    "program": "presidiet",
    "riktlinje-ks": "kommundirektor",
    "riktlinje-kd": "ks",
    "rutin": "verksamhetschef",
    "stodanvisning": "stabschef",
}


@pytest.mark.parametrize(("doc", "role"), CELLS, ids=IDS)
def test_publish_directly_and_edit_decision_fields(people, doc, role):
    doc_type, body_code = DOCUMENTS[doc]
    if OTHER_BODY[doc] == "presidiet":
        make_body("presidiet", "Presidiet", document_types=("policy", "program"), kind="assembly")
    page_class = PAGE_CLASSES[doc_type]
    page = make_document(
        page_class,
        parent=parent_for(page_class),
        title="Gällande dokument",
        document_type=doc_type,
        decision_body=get_body(body_code),
        decision_date=days_ago(30),
        diarienummer="KS-2025-10",
        protocol_paragraph=10 if body_code in ("ks", "kf") else None,
    )
    before = snapshot(page)
    client = client_for(people[role])
    data = page_form_data(
        page_class,
        "Ny version",
        page.slug,
        OTHER_BODY[doc],
        doc_type,
        decision_date=str(days_ago(1)),
        protocol_paragraph="99",
        diarienummer="KS-2025-99",
    )
    data["action-publish"] = "1"

    form = client.get(edit_url(page))
    response = client.post(edit_url(page), data)

    page = reload(page)
    # Nobody publishes: the live version is untouched.
    assert not allowed("publish directly", role)
    assert page.live and page.title == "Gällande dokument"
    assert page.live_revision_id == before["live_revision"]
    assert (page.decision_date, page.diarienummer) == (days_ago(30), "KS-2025-10")
    if not allowed("open the edit form", role):
        assert is_refused(form) and is_refused(response)
        assert snapshot(page) == before
        return

    assert form.status_code == 200
    assert 'name="action-publish"' not in form.content.decode()
    for field in ("decision_date", "protocol_paragraph", "diarienummer"):
        assert field_is_disabled(form, field) is not allowed("edit date, § and dnr", role)
    assert field_is_disabled(form, "decision_body") is not allowed("change the body", role)
    # The edit is saved as a draft, without the decision fields it may not change.
    assert response.status_code == 302, messages_of(response)
    draft = latest(page)
    assert draft.title == "Ny version"
    assert (draft.decision_date, draft.diarienummer) == (days_ago(30), "KS-2025-10")
    assert draft.protocol_paragraph == before["protocol_paragraph"]
    expected_body = OTHER_BODY[doc] if allowed("change the body", role) else body_code
    assert draft.decision_body == get_body(expected_body)
