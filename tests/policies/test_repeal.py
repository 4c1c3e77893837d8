"""Issue 13, item 5: upphävande is a decision.

"Föreslå upphävande" starts the decision workflow of the document's body; the body's recorded
decision takes the document off the register, marks its version "Upphävd genom beslut av …" with
organ, date, § and dnr, is in the history and is mailed to the submitter and dokumentansvarig.
"""

import pytest
from django.contrib.auth.models import Permission
from wagtail.models import PageLogEntry, WorkflowState

from policies.models import AdoptedVersion, RiktlinjePage, RutinPage
from policies.models.versions import RepealProposal
from tests.factories import get_body, make_document, path_of
from tests.governance import conftest as governance_fixtures
from tests.governance.outbox_helpers import clear_mail, delivered
from tests.governance.workflow_helpers import (
    client_for,
    decide,
    is_refused,
    last_message,
    page_text,
    reload,
    subjects_by_recipient,
    workflow_state,
)

pytestmark = pytest.mark.django_db

# The approval-workflow people (tests/governance/conftest.py), one per role.
admin = governance_fixtures.admin
agare = governance_fixtures.agare
forvaltningschef = governance_fixtures.forvaltningschef
kommundirektor = governance_fixtures.kommundirektor
people = governance_fixtures.people
redaktor2 = governance_fixtures.redaktor2
samordnare = governance_fixtures.samordnare
sekreterare = governance_fixtures.sekreterare
stabschef = governance_fixtures.stabschef
verksamhetschef = governance_fixtures.verksamhetschef

REASON = "Ersatt av den nya riktlinjen för informationssäkerhet."


def repeal_url(page):
    return f"/admin/styrdokument/{page.pk}/foresla-upphavande/"


@pytest.fixture
def proposer(people):
    """A redaktör given the permission to propose a repeal (no group name involved)."""
    user = people.redaktor2
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="governance", codename="propose_repeal")
    )
    return type(user).objects.get(pk=user.pk)


def run_to_the_end(people, page):
    while workflow_state(page).status == WorkflowState.STATUS_IN_PROGRESS:
        decide(people, page)


def propose(client, page, reason=REASON):
    return client.post(repeal_url(page), {"reason": reason})


