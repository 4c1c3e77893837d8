"""Which workflow a document goes through, and each decision level run from start to finish.

The workflow follows the document's beslutande organ, never its place in the page tree.
"""

import pytest
from wagtail.models import WorkflowState

from policies.models import PolicyPage, RiktlinjePage, RutinPage
from tests.factories import get_body, get_register, make_document

from .workflow_helpers import (
    DELEGATION,
    KD_DECISION,
    KD_FORWARDS,
    KD_WORKFLOW,
    KF_DECISION,
    KF_WORKFLOW,
    KS_DECISION,
    KS_PROPOSAL,
    KS_WORKFLOW,
    OFFICIAL_DECISION,
    PAGE_CLASSES,
    REVIEW,
    SUCCESS,
    add_url,
    approve_data,
    case_url,
    client_for,
    current_task_state,
    days_ago,
    edit_url,
    field_is_disabled,
    make_draft,
    messages_of,
    page_form_data,
    parent_for,
    record_data,
    reject_data,
    reload,
    soup,
    start,
    text_of,
    workflow_state,
)

pytestmark = pytest.mark.django_db

# document type, deciding body -> workflow and its steps
ROUTES = [
    ("rutin", "stabschef", DELEGATION, [REVIEW, OFFICIAL_DECISION]),
    ("rutin", "forvaltningschef", DELEGATION, [REVIEW, OFFICIAL_DECISION]),
    ("rutin", "verksamhetschef", DELEGATION, [REVIEW, OFFICIAL_DECISION]),
    ("stodanvisning", "stabschef", DELEGATION, [REVIEW, OFFICIAL_DECISION]),
    ("stodanvisning", "verksamhetschef", DELEGATION, [REVIEW, OFFICIAL_DECISION]),
    ("rutin", "kommundirektor", KD_WORKFLOW, [REVIEW, KD_DECISION]),
    ("riktlinje", "kommundirektor", KD_WORKFLOW, [REVIEW, KD_DECISION]),
    ("riktlinje", "ks", KS_WORKFLOW, [REVIEW, KD_FORWARDS, KS_DECISION]),
    ("policy", "kf", KF_WORKFLOW, [REVIEW, KS_PROPOSAL, KF_DECISION]),
    ("program", "kf", KF_WORKFLOW, [REVIEW, KS_PROPOSAL, KF_DECISION]),
]


def steps_on_case_page(response):
    return [text_of(item) for item in soup(response).select("ol.styrdok-steps li")]


def submit_new(client, doc_type, body_code, slug, parent=None, **fields):
    page_class = PAGE_CLASSES[doc_type]
    parent = parent or parent_for(page_class) or get_register()
    data = page_form_data(page_class, f"Nytt dokument {slug}", slug, body_code, doc_type, **fields)
    data["action-submit"] = "1"
    response = client.post(add_url(parent, page_class), data)
    assert response.status_code == 302, messages_of(response)
    return response, page_class.objects.get(slug=slug)


@pytest.mark.parametrize(
    ("doc_type", "body_code", "workflow", "steps"),
    ROUTES,
    ids=[f"{doc_type}-{body}" for doc_type, body, _w, _s in ROUTES],
)
def test_submitting_starts_the_workflow_of_the_deciding_body(
    people, doc_type, body_code, workflow, steps
):
    response, page = submit_new(client_for(people.redaktor), doc_type, body_code, "nytt")

    assert "skapad och inlämnad för moderering" in messages_of(response)[0]
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == workflow
    assert state.current_task_state.task.name == REVIEW
    assert not reload(page).live
    # The reviewer's case page shows the whole route, the first step under way.
    case = client_for(people.samordnare).get(case_url(state.current_task_state))
    assert case.status_code == 200
    assert steps_on_case_page(case) == [f"{steps[0]} – pågår"] + [
        f"{step} – väntar" for step in steps[1:]
    ]


