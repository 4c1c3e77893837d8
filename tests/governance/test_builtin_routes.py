"""The attacker's matrix: every demo role against Wagtail's OWN admin URLs (issue 13).

The project's case page (/admin/arenden/…) is covered by test_workflow_matrix.py. Here each role
tries the routes Wagtail itself serves - the workflow action URL, unpublish, delete, move, copy,
lock, revisions, bulk actions and scheduled publishing - on an adopted styrdokument (live, with
an AdoptedVersion), on documents with a run in progress and on a never-adopted draft.

Each cell is one HTTP request and checks what the user meets (status, redirect, message, the
button offered or not) and what the database holds afterwards (live state, live revision,
adopted versions, governance.decided entries). The scene is built once per module
(builtin_routes_helpers.build_world); each cell runs in a savepoint and is rolled back.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, TaskState, WorkflowState

from policies.models import AdoptedVersion, RutinPage
from tests.factories import get_body

from .builtin_routes_helpers import (
    ROLES,
    UNDECIDED_TITLE,
    acted_on_some,
    build_world,
    bulk_no_access,
    bulk_offers,
    bulk_url,
    decided_entries,
    modal_json,
    modal_text,
    page_url,
    record_of,
    refused,
    reload_pk,
    workflow_action_url,
)
from .workflow_helpers import (
    KS_DECISION,
    OFFICIAL_DECISION,
    REVIEW,
    client_for,
    current_task_state,
    days_ago,
    messages_of,
    page_form_data,
    page_text,
    workflow_state,
)

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}

# fmt: off
# Wagtail's page routes on an ADOPTED rutin (decided by the stabschef; created by a redaktör,
# dokumentansvarig: ägaren; a newer draft revision that nobody has decided).
# Y = allowed, - = refused (Wagtail's "Ledsen, du saknar rättigheter …" and nothing changes).
#                                  red  sam  kd   sc   vc   sek  äg   adm
ADOPTED_ROUTES = {
    # Unpublish, delete and move of an adopted document: nobody, superuser included; a repeal
    # is a decision ("Föreslå upphävande"), not a button.
    "unpublish (GET)":            ("-", "-", "-", "-", "-", "-", "-", "-"),
    "unpublish (POST)":           ("-", "-", "-", "-", "-", "-", "-", "-"),
    "delete (GET)":               ("-", "-", "-", "-", "-", "-", "-", "-"),
    "delete (POST)":              ("-", "-", "-", "-", "-", "-", "-", "-"),
    "move (GET)":                 ("-", "-", "-", "-", "-", "-", "-", "-"),
    "move confirm (GET)":         ("-", "-", "-", "-", "-", "-", "-", "-"),
    "move confirm (POST)":        ("-", "-", "-", "-", "-", "-", "-", "-"),
    # Copy: whoever may edit the document and add pages under its parent. The copy is a new
    # draft: never live, with no decision (no beslutsdatum, §, dnr) and no adopted version.
    "copy (GET)":                 ("Y", "Y", "-", "-", "-", "-", "Y", "Y"),
    "copy (POST)":                ("Y", "Y", "-", "-", "-", "-", "Y", "Y"),
    # Lock: an adopted document only by its dokumentansvarig (here äg) and superusers, not by
    # every holder of lock_page (issue 14). Unlock (the page locked by the samordnare): the
    # lock's holder and superusers; nobody has the unlock permission.
    "lock (POST)":                ("-", "-", "-", "-", "-", "-", "Y", "Y"),
    "unlock (POST)":              ("-", "Y", "-", "-", "-", "-", "-", "Y"),
    # Revisions: those who may edit. Reverting leads to the edit form, which never offers
    # Publicera; a forged "publish" saves at most a draft.
    "revision view (GET)":        ("Y", "Y", "-", "-", "-", "-", "Y", "Y"),
    "revert (GET)":               ("Y", "Y", "-", "-", "-", "-", "Y", "Y"),
    "revert and publish (POST)":  ("Y", "Y", "-", "-", "-", "-", "Y", "Y"),
    "compare (GET)":              ("Y", "Y", "-", "-", "-", "-", "Y", "Y"),
}

# A document in a run (waiting at Granskning) cannot be locked by anyone, superuser included:
# the run holds it.
IN_RUN_ROUTES = {
    "lock (POST)":                ("-", "-", "-", "-", "-", "-", "-", "-"),
}

# Wagtail's bulk actions (/admin/bulk/wagtailcore/page/<action>/?id=…) on the adopted rutin:
# refused for every styrdokument. GET = the confirmation lists it under "Du saknar rättigheter
# …" without a confirm button; POST = nothing happens to it.
#                                  red  sam  kd   sc   vc   sek  äg   adm
BULK_ADOPTED = {
    "publish":                    ("-", "-", "-", "-", "-", "-", "-", "-"),
    "unpublish":                  ("-", "-", "-", "-", "-", "-", "-", "-"),
    "delete":                     ("-", "-", "-", "-", "-", "-", "-", "-"),
    "move":                       ("-", "-", "-", "-", "-", "-", "-", "-"),
}

# A never-adopted draft (created by the dokumentansvarig): those with Wagtail's delete rights
# may delete it (change permission on a page that is not live; the owner with add permission;
# superusers); nobody publishes it without a decision.
#                                  red  sam  kd   sc   vc   sek  äg   adm
DRAFT_ROUTES = {
    "delete (GET)":               ("Y", "Y", "-", "-", "-", "-", "Y", "Y"),
    "delete (POST)":              ("Y", "Y", "-", "-", "-", "-", "Y", "Y"),
    "bulk delete (GET)":          ("Y", "Y", "-", "-", "-", "-", "Y", "Y"),
    "bulk delete (POST)":         ("Y", "Y", "-", "-", "-", "-", "Y", "Y"),
    "bulk publish (GET)":         ("-", "-", "-", "-", "-", "-", "-", "-"),
    "bulk publish (POST)":        ("-", "-", "-", "-", "-", "-", "-", "-"),
}

# Wagtail's workflow action URL /admin/pages/workflow/action/<page>/<action>/<task_state>/ on
# adopted documents whose next version is in a run submitted by a redaktör outside the roles
# tested. GET = the modal (as the editor's menu opens it), POST = the action. Allowed only for
# the step's approver: the samordnare group (and superusers) review, the body's official decides,
# the nämndsekreterare (and superusers) record a meeting's decision.
#                                          red  sam  kd   sc   vc   sek  äg   adm
WORKFLOW_ACTIONS = {
    (REVIEW, "approve"):                  ("-", "Y", "-", "-", "-", "-", "-", "Y"),
    (REVIEW, "reject"):                   ("-", "Y", "-", "-", "-", "-", "-", "Y"),
    (OFFICIAL_DECISION, "approve"):       ("-", "-", "-", "Y", "-", "-", "-", "-"),
    (OFFICIAL_DECISION, "reject"):        ("-", "-", "-", "Y", "-", "-", "-", "-"),
    (KS_DECISION, "record"):              ("-", "-", "-", "-", "-", "Y", "-", "Y"),
    # A meeting's decision is recorded with its §, never "approved" past the protocol.
    (KS_DECISION, "approve"):             ("-", "-", "-", "-", "-", "-", "-", "-"),
}
# fmt: on

RUN_AT = {REVIEW: "at_review", OFFICIAL_DECISION: "at_decision", KS_DECISION: "at_record"}
# The title of each action's modal (Styrdok's labels).
MODAL_TITLE = {
    (REVIEW, "approve"): "Godkänn med kommentar",
    (REVIEW, "reject"): "Begär ändringar",
    (OFFICIAL_DECISION, "approve"): "Fastställ",
    (OFFICIAL_DECISION, "reject"): "Återremittera",
    (KS_DECISION, "record"): "Registrera beslut",
}


def cells(table):
    return [(row, role) for row in table for role in ROLES]


def ids(table):
    return [f"{row}-{role}".replace(" ", "_") for row, role in cells(table)]


def allowed(table, row, role):
    return table[row][ROLES.index(role)] == "Y"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The scene, once for the module; rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def w(world, db):
    """The scene inside this test's savepoint."""
    return world


