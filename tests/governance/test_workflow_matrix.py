"""Who may do what: every document type × every role, against a table of expectations.

Every cell is checked in-process against the rules and services the admin calls: the page
permission tester (adding, editing, publishing), the editor's form (which decision fields are
disabled, what a save keeps) and each task's `get_actions` and `on_action` (what the case page
offers, and that an action the role lacks raises PermissionDenied and changes nothing). A few
cells per task type run the same checks the way the user meets them, through the page editor and
the case page (/admin/arenden/<id>/), to prove the wiring. The scene (people, runs waiting at
each step, adopted documents) is built once per module; each test runs in a savepoint.
"""

from dataclasses import dataclass, field

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import Page, TaskState, WorkflowState

from governance.workflows import RecordedDecisionTask
from tests.factories import get_body, get_register, make_body, make_document
from tests.shared import build_once

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
    approver_for,
    build_people,
    case_url,
    client_for,
    current_task_state,
    days_ago,
    decide_by,
    decide_data,
    decision_kwargs,
    edit_url,
    field_is_disabled,
    is_refused,
    last_message,
    latest,
    make_draft,
    messages_of,
    page_form_data,
    parent_for,
    people_from,
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


# The body a coordinator may choose for the next version of each document.
OTHER_BODY = {
    "policy": "presidiet",
    "program": "presidiet",
    "riktlinje-ks": "kommundirektor",
    "riktlinje-kd": "ks",
    "rutin": "verksamhetschef",
    "stodanvisning": "stabschef",
}

# The cells also run through the admin's HTTP stack, to prove the wiring of the page editor and
# the case page. Between them they cover every task type: Granskning, an official's decision
# (Beslut av beslutsfattaren, Kommundirektörens beslut), the kommundirektör forwarding a proposal,
# and a meeting's decision recorded as a proposal (KS) and as the decision (KS, KF).
SUBMIT_HTTP_CELLS = [
    ("policy", "redaktor"),
    ("rutin", "samordnare"),
    ("riktlinje-kd", "admin"),
    ("stodanvisning", "kommundirektor"),
    ("riktlinje-ks", "sekreterare"),
]
STEP_HTTP_CELLS = [
    ("stodanvisning", "samordnare"),
    ("rutin", "stabschef"),
    ("riktlinje-kd", "kommundirektor"),
    ("riktlinje-ks", "kommundirektor"),
    ("policy", "sekreterare"),
]
PUBLISH_HTTP_CELLS = [
    ("policy", "samordnare"),
    ("rutin", "redaktor"),
    ("riktlinje-ks", "admin"),
    ("riktlinje-kd", "kommundirektor"),
    ("stodanvisning", "agare"),
]


def cell_ids(cells):
    return [f"{doc}-{role}" for doc, role in cells]


# -- the scene, built once for the module ---------------------------------------------------------


@dataclass
class World:
    """Primary keys of the people and documents the matrix acts on."""

    people: dict = field(default_factory=dict)
    # (doc, step, role): a run of `doc` waiting at `step`, moved there by others than `role`.
    runs: dict = field(default_factory=dict)
    # doc: an adopted, live document of that type (decided by its body 30 days ago).
    adopted: dict = field(default_factory=dict)

    def everyone(self):
        return people_from(self.people)

    def user(self, role):
        return self.everyone()[role]

    def run(self, doc, step, role):
        return reload_pk(self.runs[(doc, step, role)])

    def adopted_document(self, doc):
        return reload_pk(self.adopted[doc])


def reload_pk(pk):
    return Page.objects.get(pk=pk).specific


def next_approver(people, page, role):
    """Who moves the run on past its current step: someone other than `role` where anyone else
    can act (a fixed step, such as the kommundirektör's överlämnande, only its official takes)."""
    task_state = current_task_state(page)
    try:
        return approver_for(people, page, task_state, exclude=(role,))
    except AssertionError:
        return approver_for(people, page, task_state)


def new_run(people, doc, approvers):
    """A fresh run of `doc`, submitted by a redaktör outside the roles tested (so nobody is
    refused for having submitted it), moved on by `approvers` in turn."""
    doc_type, body_code = DOCUMENTS[doc]
    page = make_draft(doc_type, body_code, responsible=people.agare)
    start(page, people.redaktor2)
    for user in approvers:
        decide_by(page, user)
    return page.pk


