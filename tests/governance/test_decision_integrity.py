"""Issue 13, items 1, 2 (default workflow), 3 (separation of duties), 4 (every route locks) and
6 (no silent stall): the decision process cannot be shortened, doubled or left waiting.

Each test here failed on the code before this change: a resubmission resumed at the step that
returned it, Wagtail's own "Moderators approval" workflow and groups were installed, one person
could review and then decide the same run, Wagtail's action URL took no lock and let a second
actor act on a decided step, and a run whose only approver was the submitter waited silently.
"""

import datetime
import threading

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry, Task, TaskState, Workflow, WorkflowState

from governance.workflows import AlreadyDecided, performed_other_step, submission_problems
from reports.panels import StalledRunsPanel, stalled_runs
from tests.factories import get_body, make_user

from .workflow_helpers import (
    KD_FORWARDS,
    KS_DECISION,
    OFFICIAL_DECISION,
    REVIEW,
    approve_data,
    case_url,
    client_for,
    current_task_state,
    days_ago,
    decide,
    last_message,
    make_draft,
    record_data,
    reload,
    run_to_step,
    snapshot,
    start,
    workflow_state,
)

pytestmark = pytest.mark.django_db


def wagtail_action_url(page, action, task_state):
    return f"/admin/pages/workflow/action/{page.pk}/{action}/{task_state.pk}/"


def resubmit(page, user):
    """The editor's "Skicka igen" after a return: Wagtail resumes the run."""
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    reload(page).save_revision(user=user)
    state.resume(user)


def step_names(page):
    state = workflow_state(page)
    return [
        (ts.task.name, ts.status)
        for ts in TaskState.objects.filter(workflow_state=state).order_by("started_at", "pk")
    ]


# -- 1. a resubmission starts the round again -----------------------------------------------


def test_resubmission_after_aterremiss_starts_at_the_first_step(people):
    page = make_draft("riktlinje", "ks", title="Riktlinje för loggning")
    task_state = run_to_step(people, page, KS_DECISION, people.redaktor)
    task_state.task.specific.on_action(
        task_state,
        people.sekreterare,
        "record",
        outcome="aterremitterad",
        meeting_date=days_ago(1),
        paragraph=12,
        diarienummer="KS-2025-88",
        comment="Komplettera med ansvar för loggranskning.",
    )
    assert workflow_state(page).status == WorkflowState.STATUS_NEEDS_CHANGES

    resubmit(page, people.redaktor)

    # The round starts over: Granskning is in progress, not KS-beslut.
    assert current_task_state(page).task.name == REVIEW
    # The earlier round stays on record in the same run.
    assert step_names(page) == [
        (REVIEW, "approved"),
        (KD_FORWARDS, "approved"),
        (KS_DECISION, "rejected"),
        (REVIEW, "in_progress"),
    ]
    # Every step is taken again, in order, before KS decides.
    decide(people, page)
    assert current_task_state(page).task.name == KD_FORWARDS
    decide(people, page)
    assert current_task_state(page).task.name == KS_DECISION
    decide(people, page)
    assert workflow_state(page).status == WorkflowState.STATUS_APPROVED
    assert reload(page).live


def test_resubmission_after_begar_andringar_at_a_later_step_starts_at_the_first(people):
    page = make_draft("riktlinje", "ks")
    task_state = run_to_step(people, page, KD_FORWARDS, people.redaktor)
    task_state.task.specific.on_action(
        task_state, people.kommundirektor, "reject", comment="Stäm av med jurist."
    )

    resubmit(page, people.redaktor)

    assert current_task_state(page).task.name == REVIEW
    # The case page of the new review step is where the samordnare acts, again.
    response = client_for(people.samordnare).get(case_url(current_task_state(page)))
    assert response.status_code == 200


def test_a_return_at_the_first_step_restarts_it(people):
    page = make_draft("rutin", "stabschef")
    task_state = run_to_step(people, page, REVIEW, people.redaktor)
    task_state.task.specific.on_action(task_state, people.samordnare, "reject", comment="Kort.")

    resubmit(page, people.redaktor)

    assert current_task_state(page).task.name == REVIEW
    decide(people, page)
    assert current_task_state(page).task.name == OFFICIAL_DECISION


# -- 2. only Styrdok's workflows decide --------------------------------------------------------