# -- the tables cover what they claim ---------------------------------------------------------


def test_the_runs_wait_where_the_tables_say(w):
    for step, name in RUN_AT.items():
        assert current_task_state(w.page(name)).task.name == step
    assert set(RUN_AT) == {step for step, _action in WORKFLOW_ACTIONS}


# -- page routes on the adopted document --------------------------------------------------------


def _edit_data(page, title):
    data = page_form_data(RutinPage, title, page.slug, "stabschef", "rutin")
    data["action-publish"] = "1"
    return data


def _copy_data(w, role, **extra):
    return {
        "new_title": f"Kopia av rutinen ({role})",
        "new_slug": f"kopia-{role}",
        "new_parent_page": str(w.parent),
        **extra,
    }


def _request(client, w, row, role):
    """One request per cell; returns (response, the pk of the page the cell is about)."""
    pk = w.adopted
    if row == "unpublish (GET)":
        return client.get(page_url(pk, "unpublish")), pk
    if row == "unpublish (POST)":
        return client.post(page_url(pk, "unpublish"), {"include_descendants": "on"}), pk
    if row == "delete (GET)":
        return client.get(page_url(pk, "delete")), pk
    if row == "delete (POST)":
        return client.post(page_url(pk, "delete")), pk
    if row == "move (GET)":
        return client.get(page_url(pk, "move")), pk
    if row == "move confirm (GET)":
        return client.get(page_url(pk, f"move/{w.target}/confirm")), pk
    if row == "move confirm (POST)":
        return client.post(page_url(pk, f"move/{w.target}/confirm")), pk
    if row == "copy (GET)":
        return client.get(page_url(pk, "copy")), pk
    if row == "copy (POST)":
        return client.post(page_url(pk, "copy"), _copy_data(w, role)), pk
    if row == "lock (POST)":
        return client.post(page_url(pk, "lock")), pk
    if row == "unlock (POST)":
        return client.post(page_url(pk, "unlock")), pk
    if row == "revision view (GET)":
        return client.get(page_url(pk, f"revisions/{w.undecided_revision}/view")), pk
    if row == "revert (GET)":
        return client.get(page_url(pk, f"revisions/{w.undecided_revision}/revert")), pk
    if row == "revert and publish (POST)":
        data = _edit_data(reload_pk(pk), UNDECIDED_TITLE)
        return client.post(page_url(pk, f"revisions/{w.undecided_revision}/revert"), data), pk
    if row == "compare (GET)":
        return client.get(page_url(pk, f"revisions/compare/live...{w.undecided_revision}")), pk
    raise AssertionError(row)