def build_runs(people):
    """A run waiting at each step for each role, moved there by people other than the role.

    Each step is checked on its own run: nobody performs two steps of one run (issue 13,
    item 3), so a role that acted on an earlier step would rightly be refused a later one.
    Roles whose runs were moved on by the same people share one run (built once).
    """
    users = {user.pk: user for user in vars(people).values()}
    by_path = {}
    runs = {}
    for doc, steps in STEPS.items():
        for role in ROLES:
            path = ()
            for step in steps:
                while True:
                    if (doc, path) not in by_path:
                        by_path[(doc, path)] = new_run(people, doc, [users[pk] for pk in path])
                    page = reload_pk(by_path[(doc, path)])
                    if current_task_state(page).task.name == step:
                        break
                    path = (*path, next_approver(people, page, role).pk)
                runs[(doc, step, role)] = page.pk
    return runs


def build_adopted():
    """An adopted document of each type, decided by its body."""
    adopted = {}
    for doc, (doc_type, body_code) in DOCUMENTS.items():
        page_class = PAGE_CLASSES[doc_type]
        adopted[doc] = make_document(
            page_class,
            parent=parent_for(page_class),
            title="Gällande dokument",
            document_type=doc_type,
            decision_body=get_body(body_code),
            decision_date=days_ago(30),
            diarienummer="KS-2025-10",
            protocol_paragraph=10 if body_code in ("ks", "kf") else None,
        ).pk
    return adopted


def build_world():
    world = World(people=build_people())
    people = world.everyone()
    world.runs = build_runs(people)
    world.adopted = build_adopted()
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


def test_the_table_covers_every_step_of_every_workflow(w):
    for doc, (_doc_type, body_code) in DOCUMENTS.items():
        workflow = get_body(body_code).workflow
        assert [task.name for task in workflow.tasks] == list(STEPS[doc]), doc


def test_each_run_waits_at_its_step_untouched_by_the_role(w):
    people = w.everyone()
    for (_doc, step, role), pk in w.runs.items():
        task_state = current_task_state(reload_pk(pk))
        assert task_state.task.name == step
        state = task_state.workflow_state
        assert state.requested_by == people.redaktor2
        acted = set(
            TaskState.objects.filter(workflow_state=state).values_list("finished_by", flat=True)
        )
        # A role acted on an earlier step only where nobody else could (a fixed step).
        if people[role].pk in acted:
            assert role in ("kommundirektor", "stabschef", "verksamhetschef"), (step, role)


# -- submit ---------------------------------------------------------------------------------------


def submit_new(user, page_class, parent, data):
    """What the page editor does with a valid "Skicka till granskning och beslut" on a new page:
    the form validated for this user, the page added as a draft and its workflow started."""
    form_class = page_class.get_edit_handler().get_form_class()
    form = form_class(data, instance=page_class(owner=user), parent_page=parent, for_user=user)
    assert form.is_valid(), form.errors
    page = form.save(commit=False)
    page.live = False
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    page.get_workflow().start(page, user)
    return page


def may_add(user, page_class, parent):
    """The checks of Wagtail's create view before it shows or accepts the form."""
    return (
        parent.permissions_for_user(user).can_add_subpage()
        and page_class in parent.creatable_subpage_models()
        and page_class.can_create_at(parent)
    )


def submit_scene(doc):
    # Someone besides the submitter on the review step, or a samordnare's submission is refused.
    second_coordinator()
    doc_type, body_code = DOCUMENTS[doc]
    page_class = PAGE_CLASSES[doc_type]
    parent = parent_for(page_class) or get_register()
    data = page_form_data(page_class, "Nytt förslag", "nytt-forslag", body_code, doc_type)
    data["action-submit"] = "1"
    return page_class, parent, data


def assert_submitted(page, user):
    state = workflow_state(page)
    assert state.requested_by == user
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == REVIEW
    assert not reload(page).live