def test_wagtails_default_workflow_and_groups_are_gone():
    assert not Group.objects.filter(name__in=["Moderators", "Editors"]).exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not Task.objects.filter(name="Moderators approval").exists()
    styrdok_types = {"reviewtask", "officialdecisiontask", "recordeddecisiontask"}
    for workflow in Workflow.objects.filter(active=True):
        kinds = {task.specific._meta.model_name for task in workflow.tasks}
        assert kinds <= styrdok_types, workflow.name


# -- 3. nobody performs two steps of one run ---------------------------------------------------


@pytest.fixture
def coordinator_made_official(people):
    """The samordnare is (however it came about) also the stabschef body's official."""
    body = get_body("stabschef")
    body.official = people.samordnare
    body.save(update_fields=["official"])
    return body


def test_the_reviewer_cannot_also_decide_on_the_case_page(people, coordinator_made_official):
    page = make_draft("rutin", "stabschef")
    review = run_to_step(people, page, REVIEW, people.redaktor)
    review.task.specific.on_action(review, people.samordnare, "approve", comment="")
    decision = current_task_state(page)
    assert decision.task.name == OFFICIAL_DECISION

    assert decision.task.specific.get_actions(reload(page), people.samordnare) == []
    before = snapshot(page)
    response = client_for(people.samordnare).post(
        case_url(decision), approve_data(decision_date=days_ago(1), diarienummer="KS-2025-9")
    )
    assert response.status_code in (302, 403)
    assert snapshot(page) == before
    assert not reload(page).live


def test_the_reviewer_cannot_also_decide_through_wagtails_action_url(
    people, coordinator_made_official
):
    page = make_draft("rutin", "stabschef")
    review = run_to_step(people, page, REVIEW, people.redaktor)
    review.task.specific.on_action(review, people.samordnare, "approve", comment="")
    decision = current_task_state(page)
    before = snapshot(page)

    response = client_for(people.samordnare).post(
        wagtail_action_url(page, "approve", decision),
        {"decision_date": str(days_ago(1)), "diarienummer": "KS-2025-9", "comment": ""},
    )

    assert response.status_code in (302, 403)
    assert snapshot(page) == before
    assert not PageLogEntry.objects.filter(page=page, action="governance.decided").exists()


def test_the_deputy_decides_when_the_official_reviewed(people, coordinator_made_official):
    deputy = make_user("ersattare", groups=["Beslutsfattare"], first_name="Eva", last_name="Ersätt")
    coordinator_made_official.deputy = deputy
    coordinator_made_official.save(update_fields=["deputy"])
    page = make_draft("rutin", "stabschef")
    review = run_to_step(people, page, REVIEW, people.redaktor)
    review.task.specific.on_action(review, people.samordnare, "approve", comment="")
    decision = current_task_state(page)

    assert {name for name, *_ in decision.task.specific.get_actions(reload(page), deputy)} == {
        "approve",
        "reject",
    }
    response = client_for(deputy).post(
        case_url(decision), approve_data(decision_date=days_ago(1), diarienummer="KS-2025-9")
    )
    assert response.status_code == 302
    assert reload(page).live


def test_one_secretary_may_record_both_meeting_steps_but_not_review(people):
    page = make_draft("policy", "kf")
    start(page, people.redaktor)
    decide(people, page)  # Granskning by the samordnare
    proposal = current_task_state(page)
    state = proposal.workflow_state
    assert not performed_other_step(state, proposal.task.specific, people.sekreterare)
    decide(people, page)  # KS bereder: recorded by the sekreterare
    kf = current_task_state(page)
    # Recording KF's decision after recording KS's proposal is allowed (clerical) ...
    assert kf.task.specific.get_actions(reload(page), people.sekreterare)
    # ... but the samordnare who reviewed may not record a meeting decision of the same run.
    assert performed_other_step(state, kf.task.specific, people.samordnare)


def test_the_dashboard_does_not_offer_a_second_step(people, coordinator_made_official):
    page = make_draft("rutin", "stabschef")
    review = run_to_step(people, page, REVIEW, people.redaktor)
    review.task.specific.on_action(review, people.samordnare, "approve", comment="")

    assert not TaskState.objects.reviewable_by(people.samordnare).exists()
    response = client_for(people.samordnare).get("/admin/")
    assert "Att besluta" not in response.content.decode()