def _check_allowed(row, role, w, response, before, after):
    page = reload_pk(w.adopted)
    if row == "copy (GET)":
        assert response.status_code == 200
        assert "Kopiera" in page_text(response)
        # The copy form offers no way to publish the copy or make it a live alias.
        content = response.content.decode()
        assert 'name="publish_copies"' not in content
        assert 'name="alias"' not in content
        assert after == before
    elif row == "copy (POST)":
        assert response.status_code == 302, messages_of(response)
        assert any("kopierad" in m for m in messages_of(response)), messages_of(response)
        assert after == before
        copy = Page.objects.get(slug=f"kopia-{role}").specific
        draft = copy.get_latest_revision_as_object()
        for version in (copy, draft):
            assert not version.live
            assert version.decision_date is None
            assert version.protocol_paragraph is None
            assert not version.diarienummer
        assert copy.live_revision_id is None
        assert not AdoptedVersion.objects.filter(document_id=copy.pk).exists()
        assert not decided_entries(copy.pk).exists()
    elif row == "lock (POST)":
        assert response.status_code == 302, messages_of(response)
        assert page.locked and page.locked_by == w.user(role)
        assert {**after, "locked": False, "log_entries": before["log_entries"]} == before
    elif row == "unlock (POST)":
        assert response.status_code == 302, messages_of(response)
        assert any("olåst" in m for m in messages_of(response)), messages_of(response)
        assert not page.locked
    elif row in ("revision view (GET)", "compare (GET)"):
        assert response.status_code == 200
        assert after == before
    elif row == "revert (GET)":
        assert response.status_code == 200
        content = response.content.decode()
        assert 'name="action-publish"' not in content
        assert "Ersätt existerande utkast" in page_text(response)
        assert after == before
    elif row == "revert and publish (POST)":
        # At most a draft: the undecided text is not live and no version was recorded.
        assert response.status_code == 302, messages_of(response)
        assert not any("publicerad" in m.lower() for m in messages_of(response))
        assert page.live and page.title != UNDECIDED_TITLE
        for key in ("live", "live_revision", "decision_date", "diarienummer", "decided"):
            assert after[key] == before[key], key
        assert after["versions"] == before["versions"]
    else:
        raise AssertionError(f"{row} has no check for an allowed cell")