@pytest.mark.parametrize(("doc", "role"), CELLS, ids=IDS)
def test_submit(w, doc, role):
    page_class, parent, data = submit_scene(doc)
    user = w.user(role)

    assert may_add(user, page_class, parent) is allowed("submit", role)
    # Nobody publishes a new document: the create view offers no Publicera to anyone.
    assert not parent.permissions_for_user(user).can_publish_subpage()
    if allowed("submit", role):
        assert_submitted(submit_new(user, page_class, parent, data), user)
    assert (page_class.objects.filter(slug="nytt-forslag").first() is None) is not allowed(
        "submit", role
    )


@pytest.mark.parametrize(("doc", "role"), SUBMIT_HTTP_CELLS, ids=cell_ids(SUBMIT_HTTP_CELLS))
def test_submit_over_http(w, doc, role):
    page_class, parent, data = submit_scene(doc)
    user = w.user(role)

    response = client_for(user).post(add_url(parent, page_class), data)

    page = page_class.objects.filter(slug="nytt-forslag").first()
    if allowed("submit", role):
        assert response.status_code == 302, messages_of(response)
        assert "skapad och inlämnad för moderering" in messages_of(response)[0]
        assert_submitted(page, user)
    else:
        assert is_refused(response)
        assert page is None


# -- approve, reject and record on each step ------------------------------------------------------


def offered(task_state, page, user):
    """The actions the case page offers `user` on this step (its forms, one per action)."""
    return {name for name, _label, _modal in task_state.task.specific.get_actions(page, user)}


# The comments of the forged posts (the HTTP cells post the same).
FORGED_COMMENT = {
    "approve": "Godkänt i matrisen.",
    "reject": "Återremiss i matrisen.",
    "record": "",
}


def act(task_state, user, action, comment=""):
    """What the case page does with a valid form: the task carries out the action."""
    task = task_state.task.specific
    return task.on_action(task_state, user, action, **decision_kwargs(task, action, comment))


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


def return_and_come_back(people, doc, step, role, page, before):
    """After a return the resubmitted document starts the round again at the first step and
    comes back to this one through the other people; returns the new step."""
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES, step
    state.resume(people.redaktor2)
    assert current_task_state(page).task.name == list(STEPS[doc])[0], step
    move_to(people, page, step, role)
    task_state = current_task_state(page)
    assert task_state.pk != before["current_task_state"]
    return task_state


@pytest.mark.parametrize(("doc", "role"), CELLS, ids=IDS)
def test_step_actions(w, doc, role):
    people = w.everyone()
    user = people[role]

    for step in STEPS[doc]:
        page = w.run(doc, step, role)
        task_state = current_task_state(page)
        expected = step_actions(doc, step, role)

        assert offered(task_state, page, user) == expected, step

        # Each of the step's actions the role does not have is refused and changes nothing.
        before = snapshot(page)
        for action in step_kind_actions(task_state) - expected:
            with pytest.raises(PermissionDenied):
                act(task_state, user, action, comment=FORGED_COMMENT[action])
        assert snapshot(page) == before, step

        if "reject" in expected or "record" in expected:
            # Returning is allowed: do it.
            before = snapshot(page)
            if "reject" in expected:
                act(task_state, user, "reject", comment="Återremiss i matrisen.")
            else:
                task_state.task.specific.on_action(
                    task_state,
                    user,
                    "record",
                    **{
                        **decision_kwargs(task_state.task, "record"),
                        "outcome": "aterremitterad",
                        "comment": "Återremiss i matrisen.",
                    },
                )
            task_state = return_and_come_back(people, doc, step, role, page, before)

        if "approve" in expected or "record" in expected:
            act(task_state, user, "record" if "record" in expected else "approve")
            task_state.refresh_from_db()
            assert task_state.status == TaskState.STATUS_APPROVED, step
        finish(people, page)
        assert workflow_state(page).status == WorkflowState.STATUS_APPROVED, step
        assert reload(page).live, step


@pytest.mark.parametrize(("doc", "role"), STEP_HTTP_CELLS, ids=cell_ids(STEP_HTTP_CELLS))
def test_step_actions_over_http(w, doc, role):
    people = w.everyone()
    client = client_for(people[role])

    for step in STEPS[doc]:
        page = w.run(doc, step, role)
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
            before = snapshot(page)
            if "reject" in expected:
                response = post_action(client, task_state, "reject")
            else:
                response = client.post(
                    case_url(task_state),
                    record_data(outcome="aterremitterad", comment="Återremiss i matrisen."),
                )
            assert last_message(response).startswith(SUCCESS), (step, messages_of(response))
            task_state = return_and_come_back(people, doc, step, role, page, before)

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