# -- 4. every route into a step takes the same lock --------------------------------------------


def test_a_second_actor_on_wagtails_action_url_is_told_it_is_decided(people):
    colleague = make_user("samordnare2", groups=["Informationssäkerhetssamordnare"])
    page = make_draft("rutin", "stabschef")
    review = run_to_step(people, page, REVIEW, people.redaktor)
    # Both reviewers loaded the step; the colleague approves first.
    review.task.specific.on_action(review, colleague, "approve", comment="")
    before = snapshot(page)

    response = client_for(people.samordnare).post(
        wagtail_action_url(page, "approve", review), {"comment": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == case_url(review)
    assert "redan beslutat" in last_message(response)
    assert "Inget har ändrats." in last_message(response)
    assert snapshot(page) == before


def test_a_stale_task_state_cannot_be_acted_on_twice(people):
    page = make_draft("rutin", "stabschef")
    review = run_to_step(people, page, REVIEW, people.redaktor)
    stale = TaskState.objects.get(pk=review.pk)
    review.task.specific.on_action(review, people.samordnare, "approve", comment="")

    with pytest.raises(AlreadyDecided):
        stale.task.specific.on_action(stale, people.admin, "approve", comment="")
    assert TaskState.objects.filter(workflow_state=stale.workflow_state).count() == 2


def test_a_second_record_through_wagtails_url_is_refused(people):
    page = make_draft("riktlinje", "ks")
    decision = run_to_step(people, page, KS_DECISION, people.redaktor)
    data = {key.removeprefix("record-"): value for key, value in record_data().items()}
    first = client_for(people.sekreterare).post(wagtail_action_url(page, "record", decision), data)
    assert first.status_code == 302
    assert reload(page).live

    again = client_for(people.admin).post(wagtail_action_url(page, "record", decision), data)

    assert again.status_code in (302, 403)
    assert PageLogEntry.objects.filter(page=page, action="governance.decided").count() == 1
    assert reload(page).adopted_versions.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_four_simultaneous_approvals_through_wagtails_url_decide_once(committed_baseline):
    """Four officials' browsers post the same decision at once, each on its own connection."""
    from django.core import mail

    from tests.governance.conftest import _official, _person

    redaktor = _person("redaktor-c", "Rut", "Redaktör", groups=["Redaktörer"])
    samordnare = _person(
        "samordnare-c", "Sara", "Samordnare", groups=["Informationssäkerhetssamordnare"]
    )
    official = _official("stabschef-c", "Stefan", "Stab", "stabschef")
    deputies = []
    body = get_body("stabschef")
    deputy = _person("ersattare-c", "Eva", "Ersätt", groups=["Beslutsfattare"])
    body.deputy = deputy
    body.save(update_fields=["deputy"])
    deputies.append(deputy)
    page = make_draft("rutin", "stabschef", responsible=redaktor)
    start(page, redaktor)
    review = current_task_state(page)
    review.task.specific.on_action(review, samordnare, "approve", comment="")
    decision = current_task_state(page)
    mail.outbox.clear()

    actors = [official, deputy, official, deputy]
    barrier = threading.Barrier(len(actors))
    responses = []

    def post(user):
        try:
            client = client_for(user)
            barrier.wait(timeout=20)
            responses.append(
                client.post(
                    wagtail_action_url(page, "approve", decision),
                    {
                        "decision_date": str(days_ago(1)),
                        "diarienummer": "KS-2025-500",
                        "comment": "",
                    },
                )
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(user,)) for user in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(responses) == 4
    assert all(r.status_code == 302 for r in responses)
    page = reload(page)
    assert page.live
    assert PageLogEntry.objects.filter(page=page, action="governance.decided").count() == 1
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish").count() == 1
    assert page.adopted_versions.count() == 1
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_APPROVED
    assert TaskState.objects.filter(workflow_state=state, status="in_progress").count() == 0
    assert TaskState.objects.filter(workflow_state=state).count() == 2
    # One decision, one message to the submitter (also the owner here); before the lock, each
    # of the four approvals sent its own.
    decided = [m for m in mail.outbox if m.subject.startswith("Fastställt:")]
    assert [m.to for m in decided] == [[redaktor.email]]


# -- 6. no silent stall ------------------------------------------------------------------------


def test_submitting_with_nobody_else_to_review_is_refused(people):
    """The samordnare is the only member of the review group and submits their own draft."""
    page = make_draft("rutin", "stabschef")

    with pytest.raises(ValidationError) as refused:
        start(page, people.samordnare)

    message = " ".join(refused.value.messages)
    assert "Granskning" in message
    assert "Informationssäkerhetssamordnare" in message
    assert workflow_state(page) is None


def test_submitting_when_the_official_is_the_submitter_and_no_deputy_is_refused(people):
    page = make_draft("rutin", "stabschef")
    problems = submission_problems(reload(page), get_body("stabschef").workflow, [people.stabschef])
    assert len(problems) == 1
    assert "ersättare" in problems[0]
    assert "Stabschef" in problems[0]

    body = get_body("stabschef")
    body.deputy = people.forvaltningschef
    body.save(update_fields=["deputy"])
    assert submission_problems(reload(page), body.workflow, [people.stabschef]) == []


def test_a_second_member_lets_the_samordnare_submit(people):
    make_user("samordnare2", groups=["Informationssäkerhetssamordnare"])
    page = make_draft("rutin", "stabschef")

    start(page, people.samordnare)

    assert current_task_state(page).task.name == REVIEW


def test_stalled_runs_are_listed_for_the_samordnare(people, time_machine):
    page = make_draft("rutin", "stabschef", title="Rutin som väntar")
    start(page, people.redaktor)
    quiet = make_draft("rutin", "stabschef", title="Rutin som nyss skickats")

    time_machine.move_to(timezone.now() + datetime.timedelta(days=20))
    start(quiet, people.redaktor)
    rows = stalled_runs(people.samordnare)

    assert [row["page"].pk for row in rows] == [page.pk]
    assert rows[0]["waited"] == 20
    panel_html = client_for(people.samordnare).get("/admin/").content.decode()
    assert "Fastnade beslutsärenden" in panel_html
    assert "Rutin som väntar" in panel_html
    assert "Inget har hänt på 20 dagar" in panel_html
    # Nobody without the permission sees the panel.
    assert StalledRunsPanel(people.redaktor).render_html({}) == ""


def test_a_run_whose_approver_left_is_listed_as_stalled(people):
    page = make_draft("rutin", "stabschef", title="Rutin utan beslutsfattare")
    run_to_step(people, page, OFFICIAL_DECISION, people.redaktor)
    people.stabschef.is_active = False
    people.stabschef.save(update_fields=["is_active"])

    rows = stalled_runs(people.admin)

    assert [row["page"].pk for row in rows] == [page.pk]
    assert rows[0]["reason"] == "Ingen som kan besluta i steget"


def test_the_editor_says_what_to_fix_when_nobody_else_can_review(people, register):
    from policies.models import RiktlinjePage

    from .workflow_helpers import add_url, error_texts, page_form_data

    data = page_form_data(RiktlinjePage, "Samordnarens riktlinje", "samordnarens", "kommundirektor")
    data["action-submit"] = "1"

    response = client_for(people.samordnare).post(add_url(register, RiktlinjePage), data)

    assert response.status_code == 200
    errors = " ".join(error_texts(response))
    assert "Ingen annan än den som skickar in kan godkänna steget ”Granskning”" in errors
    assert "Lägg till ytterligare en aktiv medlem" in errors
    assert not RiktlinjePage.objects.filter(slug="samordnarens").exists()


def test_the_editor_says_where_a_submission_goes(people, register):
    from policies.models import RiktlinjePage

    from .workflow_helpers import add_url, edit_url

    new = client_for(people.redaktor).get(add_url(register, RiktlinjePage)).content.decode()
    assert "Skicka till granskning och beslut" in new

    page = make_draft("rutin", "stabschef")
    review = run_to_step(people, page, REVIEW, people.redaktor)
    review.task.specific.on_action(review, people.samordnare, "approve", comment="")
    decision = current_task_state(page)
    decision.task.specific.on_action(decision, people.stabschef, "reject", comment="Ändra.")

    returned = client_for(people.redaktor).get(edit_url(page)).content.decode()
    # The round starts over, so the button names the first step, not the one that returned it.
    assert "Skicka in igen till Granskning" in returned
    assert f"till {OFFICIAL_DECISION}" not in returned


def test_an_expiry_date_is_refused_in_swedish_not_dropped(people, register):
    """Wagtail's scheduled expiry would unpublish without a decision, so the model clears it;
    the editor is told instead of losing what they typed."""
    from policies.models import RiktlinjePage

    from .workflow_helpers import add_url, page_form_data

    data = page_form_data(
        RiktlinjePage,
        "Riktlinje med slutdatum",
        "med-slutdatum",
        "kommundirektor",
        expire_at="2030-01-01 00:00",
    )

    response = client_for(people.redaktor).post(add_url(register, RiktlinjePage), data)

    assert response.status_code == 200
    assert "genom ett beslut om upphävande" in response.context["form"].errors["expire_at"][0]
    # Shown beside the field in the editor's Inställningar tab.
    assert 'id="panel-child-installningar-child-publishing-child-expire_at-errors"' in (
        response.content.decode()
    )
    assert not RiktlinjePage.objects.filter(slug="med-slutdatum").exists()


def test_the_stalled_runs_panel_reads_a_fixed_number_of_queries(people, time_machine):
    """It is on the samordnare's dashboard: more waiting runs must not mean more queries."""
    from django.test.utils import CaptureQueriesContext

    def waiting_runs(count, prefix):
        for n in range(count):
            page = make_draft("rutin", "stabschef", title=f"{prefix} {n}")
            start(page, people.redaktor)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            rows = stalled_runs(people.samordnare)
        return len(rows), len(captured.captured_queries)

    waiting_runs(2, "Första")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=30))
    two = queries()
    waiting_runs(4, "Andra")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=30))
    six = queries()

    assert two[0] == 2 and six[0] == 6
    assert six[1] == two[1]


