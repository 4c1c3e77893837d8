"""The rules of the decision process: no direct publishing, no self-approval, reasons for
returns, the comparison for approvers, and the lock while a document is being decided."""

import pytest
from wagtail.models import WorkflowState

from policies.models import RiktlinjePage
from tests.factories import get_body, get_register, make_document, make_user

from .workflow_helpers import (
    FIX_ERRORS,
    KD_DECISION,
    KD_FORWARDS,
    KS_DECISION,
    KS_PROPOSAL,
    NOT_ALLOWED,
    REVIEW,
    action_forms,
    add_url,
    advance,
    approve_data,
    case_url,
    client_for,
    compare_url,
    current_task_state,
    edit_url,
    error_texts,
    is_refused,
    latest,
    make_draft,
    messages_of,
    page_form_data,
    page_text,
    panel,
    record_data,
    reject_data,
    reload,
    run_to_step,
    second_coordinator,
    snapshot,
    soup,
    start,
    workflow_state,
)

pytestmark = pytest.mark.django_db

SUBMITTER_NOTE = (
    "Du skickade in dokumentet och kan därför inte godkänna eller besluta i något steg av den "
    "här omgången."
)


# -- nobody publishes outside the workflow -----------------------------------------------------


@pytest.mark.parametrize("who", ["redaktor", "samordnare", "admin"])
def test_nobody_can_publish_a_new_document_directly(people, who):
    client = client_for(people[who])
    data = page_form_data(RiktlinjePage, "Riktlinje för e-post", "e-post", "ks")
    data["action-publish"] = "1"

    response = client.post(add_url(get_register(), RiktlinjePage), data)

    page = RiktlinjePage.objects.get(slug="e-post")
    assert response.status_code == 302
    assert not page.live and page.live_revision_id is None
    assert not WorkflowState.objects.filter(object_id=str(page.pk)).exists()
    editor = client.get(edit_url(page))
    assert 'name="action-publish"' not in editor.content.decode()
    assert 'name="action-submit"' in editor.content.decode()


@pytest.mark.parametrize("who", ["redaktor", "samordnare", "admin"])
def test_nobody_can_publish_a_new_version_directly(people, who):
    page = make_document(RiktlinjePage, title="Gällande riktlinje", slug="gallande")
    data = page_form_data(RiktlinjePage, "Ändrad riktlinje", "gallande", "ks")
    data["action-publish"] = "1"

    response = client_for(people[who]).post(edit_url(page), data)

    assert response.status_code == 302
    page = reload(page)
    assert page.live and page.title == "Gällande riktlinje"
    assert page.has_unpublished_changes
    assert latest(page).title == "Ändrad riktlinje"


def test_even_a_superuser_cannot_publish_a_document_in_a_workflow(people):
    page = make_draft("riktlinje", "ks", title="Under granskning")
    start(page, people.redaktor)
    before = snapshot(page)
    data = page_form_data(RiktlinjePage, "Publicerad ändå", page.slug, "ks")
    data["action-publish"] = "1"

    response = client_for(people.admin).post(edit_url(page), data)

    assert response.status_code == 200
    assert snapshot(page) == before
    assert not reload(page).live


def test_a_superuser_cannot_publish_through_bulk_actions(people):
    page = make_draft("riktlinje", "ks", title="Utkast i listan")

    response = client_for(people.admin).post(
        f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}", {"include_descendants": ""}
    )

    assert response.status_code == 302
    assert not reload(page).live


def test_a_superuser_cannot_publish_a_copy_of_an_adopted_document(people, register):
    page = make_document(RiktlinjePage, title="Gällande riktlinje", slug="gallande")
    client = client_for(people.admin)

    response = client.post(
        f"/admin/pages/{page.pk}/copy/",
        {
            "new_title": "Kopia",
            "new_slug": "kopia",
            "new_parent_page": register.pk,
            "publish_copies": "on",
        },
    )

    # The copy form offers no publishing (StyrdokumentCopyForm); a forged "publish_copies" is
    # ignored: the copy is a new draft without the original's decision.
    assert response.status_code == 302
    copy = RiktlinjePage.objects.get(slug="kopia")
    assert not copy.live
    assert copy.decision_date is None and copy.diarienummer == ""
    assert not copy.adopted_versions.exists()
    form = client.get(f"/admin/pages/{page.pk}/copy/").content.decode()
    assert 'name="publish_copies"' not in form


# -- whoever submitted a run cannot approve any step of it --------------------------------------