@pytest.mark.parametrize(("row", "role"), cells(ADOPTED_ROUTES), ids=ids(ADOPTED_ROUTES))
def test_page_routes_on_an_adopted_document(w, row, role):
    if row == "unlock (POST)":
        Page.objects.filter(pk=w.adopted).update(
            locked=True, locked_by=w.user("samordnare"), locked_at=timezone.now()
        )
    before = record_of(w.adopted)
    pages_before = Page.objects.count()

    response, pk = _request(client_for(w.user(role)), w, row, role)

    after = record_of(pk)
    if allowed(ADOPTED_ROUTES, row, role):
        _check_allowed(row, role, w, response, before, after)
    else:
        assert refused(response), (response.status_code, messages_of(response))
        assert after == before
        assert Page.objects.count() == pages_before


@pytest.mark.parametrize("role", ROLES)
def test_a_forged_publish_of_a_copy_makes_nothing_live(w, role):
    """Asking to publish the copy (or to make it a live alias) never gives a live document
    without a decision: the request is refused, or the copy is a draft."""
    before = record_of(w.adopted)
    data = _copy_data(w, role, publish_copies="on", alias="on")

    response = client_for(w.user(role)).post(page_url(w.adopted, "copy"), data)

    assert response.status_code in (200, 302), response.status_code
    copy = Page.objects.filter(slug=f"kopia-{role}").first()
    assert copy is None or not copy.live, messages_of(response)
    assert not Page.objects.filter(alias_of_id=w.adopted).exists()
    assert record_of(w.adopted) == before


@pytest.mark.parametrize(("row", "role"), cells(IN_RUN_ROUTES), ids=ids(IN_RUN_ROUTES))
def test_page_routes_on_a_document_in_a_run(w, row, role):
    before = record_of(w.at_review)

    response = client_for(w.user(role)).post(page_url(w.at_review, "lock"))

    assert not allowed(IN_RUN_ROUTES, row, role)
    assert refused(response), (response.status_code, messages_of(response))
    assert record_of(w.at_review) == before


# -- bulk actions ---------------------------------------------------------------------------------


def _bulk_post_data(action, w):
    if action == "move":
        return {"chooser": str(w.target)}
    return {"include_descendants": "on"} if action in ("publish", "unpublish") else {}


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("action", "role"), cells(BULK_ADOPTED), ids=ids(BULK_ADOPTED))
def test_bulk_actions_on_an_adopted_document(w, action, role, method):
    before = record_of(w.adopted)
    client = client_for(w.user(role))
    url = bulk_url(action, w.adopted)

    data = _bulk_post_data(action, w)
    response = client.get(url) if method == "GET" else client.post(url, data)

    assert not allowed(BULK_ADOPTED, action, role)
    if method == "GET":
        assert bulk_no_access(response, action) or refused(response), page_text(response)
    else:
        assert refused(response) or response.status_code in (200, 302)
        assert not acted_on_some(response), messages_of(response)
    after = record_of(w.adopted)
    assert after == before


# -- the never-adopted draft ----------------------------------------------------------------------


@pytest.mark.parametrize(("row", "role"), cells(DRAFT_ROUTES), ids=ids(DRAFT_ROUTES))
def test_routes_on_a_never_adopted_draft(w, row, role):
    before = record_of(w.draft)
    client = client_for(w.user(role))
    verb = "publish" if "publish" in row else "delete"

    if row == "delete (GET)":
        response = client.get(page_url(w.draft, "delete"))
    elif row == "delete (POST)":
        response = client.post(page_url(w.draft, "delete"))
    elif row.endswith("(GET)"):
        response = client.get(bulk_url(verb, w.draft))
    else:
        response = client.post(bulk_url(verb, w.draft), _bulk_post_data(verb, w))

    after = record_of(w.draft)
    if allowed(DRAFT_ROUTES, row, role):
        if row == "delete (GET)":
            assert response.status_code == 200
            assert "Är du säker på att du vill radera denna sida?" in page_text(response)
            assert after == before
        elif row == "bulk delete (GET)":
            assert bulk_offers(response, "delete"), page_text(response)
            assert after == before
        else:
            assert response.status_code == 302, messages_of(response)
            assert after == {"exists": False}
            if row == "delete (POST)":
                assert any("raderad" in m for m in messages_of(response)), messages_of(response)
    elif row.startswith("bulk") and row.endswith("(GET)"):
        assert bulk_no_access(response, verb) or refused(response), page_text(response)
        assert after == before
    elif row.startswith("bulk"):
        assert not acted_on_some(response), messages_of(response)
        assert after == before
        assert not reload_pk(w.draft).live
    else:
        assert refused(response), (response.status_code, messages_of(response))
        assert after == before