def test_the_tree_position_does_not_choose_the_workflow(people):
    """Under the same riktlinje one rutin goes to the kommundirektör, another is delegated."""
    riktlinje = make_document(RiktlinjePage, decision_body=get_body("ks"))
    policy = make_document(PolicyPage)
    client = client_for(people.redaktor)

    _, by_kd = submit_new(client, "rutin", "kommundirektor", "rutin-kd", parent=riktlinje)
    _, delegated = submit_new(client, "rutin", "verksamhetschef", "rutin-vc", parent=riktlinje)
    # A riktlinje under a policy adopted by KF is still decided by its own body.
    _, under_policy = submit_new(client, "riktlinje", "kommundirektor", "rl-kd", parent=policy)

    assert workflow_state(by_kd).workflow.name == KD_WORKFLOW
    assert workflow_state(delegated).workflow.name == DELEGATION
    assert workflow_state(under_policy).workflow.name == KD_WORKFLOW


def test_changing_the_body_before_submitting_changes_the_workflow(people):
    client = client_for(people.redaktor)
    parent = parent_for(RutinPage)
    data = page_form_data(RutinPage, "Rutin för loggning", "loggning", "stabschef")
    response = client.post(add_url(parent, RutinPage), data)
    assert response.status_code == 302
    page = RutinPage.objects.get(slug="loggning")
    assert not WorkflowState.objects.filter(object_id=str(page.pk)).exists()

    # The editor changes the body to the kommundirektör and submits.
    data = page_form_data(RutinPage, "Rutin för loggning", "loggning", "kommundirektor")
    data["action-submit"] = "1"
    response = client.post(edit_url(page), data)

    assert response.status_code == 302
    state = workflow_state(page)
    assert state.workflow.name == KD_WORKFLOW
    assert reload(page).get_latest_revision_as_object().decision_body == get_body("kommundirektor")