@pytest.mark.parametrize(
    ("submitter", "step", "data"),
    [
        # A coordinator would approve the review, but not their own document.
        pytest.param("samordnare", REVIEW, approve_data("Mitt eget."), id="samordnare-approve"),
        # A superuser may act on review and recorded steps, but not in their own run.
        pytest.param("admin", REVIEW, approve_data(), id="admin-approve"),
        pytest.param("admin", REVIEW, reject_data(), id="admin-reject"),
        pytest.param("admin", KS_DECISION, record_data(), id="admin-record"),
    ],
)
def test_the_submitter_cannot_approve_their_own_run(people, submitter, step, data):
    second_coordinator()
    page = make_draft("riktlinje", "ks", title="Eget dokument")
    task_state = run_to_step(people, page, step, people[submitter])
    client = client_for(people[submitter])

    case = client.get(case_url(task_state))
    assert case.status_code == 200
    assert SUBMITTER_NOTE in page_text(case)
    assert action_forms(case) == set()

    before = snapshot(page)
    response = client.post(case_url(task_state), data)

    assert response.status_code == 302
    assert response["Location"] == case_url(task_state)
    assert messages_of(response) == [NOT_ALLOWED]
    assert snapshot(page) == before


def test_the_submitter_cannot_approve_through_wagtails_own_action_view(people):
    page = make_draft("policy", "kf")
    task_state = run_to_step(people, page, KS_PROPOSAL, people.admin)
    before = snapshot(page)

    response = client_for(people.admin).post(
        f"/admin/pages/workflow/action/{page.pk}/record/{task_state.pk}/",
        {
            "outcome": "beslutad",
            "meeting_date": str(task_state.started_at.date()),
            "paragraph": "3",
            "diarienummer": "KS 2025/3",
        },
    )

    assert is_refused(response)
    assert snapshot(page) == before


def test_another_coordinator_reviews_what_a_coordinator_submitted(people):
    colleague = make_user("samordnare2", groups=["Informationssäkerhetssamordnare"])
    page = make_draft("riktlinje", "kommundirektor")
    task_state = run_to_step(people, page, REVIEW, people.samordnare)

    case = client_for(colleague).get(case_url(task_state))
    assert action_forms(case) == {"approve", "reject"}
    response = client_for(colleague).post(case_url(task_state), approve_data())

    assert response.status_code == 302
    assert current_task_state(page).task.name == KD_DECISION


def test_whoever_resubmits_a_returned_document_cannot_approve_it(people):
    """A coordinator who returns a document, rewrites it and resubmits it has submitted it."""
    colleague = make_user("samordnare2", groups=["Informationssäkerhetssamordnare"])
    page = make_draft("riktlinje", "kommundirektor", title="Riktlinje för loggning")
    start(page, people.redaktor)
    coordinator = client_for(people.samordnare)
    coordinator.post(case_url(current_task_state(page)), reject_data("Jag skriver om avsnitt 2."))
    data = page_form_data(RiktlinjePage, "Omskriven riktlinje", page.slug, "kommundirektor")
    data["action-submit"] = "1"
    assert coordinator.post(edit_url(page), data).status_code == 302
    review = current_task_state(page)
    assert review.task.name == REVIEW

    case = coordinator.get(case_url(review))
    assert SUBMITTER_NOTE in page_text(case)
    assert action_forms(case) == set()
    before = snapshot(page)
    response = coordinator.post(case_url(review), approve_data("Ser bra ut."))
    assert messages_of(response) == [NOT_ALLOWED]
    assert snapshot(page) == before
    dashboard = coordinator.get("/admin/")
    assert panel(dashboard, "att-besluta-rubrik") is None
    assert "Utkast – inte inskickat" not in page_text(dashboard)

    # Another coordinator reviews the rewritten document.
    assert action_forms(client_for(colleague).get(case_url(review))) == {"approve", "reject"}
    client_for(colleague).post(case_url(review), approve_data())
    assert current_task_state(page).task.name == KD_DECISION


# -- rejection and återremiss need a reason -----------------------------------------------------


COMMENT_NEEDED = "Skriv en kommentar som förklarar vad som behöver ändras."
REASON_NEEDED = "Ange skälet till återremissen eller avslaget; redaktören behöver det."


@pytest.mark.parametrize(
    ("step", "actor", "data", "error"),
    [
        pytest.param(REVIEW, "samordnare", reject_data(""), COMMENT_NEEDED, id="review-empty"),
        pytest.param(REVIEW, "samordnare", reject_data("   "), COMMENT_NEEDED, id="review-blank"),
        pytest.param(
            KD_FORWARDS, "kommundirektor", reject_data(""), COMMENT_NEEDED, id="kd-forwarding"
        ),
        pytest.param(
            KS_DECISION,
            "sekreterare",
            record_data(outcome="aterremitterad", comment=""),
            REASON_NEEDED,
            id="ks-aterremiss",
        ),
        pytest.param(
            KS_DECISION,
            "sekreterare",
            record_data(outcome="avslagen", comment=" "),
            REASON_NEEDED,
            id="ks-avslag",
        ),
    ],
)
def test_returning_a_document_requires_a_comment(people, step, actor, data, error):
    page = make_draft("riktlinje", "ks")
    task_state = run_to_step(people, page, step, people.redaktor)
    before = snapshot(page)

    response = client_for(people[actor]).post(case_url(task_state), data)

    assert response.status_code == 400
    assert messages_of(response) == [FIX_ERRORS]
    assert error in error_texts(response)
    assert snapshot(page) == before