# -- Wagtail's workflow action URL --------------------------------------------------------------


def _action_data(step, action):
    if action == "reject":
        return {"comment": "Förtydliga ansvaret för loggning."}
    if action == "record":
        return {
            "outcome": "beslutad",
            "meeting_date": str(days_ago(2)),
            "paragraph": "45",
            "diarienummer": "KS-2025-88",
            "protocol_reference": "Kommunstyrelsens protokoll",
            "protocol_url": "",
            "comment": "",
        }
    if step == OFFICIAL_DECISION:
        return {"decision_date": str(days_ago(1)), "diarienummer": "KS-2025-77", "comment": ""}
    return {"comment": "Granskat i matrisen."}


def _check_allowed_post(step, action, pk, response, before):
    assert response.status_code == 200, response.status_code
    assert modal_json(response)["step"] == "success"
    page = reload_pk(pk)
    after = record_of(pk)
    state = workflow_state(page)
    decides = action == "record" or (step == OFFICIAL_DECISION and action == "approve")
    if action == "reject":
        assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    elif decides:
        assert state.status == WorkflowState.STATUS_APPROVED
        entries = list(decided_entries(pk).order_by("pk"))
        assert len(entries) == before["decided"] + 1
        # The live revision is the decided one, and a new adopted version records it.
        assert entries[-1].revision_id == page.live_revision_id != before["live_revision"]
        assert page.live
        assert len(after["versions"]) == len(before["versions"]) + 1
        assert page.decision_date == (days_ago(2) if action == "record" else days_ago(1))
        if action == "record":
            assert page.protocol_paragraph == 45
    else:
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert state.current_task_state.task.name != step
    if not decides:
        for key in ("live", "live_revision", "decided", "versions", "decision_date"):
            assert after[key] == before[key], key


WORKFLOW_CELLS = [(step, action, role) for (step, action) in WORKFLOW_ACTIONS for role in ROLES]
WORKFLOW_IDS = [
    f"{step}-{action}-{role}".replace(" ", "_") for step, action, role in WORKFLOW_CELLS
]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("step", "action", "role"), WORKFLOW_CELLS, ids=WORKFLOW_IDS)
def test_workflow_action_url(w, step, action, role, method):
    pk = getattr(w, RUN_AT[step])
    task_state = current_task_state(reload_pk(pk))
    before = record_of(pk)
    client = client_for(w.user(role))
    url = workflow_action_url(pk, action, task_state.pk)

    if method == "GET":
        response = client.get(url, **XHR)
    else:
        response = client.post(url, _action_data(step, action), **XHR)

    if not allowed(WORKFLOW_ACTIONS, (step, action), role):
        assert response.status_code == 403 or refused(response), response.status_code
        assert record_of(pk) == before
    elif method == "GET":
        assert response.status_code == 200
        assert modal_json(response)["step"] == "action"
        assert MODAL_TITLE[(step, action)] in modal_text(response)
        assert record_of(pk) == before
    else:
        _check_allowed_post(step, action, pk, response, before)


# -- who may act on a run at all (issue 13 item 3) -----------------------------------------------