def saved_without_a_body(client, slug):
    """A new rutin stored before its deciding body was chosen, as the editor's first autosave
    stores it when it fires while the form is still being filled in."""
    parent = parent_for(RutinPage)
    data = page_form_data(RutinPage, "Rutin för loggning", slug, None)
    response = client.post(add_url(parent, RutinPage), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    page = RutinPage.objects.get(slug=slug)
    assert page.decision_body_id is None
    return page


def test_a_body_chosen_after_the_first_autosave_is_submitted_to(people):
    """The body is chosen after the autosave stored the page without one: submitting sends the
    document to that body's workflow, not silently saves it as a draft."""
    client = client_for(people.redaktor)
    page = saved_without_a_body(client, "loggning")

    editor = client.get(edit_url(page))
    assert "Skicka till granskning och beslut" in editor.content.decode()

    data = page_form_data(RutinPage, "Rutin för loggning", "loggning", "kommundirektor")
    data["action-submit"] = "1"
    response = client.post(edit_url(page), data)

    assert response.status_code == 302, messages_of(response)
    assert "inlämnad för moderering" in messages_of(client.get(response.url))[0]
    state = workflow_state(page)
    assert state.workflow.name == KD_WORKFLOW
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert reload(page).get_latest_revision_as_object().decision_body == get_body("kommundirektor")


def test_submitting_without_a_body_is_refused_and_says_why(people):
    client = client_for(people.redaktor)
    page = saved_without_a_body(client, "utan-organ")
    revisions = page.revisions.count()

    data = page_form_data(RutinPage, "Rutin för loggning", "utan-organ", None)
    data["action-submit"] = "1"
    response = client.post(edit_url(page), data)

    assert response.status_code == 200
    assert "Välj ett beslutande organ med ett arbetsflöde" in response.content.decode()
    assert not WorkflowState.objects.filter(object_id=str(page.pk)).exists()
    assert page.revisions.count() == revisions


def test_a_document_under_a_draft_without_a_body_is_submitted_to_its_own_body(people):
    """The parent's body (here none yet) does not decide whether a new document below it can
    be submitted: the create view offers the submission and starts the new one's workflow."""
    draft = make_document(RiktlinjePage, publish=False)
    assert draft.decision_body_id is None
    client = client_for(people.redaktor)

    editor = client.get(add_url(draft, RutinPage))
    assert "Skicka till granskning och beslut" in editor.content.decode()

    data = page_form_data(RutinPage, "Rutin under ett utkast", "under-utkast", "kommundirektor")
    data["action-submit"] = "1"
    response = client.post(add_url(draft, RutinPage), data)

    assert response.status_code == 302, messages_of(response)
    assert "skapad och inlämnad för moderering" in messages_of(client.get(response.url))[0]
    page = RutinPage.objects.get(slug="under-utkast")
    assert workflow_state(page).workflow.name == KD_WORKFLOW
    assert workflow_state(page).status == WorkflowState.STATUS_IN_PROGRESS

    # Without a body of its own the new document is refused, and nothing is created.
    data = page_form_data(RutinPage, "Rutin utan organ", "utan-organ", None)
    data["action-submit"] = "1"
    response = client.post(add_url(draft, RutinPage), data)
    assert response.status_code == 200
    assert "Välj ett beslutande organ med ett arbetsflöde" in response.content.decode()
    assert not RutinPage.objects.filter(slug="utan-organ").exists()


@pytest.mark.parametrize("action", ["action-restart-workflow", "action-submit"])
def test_a_returned_document_whose_body_lost_its_workflow_is_not_restarted(people, action):
    """A document returned to its editor, whose body has since lost its workflow: starting the
    run again (or resubmitting) is refused with the form's message, not a server error, and
    the run stays where it was."""
    _, page = submit_new(client_for(people.redaktor), "riktlinje", "kommundirektor", "kd-rl")
    client_for(people.samordnare).post(case_url(current_task_state(page)), reject_data("Ändra."))
    assert workflow_state(page).status == WorkflowState.STATUS_NEEDS_CHANGES
    body = get_body("kommundirektor")
    body.workflow = None
    body.save()
    client = client_for(people.redaktor)
    revisions = page.revisions.count()

    data = page_form_data(RiktlinjePage, "Ny titel", "kd-rl", "kommundirektor")
    data[action] = "1"
    response = client.post(edit_url(page), data)

    assert response.status_code == 200
    assert "Välj ett beslutande organ med ett arbetsflöde" in response.content.decode()
    assert workflow_state(page).status == WorkflowState.STATUS_NEEDS_CHANGES
    assert page.revisions.count() == revisions


def test_the_body_is_read_only_while_the_document_is_in_a_workflow(people):
    _, page = submit_new(client_for(people.redaktor), "riktlinje", "ks", "ks-riktlinje")

    for user in (people.redaktor, people.samordnare, people.admin):
        response = client_for(user).get(edit_url(page))
        assert response.status_code == 200
        assert field_is_disabled(response, "decision_body"), user
        assert "beslutande organ kan inte ändras nu" in response.content.decode()

    # Returned to the editor: the document can be edited again, but not sent to another body.
    review = current_task_state(page)
    client_for(people.samordnare).post(case_url(review), reject_data("Lägg till ansvar."))
    assert workflow_state(page).status == WorkflowState.STATUS_NEEDS_CHANGES
    data = page_form_data(RiktlinjePage, "Ny titel", "ks-riktlinje", "kommundirektor")
    data["action-submit"] = "1"
    response = client_for(people.redaktor).post(edit_url(page), data)

    assert response.status_code == 302
    draft = reload(page).get_latest_revision_as_object()
    assert draft.title == "Ny titel"
    assert draft.decision_body == get_body("ks")
    state = workflow_state(page)
    assert state.workflow.name == KS_WORKFLOW
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == REVIEW


# -- each decision level from start to finish ---------------------------------------------------

# Per workflow: (step, who acts, what they post). `None` data: the official's decision.
KS_MEETING = days_ago(3)
KF_MEETING = days_ago(1)
FULL_RUNS = {
    "delegation": (
        "rutin",
        "stabschef",
        [
            (REVIEW, "samordnare", approve_data("Granskad.")),
            (
                OFFICIAL_DECISION,
                "stabschef",
                approve_data(decision_date=days_ago(2), diarienummer="ks 2025/101"),
            ),
        ],
        {"decision_date": days_ago(2), "diarienummer": "KS-2025-101", "paragraph": None},
    ),
    "kommundirektor": (
        "riktlinje",
        "kommundirektor",
        [
            (REVIEW, "samordnare", approve_data()),
            (
                KD_DECISION,
                "kommundirektor",
                approve_data(decision_date=days_ago(4), diarienummer="KS-2025-102"),
            ),
        ],
        {"decision_date": days_ago(4), "diarienummer": "KS-2025-102", "paragraph": None},
    ),
    "ks": (
        "riktlinje",
        "ks",
        [
            (REVIEW, "samordnare", approve_data()),
            (KD_FORWARDS, "kommundirektor", approve_data("Överlämnas till KS.")),
            (
                KS_DECISION,
                "sekreterare",
                record_data(
                    meeting_date=KS_MEETING,
                    paragraph="45",
                    diarienummer="KS 2025/103",
                    protocol_reference="Kommunstyrelsens protokoll",
                    protocol_url="https://example.se/protokoll/ks.pdf",
                ),
            ),
        ],
        {"decision_date": KS_MEETING, "diarienummer": "KS-2025-103", "paragraph": 45},
    ),
    "kf": (
        "policy",
        "kf",
        [
            (REVIEW, "samordnare", approve_data()),
            (
                KS_PROPOSAL,
                "sekreterare",
                record_data(meeting_date=days_ago(20), paragraph="12", diarienummer="KS 2025/9"),
            ),
            (
                KF_DECISION,
                "sekreterare",
                record_data(meeting_date=KF_MEETING, paragraph="61", diarienummer="KS 2025/104"),
            ),
        ],
        {"decision_date": KF_MEETING, "diarienummer": "KS-2025-104", "paragraph": 61},
    ),
}


@pytest.mark.parametrize("level", list(FULL_RUNS))
def test_a_full_run_adopts_and_publishes_the_document(people, level):
    doc_type, body_code, steps, decision = FULL_RUNS[level]
    page = make_draft(doc_type, body_code, responsible=people.agare, title="Dokumentet i test")
    start(page, people.redaktor)

    for step, actor, data in steps:
        task_state = current_task_state(page)
        assert task_state.task.name == step
        assert not reload(page).live, f"published before {step}"
        response = client_for(people[actor]).post(case_url(task_state), data)
        assert response.status_code == 302, messages_of(response)
        assert messages_of(response) == [f"{SUCCESS} ”Dokumentet i test”."]

    page = reload(page)
    assert workflow_state(page).status == WorkflowState.STATUS_APPROVED
    assert page.live and not page.has_unpublished_changes
    assert page.decision_body == get_body(body_code)
    assert page.decision_date == decision["decision_date"]
    assert page.diarienummer == decision["diarienummer"]
    assert page.protocol_paragraph == decision["paragraph"]
    # The published page says who decided and when.
    response = client_for(people.redaktor).get(page.get_url_parts()[2])
    assert response.status_code == 200
    metadata = {
        text_of(row.find("dt")): text_of(row.find("dd"))
        for row in soup(response).select(".metadata__list > div")
    }
    assert metadata["Beslutad av"] == get_body(body_code).name
    assert metadata["Beslutsdatum"] == str(decision["decision_date"])
    assert metadata["Dnr"] == decision["diarienummer"]
    assert metadata["§"] == (f"§ {decision['paragraph']}" if decision["paragraph"] else "–")


def test_a_proposal_does_not_adopt_the_document(people):
    """KS bereder: the proposal is recorded but only KF's decision writes the decision fields."""
    page = make_draft("program", "kf")
    start(page, people.redaktor)
    client_for(people.samordnare).post(case_url(current_task_state(page)), approve_data())
    proposal = current_task_state(page)
    assert proposal.task.name == KS_PROPOSAL

    response = client_for(people.sekreterare).post(
        case_url(proposal), record_data(paragraph="12", diarienummer="KS 2025/9")
    )

    assert response.status_code == 302
    page = reload(page)
    assert not page.live
    assert page.decision_date is None and page.protocol_paragraph is None
    assert page.get_latest_revision_as_object().decision_date is None
    assert current_task_state(page).task.name == KF_DECISION