def edit_scene(w, doc):
    doc_type, body_code = DOCUMENTS[doc]
    if OTHER_BODY[doc] == "presidiet":
        make_body("presidiet", "Presidiet", document_types=("policy", "program"), kind="assembly")
    page_class = PAGE_CLASSES[doc_type]
    page = w.adopted_document(doc)
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
    return page, data


def assert_live_version_untouched(page, before):
    page = reload(page)
    assert page.live and page.title == "Gällande dokument"
    assert page.live_revision_id == before["live_revision"]
    assert (page.decision_date, page.diarienummer) == (days_ago(30), "KS-2025-10")


def assert_saved_as_draft(page, before, doc, role):
    """The edit is saved as a draft, without the decision fields it may not change."""
    _doc_type, body_code = DOCUMENTS[doc]
    draft = latest(page)
    assert draft.title == "Ny version"
    assert (draft.decision_date, draft.diarienummer) == (days_ago(30), "KS-2025-10")
    assert draft.protocol_paragraph == before["protocol_paragraph"]
    expected_body = OTHER_BODY[doc] if allowed("change the body", role) else body_code
    assert draft.decision_body == get_body(expected_body)


def save_in_editor(page, user, data):
    """What the page editor does with a POST it accepts: the form validated for this user and,
    as nobody may publish, the edit saved as a new revision of the live page."""
    editing = page.get_latest_revision_as_object()
    form_class = editing.get_edit_handler().get_form_class()
    form = form_class(data, instance=editing, parent_page=page.get_parent(), for_user=user)
    disabled = {name for name, form_field in form.fields.items() if form_field.disabled}
    assert form.is_valid(), form.errors
    form.save(commit=False).save_revision(user=user, log_action=True)
    return disabled


@pytest.mark.parametrize(("doc", "role"), CELLS, ids=IDS)
def test_publish_directly_and_edit_decision_fields(w, doc, role):
    page, data = edit_scene(w, doc)
    before = snapshot(page)
    user = w.user(role)
    perms = page.permissions_for_user(user)

    # Nobody publishes: the editor offers no Publicera, and a forged one saves at most a draft.
    assert not allowed("publish directly", role)
    assert perms.can_publish() is allowed("publish directly", role)
    assert perms.can_edit() is allowed("open the edit form", role)
    if not allowed("open the edit form", role):
        assert_live_version_untouched(page, before)
        assert snapshot(page) == before
        return

    disabled = save_in_editor(page, user, data)

    assert_live_version_untouched(page, before)
    for name in ("decision_date", "protocol_paragraph", "diarienummer"):
        assert (name in disabled) is not allowed("edit date, § and dnr", role)
    assert ("decision_body" in disabled) is not allowed("change the body", role)
    assert_saved_as_draft(page, before, doc, role)


@pytest.mark.parametrize(("doc", "role"), PUBLISH_HTTP_CELLS, ids=cell_ids(PUBLISH_HTTP_CELLS))
def test_publish_directly_and_edit_decision_fields_over_http(w, doc, role):
    page, data = edit_scene(w, doc)
    before = snapshot(page)
    client = client_for(w.user(role))

    form = client.get(edit_url(page))
    response = client.post(edit_url(page), data)

    # Nobody publishes: the live version is untouched.
    assert not allowed("publish directly", role)
    assert_live_version_untouched(page, before)
    if not allowed("open the edit form", role):
        assert is_refused(form) and is_refused(response)
        assert snapshot(page) == before
        return

    assert form.status_code == 200
    assert 'name="action-publish"' not in form.content.decode()
    for name in ("decision_date", "protocol_paragraph", "diarienummer"):
        assert field_is_disabled(form, name) is not allowed("edit date, § and dnr", role)
    assert field_is_disabled(form, "decision_body") is not allowed("change the body", role)
    assert response.status_code == 302, messages_of(response)
    assert_saved_as_draft(page, before, doc, role)