@pytest.mark.parametrize(
    ("role", "run"),
    [("samordnare", "submitted_by_samordnare"), ("admin", "submitted_by_admin")],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_nobody_acts_on_a_run_they_submitted(w, role, run, method):
    pk = getattr(w, run)
    task_state = current_task_state(reload_pk(pk))
    before = record_of(pk)
    client = client_for(w.user(role))
    url = workflow_action_url(pk, "approve", task_state.pk)

    if method == "GET":
        response = client.get(url, **XHR)
    else:
        response = client.post(url, {"comment": "Mitt eget förslag är bra."}, **XHR)

    assert response.status_code == 403 or refused(response), response.status_code
    assert record_of(pk) == before


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_nobody_performs_two_steps_of_one_run(w, method):
    """The samordnare who did Granskning and then made themself the body's official still
    cannot decide: however they got the role, one person performs one step of a run."""
    samordnare = w.user("samordnare")
    body = get_body("stabschef")
    body.official = samordnare
    body.save(update_fields=["official"])
    pk = w.reviewed_by_samordnare
    task_state = current_task_state(reload_pk(pk))
    assert task_state.task.name == OFFICIAL_DECISION
    before = record_of(pk)
    url = workflow_action_url(pk, "approve", task_state.pk)

    if method == "GET":
        response = client_for(samordnare).get(url, **XHR)
    else:
        response = client_for(samordnare).post(
            url, _action_data(OFFICIAL_DECISION, "approve"), **XHR
        )

    assert response.status_code == 403 or refused(response), response.status_code
    assert record_of(pk) == before
    assert reload_pk(pk).live_revision_id == before["live_revision"]


def test_a_task_state_of_another_document_is_refused(w):
    """The verksamhetschef may decide their own rutin; naming that rutin in the URL does not let
    them decide the stabschef's run by its task state."""
    own = reload_pk(w.verksamhetschef_run)
    other = w.at_decision
    other_state = current_task_state(reload_pk(other))
    before = record_of(other)

    response = client_for(w.user("verksamhetschef")).post(
        workflow_action_url(own.pk, "approve", other_state.pk),
        _action_data(OFFICIAL_DECISION, "approve"),
        **XHR,
    )

    assert response.status_code == 403 or refused(response), response.status_code
    assert record_of(other) == before
    other_state.refresh_from_db()
    assert other_state.status == TaskState.STATUS_IN_PROGRESS


def test_a_decided_step_is_not_decided_again(w):
    """The second approval of a step already decided changes nothing and says so in Swedish."""
    pk = w.at_decision
    task_state = current_task_state(reload_pk(pk))
    client = client_for(w.user("stabschef"))
    url = workflow_action_url(pk, "approve", task_state.pk)
    data = _action_data(OFFICIAL_DECISION, "approve")
    first = client.post(url, data)
    assert first.status_code == 302
    decided = record_of(pk)
    assert decided["decided"] == record_of(pk)["decided"] >= 1

    second = client.post(url, data)

    assert second.status_code == 302
    assert any("redan beslutat" in m.lower() for m in messages_of(second)), messages_of(second)
    assert record_of(pk) == decided


# -- scheduled publishing and expiry ------------------------------------------------------------


def _schedule(revision_pk):
    from wagtail.models import Revision

    Revision.objects.filter(pk=revision_pk).update(
        approved_go_live_at=timezone.now() - datetime.timedelta(hours=1)
    )


def test_scheduled_publishing_does_not_publish_an_undecided_draft(w):
    draft = reload_pk(w.draft)
    _schedule(draft.get_latest_revision().pk)
    before = record_of(w.draft)

    call_command("publish_scheduled", verbosity=0)

    draft = reload_pk(w.draft)
    assert not draft.live and draft.live_revision_id is None
    assert not AdoptedVersion.objects.filter(document_id=w.draft).exists()
    assert record_of(w.draft)["decided"] == before["decided"] == 0


def test_scheduled_publishing_does_not_publish_an_undecided_revision_of_an_adopted_document(w):
    _schedule(w.undecided_revision)
    before = record_of(w.adopted)

    call_command("publish_scheduled", verbosity=0)

    page = reload_pk(w.adopted)
    assert page.live and page.title != UNDECIDED_TITLE
    after = record_of(w.adopted)
    for key in ("live_revision", "decided", "versions", "decision_date", "diarienummer"):
        assert after[key] == before[key], key


def test_scheduled_expiry_does_not_unpublish_an_adopted_document(w):
    """Wagtail's expire_at is a plain unpublish on a timer; only a repeal decision ends an
    adopted document."""
    Page.objects.filter(pk=w.adopted).update(expire_at=timezone.now() - datetime.timedelta(hours=1))
    before = record_of(w.adopted)

    call_command("publish_scheduled", verbosity=0)

    page = reload_pk(w.adopted)
    assert page.live and not page.expired
    after = record_of(w.adopted)
    assert after["versions"] == before["versions"]
    assert all(repealed is None for *_rest, repealed in after["versions"])