def test_an_officials_return_also_requires_a_comment(people):
    page = make_draft("riktlinje", "kommundirektor")
    task_state = run_to_step(people, page, KD_DECISION, people.redaktor)
    before = snapshot(page)

    response = client_for(people.kommundirektor).post(case_url(task_state), reject_data(""))

    assert response.status_code == 400
    assert COMMENT_NEEDED in error_texts(response)
    assert snapshot(page) == before


# -- approvers compare the draft with the adopted version ---------------------------------------


def new_version_in_workflow(people, body_code="ks"):
    page = make_document(
        RiktlinjePage, title="Riktlinje för lösenord", decision_body=get_body(body_code)
    )
    draft = page.get_latest_revision_as_object()
    draft.title = "Riktlinje för lösenord och passerkort"
    draft.save_revision(user=people.redaktor)
    start(page, people.redaktor)
    return reload(page)


def test_the_case_page_links_the_approver_to_the_comparison(people):
    page = new_version_in_workflow(people)
    task_state = current_task_state(page)

    case = client_for(people.samordnare).get(case_url(task_state))
    link = soup(case).find("a", string="Jämför med gällande version")
    assert link is not None
    assert link["href"] == compare_url(page, task_state)

    comparison = client_for(people.samordnare).get(link["href"])
    assert comparison.status_code == 200
    text = page_text(comparison)
    assert "Riktlinje för lösenord" in text
    assert "Riktlinje för lösenord och passerkort" in text


def test_the_comparison_follows_the_current_step(people):
    page = new_version_in_workflow(people)
    review = current_task_state(page)
    # During the review the kommundirektör has nothing to decide yet.
    assert is_refused(client_for(people.kommundirektor).get(compare_url(page, review)))

    forwarding = advance(people, page)
    assert forwarding.task.name == KD_FORWARDS
    url = compare_url(page, forwarding)

    assert client_for(people.kommundirektor).get(url).status_code == 200
    for unrelated in ("stabschef", "sekreterare", "verksamhetschef"):
        assert is_refused(client_for(people[unrelated]).get(url)), unrelated


def test_a_new_document_has_nothing_to_compare_with(people):
    page = make_draft("riktlinje", "ks")
    start(page, people.redaktor)

    case = client_for(people.samordnare).get(case_url(current_task_state(page)))

    assert "Dokumentet har ingen fastställd version ännu; hela förslaget är nytt." in page_text(
        case
    )


# -- the lock while a document is being decided -------------------------------------------------


@pytest.mark.parametrize(
    ("who", "notice"),
    [
        ("redaktor", "Dokumentet är låst medan det granskas och beslutas (steget ”Granskning”)."),
        ("samordnare", "Dokumentet väntar på ditt beslut i steget ”Granskning”."),
    ],
)
def test_a_document_in_a_workflow_is_locked_for_editing(people, who, notice):
    page = make_draft("riktlinje", "ks", title="Låst riktlinje")
    start(page, people.redaktor)
    before = snapshot(page)

    editor = client_for(people[who]).get(edit_url(page))
    assert editor.status_code == 200
    assert notice in messages_of(editor)[0]
    assert "Sida låst" in page_text(editor)
    data = page_form_data(RiktlinjePage, "Ändrad under granskning", page.slug, "ks")
    response = client_for(people[who]).post(edit_url(page), data)

    assert response.status_code == 200
    assert snapshot(page) == before
    assert latest(page).title == "Låst riktlinje"


def test_after_a_return_the_editor_edits_and_resubmits(people):
    page = make_draft("riktlinje", "ks", title="Riktlinje att ändra")
    start(page, people.redaktor)
    client_for(people.samordnare).post(
        case_url(current_task_state(page)), reject_data("Lägg till ett avsnitt om loggning.")
    )
    assert workflow_state(page).status == WorkflowState.STATUS_NEEDS_CHANGES
    editor = client_for(people.redaktor)

    data = page_form_data(RiktlinjePage, "Riktlinje med loggning", page.slug, "ks")
    response = editor.post(edit_url(page), data)
    assert response.status_code == 302
    assert latest(page).title == "Riktlinje med loggning"
    assert workflow_state(page).status == WorkflowState.STATUS_NEEDS_CHANGES

    data["action-submit"] = "1"
    response = editor.post(edit_url(page), data)

    assert response.status_code == 302
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == REVIEW
    # Locked again now that it is back in the workflow.
    before = snapshot(page)
    editor.post(edit_url(page), page_form_data(RiktlinjePage, "Igen", page.slug, "ks"))
    assert snapshot(page) == before