@pytest.mark.parametrize(
    ("page_class", "body_code", "paragraph"),
    [(RiktlinjePage, "ks", 45), (RutinPage, "stabschef", None)],
)
def test_a_repeal_goes_through_the_bodys_decision_workflow(
    people, proposer, page_class, body_code, paragraph
):
    parent = (
        make_document(RiktlinjePage, title="Överordnad riktlinje")
        if page_class is RutinPage
        else None
    )
    page = make_document(
        page_class,
        parent=parent,
        title="Rutin för lösenordsbyten" if parent else "Riktlinje för lösenord",
        decision_body=get_body(body_code),
        responsible=people.agare,
    )
    (version,) = AdoptedVersion.objects.filter(document=page)
    decided_before = (page.decision_date, page.diarienummer)
    client = client_for(proposer)

    form = client.get(f"/admin/pages/{page.pk}/edit/")
    assert repeal_url(page) in form.content.decode()
    response = propose(client, page)

    assert response.status_code == 302
    assert "Förslaget om upphävande" in last_message(response)
    proposal = RepealProposal.objects.get(document=page)
    assert (proposal.reason, proposal.proposed_by) == (REASON, proposer)
    assert proposal.workflow_state.workflow == get_body(body_code).workflow
    assert reload(page).live  # in force until the body decides
    assert PageLogEntry.objects.filter(page=page, action="governance.repeal_proposed").exists()

    clear_mail()
    run_to_the_end(people, page)

    page = reload(page)
    assert not page.live
    assert (page.decision_date, page.diarienummer) == decided_before  # no decision fields written
    version.refresh_from_db()
    proposal.refresh_from_db()
    decided = workflow_state(page).task_states.order_by("-finished_at").first()
    decision = PageLogEntry.objects.get(
        page=page, action="governance.decided", data__task_state_id=decided.pk
    ).data
    decision_date, dnr = decision["decision_date"], decision["diarienummer"]
    assert decision["paragraph"] == paragraph
    expected = f"Upphävd genom beslut av {get_body(body_code).name} {decision_date}"
    if paragraph:
        expected += f", § {paragraph}"
    expected += f", dnr {dnr}"
    assert version.repeal_display == expected
    assert (version.repeal_paragraph, version.repeal_diarienummer) == (paragraph, dnr)
    assert version.repealed_at is not None and proposal.decided_at is not None
    assert AdoptedVersion.objects.filter(document=page).count() == 1  # nothing new adopted

    # The document is gone from both channels; its version stays readable, marked.
    intranet = client_for(people.redaktor)
    assert intranet.get(path_of(page)).status_code == 404
    archived = intranet.get(f"/arkiv/{version.pk}/")
    assert archived.status_code == 200
    assert expected in page_text(archived)

    # The history has the decision and the repeal.
    repealed = PageLogEntry.objects.get(page=page, action="governance.repealed")
    assert repealed.data["diarienummer"] == dnr
    assert repealed.data["paragraph"] == paragraph
    history = client_for(people.admin).get(f"/admin/beslutshistorik/{page.pk}/")
    assert history.status_code == 200
    assert dnr in page_text(history)
    # The decision step is shown as the repeal it decided, not as an adoption.
    assert "Beslutat att upphäva" in page_text(history)
    assert "Upphävd genom beslut" in page_text(history)
    decided = PageLogEntry.objects.filter(page=page, action="governance.decided").latest("pk")
    assert decided.data["repeal"] is True and "version" not in decided.data

    # The submitter and the dokumentansvarig are told.
    subjects = subjects_by_recipient()
    title = page.title
    assert f"Upphävt: {title}" in subjects[people.agare.email]
    assert f"Upphävt: {title}" in subjects[proposer.email]
    body = next(m.body for m in delivered() if m.subject == f"Upphävt: {title}")
    assert "Upphävd genom beslut av" in body and dnr in body


def test_a_repealed_document_cannot_be_published_again_from_the_repeal_revision(people, proposer):
    page = make_document(RiktlinjePage, title="Riktlinje att upphäva", responsible=people.agare)
    propose(client_for(proposer), page)
    run_to_the_end(people, page)
    page = reload(page)
    assert not page.live

    from policies.decisions import DecisionRequired

    with pytest.raises(DecisionRequired):
        page.get_latest_revision().publish(user=people.admin, skip_permission_checks=True)
    assert not reload(page).live


def test_without_the_permission_the_action_is_refused_and_hidden(people):
    page = make_document(RiktlinjePage, title="Riktlinje för skrivare")
    client = client_for(people.redaktor)

    assert repeal_url(page) not in client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    assert is_refused(client.post(repeal_url(page), {"reason": REASON}))
    assert not RepealProposal.objects.exists()
    assert reload(page).live


def test_the_motivering_is_required(people, proposer):
    page = make_document(RiktlinjePage, title="Riktlinje för skrivare")

    response = propose(client_for(proposer), page, reason="   ")

    assert response.status_code == 400
    assert "Skriv en motivering till förslaget om upphävande." in page_text(response)
    assert not RepealProposal.objects.exists()


def test_a_document_already_in_a_decision_run_cannot_get_a_second_proposal(people, proposer):
    page = make_document(RiktlinjePage, title="Riktlinje för nycklar")
    client = client_for(proposer)
    propose(client, page)

    response = propose(client, page)

    assert response.status_code == 302
    assert "redan i ett beslutsärende" in last_message(response)
    assert RepealProposal.objects.filter(document=page).count() == 1


def test_a_draft_cannot_be_repealed(people, proposer):
    draft = make_document(RiktlinjePage, title="Utkast", publish=False)

    response = client_for(proposer).get(repeal_url(draft))

    assert response.status_code == 302
    assert "inte gällande" in last_message(response)