# -- the decision history is a record ----------------------------------------------------------

RECORD_MESSAGE = (
    "Beslutshistoriken är en allmän handling och kan inte ändras eller raderas. Ett beslut "
    "ändras bara genom ett nytt beslut."
)


def decision_makers_entry():
    """A beslutande organ's governance.* entry in the model log (its decision makers changed)."""
    return ModelLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(PageLogEntry),
        object_id="1",
        label="organ",
        action="governance.decision_makers_changed",
        timestamp=timezone.now(),
    )


def test_the_decision_history_is_neither_edited_nor_deleted(people):
    """The shell or an import cannot rewrite who decided what, nor remove the decision that
    is the proof a revision may be live; the admin has no route for it at all."""
    page = make_draft("rutin", "stabschef")
    run_to_step(people, page, OFFICIAL_DECISION, people.redaktor)
    decide(people, page)
    decided = PageLogEntry.objects.get(page_id=page.pk, action="governance.decided")
    entries = PageLogEntry.objects.filter(page_id=page.pk, action__startswith="governance.")
    before = list(entries.order_by("pk").values_list("pk", "action", "user_id", "data"))
    assert reload(page).live

    decided.data = {**decided.data, "body": "Kommunfullmäktige", "paragraph": 1}
    attempts = [
        decided.save,
        decided.delete,
        entries.delete,
        PageLogEntry.objects.filter(pk=decided.pk).delete,
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused, transaction.atomic():
            attempt()
        assert refused.value.messages == [RECORD_MESSAGE]

    # An ordinary entry is not turned into one either.
    edit = PageLogEntry.objects.filter(page_id=page.pk).exclude(pk__in=entries).first()
    if edit is not None:
        edit.action = "governance.decided"
        with pytest.raises(ValidationError), transaction.atomic():
            edit.save()
    assert list(entries.order_by("pk").values_list("pk", "action", "user_id", "data")) == before
    assert reload(page).live


def test_queryset_writes_cannot_rewrite_the_decision_history(people):
    """update(), bulk_update() and the fast delete path are refused for governance.* rows (and
    for turning an ordinary entry into one), for page and model log entries alike; ordinary
    entries stay writable."""
    page = make_draft("rutin", "stabschef")
    run_to_step(people, page, OFFICIAL_DECISION, people.redaktor)
    decide(people, page)
    decided = PageLogEntry.objects.get(page_id=page.pk, action="governance.decided")
    before = (decided.timestamp, decided.data, decided.user_id)
    entries = PageLogEntry.objects.filter(page_id=page.pk)
    ordinary = entries.exclude(action__startswith="governance.").first()
    decided.data = {**decided.data, "paragraph": 999}
    attempts = [
        lambda: entries.update(data={"paragraph": 1}),
        lambda: PageLogEntry.objects.filter(pk=decided.pk).update(timestamp=timezone.now()),
        lambda: PageLogEntry.objects.bulk_update([decided], ["data"]),
        lambda: PageLogEntry.objects.filter(pk=decided.pk)._raw_delete("default"),
    ]
    if ordinary is not None:
        attempts.append(
            lambda: PageLogEntry.objects.filter(pk=ordinary.pk).update(action="governance.decided")
        )
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused, transaction.atomic():
            attempt()
        assert refused.value.messages == [RECORD_MESSAGE]
    decided.refresh_from_db()
    assert (decided.timestamp, decided.data, decided.user_id) == before

    body_entry = decision_makers_entry()
    model_attempts = [
        lambda: ModelLogEntry.objects.filter(pk=body_entry.pk).update(label="ändrad"),
        lambda: ModelLogEntry.objects.filter(pk=body_entry.pk).delete(),
        body_entry.delete,
    ]
    for attempt in model_attempts:
        with pytest.raises(ValidationError), transaction.atomic():
            attempt()
    assert ModelLogEntry.objects.filter(pk=body_entry.pk, label="organ").exists()

    if ordinary is not None:
        assert PageLogEntry.objects.filter(pk=ordinary.pk).update(label="x") == 1
    assert reload(page).live


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
def test_hand_written_sql_cannot_rewrite_the_decision_history(people):
    """`manage.py dbshell`, a cursor in the shell or another program on the database: an UPDATE
    or DELETE of a governance.* entry, or an UPDATE making an entry one, is refused by the
    database with the same Swedish message, for page and model log entries alike. Ordinary
    entries stay writable, and record_guard.maintenance() lets a deliberate correction through
    for its own transaction only."""
    from django.db import DatabaseError

    from governance.record_guard import maintenance

    page = make_draft("rutin", "stabschef")
    run_to_step(people, page, OFFICIAL_DECISION, people.redaktor)
    decide(people, page)
    decided = PageLogEntry.objects.get(page_id=page.pk, action="governance.decided")
    ordinary = PageLogEntry.objects.filter(page_id=page.pk).exclude(
        action__startswith="governance."
    )[0]
    body_entry = decision_makers_entry()
    before = (decided.timestamp, decided.data, decided.user_id)
    statements = [
        ("UPDATE wagtailcore_pagelogentry SET data = '{}' WHERE id = %s", decided.pk),
        ("UPDATE wagtailcore_pagelogentry SET action = 'wagtail.edit' WHERE id = %s", decided.pk),
        ("UPDATE wagtailcore_pagelogentry SET timestamp = now() WHERE page_id = %s", page.pk),
        ("DELETE FROM wagtailcore_pagelogentry WHERE id = %s", decided.pk),
        (
            "UPDATE wagtailcore_pagelogentry SET action = 'governance.decided' WHERE id = %s",
            ordinary.pk,
        ),
        ("UPDATE wagtailcore_modellogentry SET label = 'ändrad' WHERE id = %s", body_entry.pk),
        ("DELETE FROM wagtailcore_modellogentry WHERE id = %s", body_entry.pk),
    ]
    for sql, pk in statements:
        with (
            pytest.raises(DatabaseError) as refused,
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [pk])
        assert RECORD_MESSAGE in str(refused.value), sql

    decided.refresh_from_db()
    assert (decided.timestamp, decided.data, decided.user_id) == before
    assert ModelLogEntry.objects.filter(pk=body_entry.pk, label="organ").exists()
    assert reload(page).live

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE wagtailcore_pagelogentry SET label = 'ordinarie' WHERE id = %s", [ordinary.pk]
        )
        assert cursor.rowcount == 1

    # A deliberate correction, in its own transaction; the next one is refused again.
    corrected = timezone.now() - datetime.timedelta(days=3)
    with maintenance(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE wagtailcore_pagelogentry SET timestamp = %s WHERE id = %s",
            [corrected, decided.pk],
        )
    decided.refresh_from_db()
    assert decided.timestamp == corrected
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM wagtailcore_pagelogentry WHERE id = %s", [decided.pk])
    assert PageLogEntry.objects.filter(pk=decided.pk).exists()
