""" "Kräver inte ny kvittens" at the decision step: the checkbox on the decision forms (the case
page and Wagtail's own workflow action route), and what the record keeps (issue 20)."""

import pytest
from wagtail.models import PageLogEntry

from kvittens.services import confirm, must_confirm, required_version, version_chain
from policies.models import AdoptedVersion, RiktlinjePage, RutinPage
from tests.factories import make_document
from tests.governance.workflow_helpers import (
    KD_DECISION,
    KS_DECISION,
    KS_PROPOSAL,
    build_people,
    case_url,
    client_for,
    days_ago,
    make_draft,
    people_from,
    record_data,
    reload,
    run_to_step,
)
from tests.kvittens.helpers import member, requirement
from tests.shared import build_once

LABEL = "Kräver inte ny kvittens (redaktionell ändring)"
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def build():
    pks = build_people()
    people = people_from(pks)
    reader = member("lasare", first_name="Lisa", last_name="Läsare")
    rutin = make_document(
        RutinPage, title="Rutin för loggning", responsible=people.agare, version="1.0"
    )
    riktlinje = make_document(RiktlinjePage, title="Riktlinje för behörigheter", version="1.0")
    for document in (rutin, riktlinje):
        requirement(document=document, everyone=True)
        confirm(reader, document, required_version(document))
    return {"pks": pks, "reader": reader.pk, "rutin": rutin.pk, "riktlinje": riktlinje.pk}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build)


@pytest.fixture
def w(world, db):
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    return {
        "people": people_from(world["pks"]),
        "reader": get_user_model().objects.get(pk=world["reader"]),
        "rutin": RutinPage.objects.get(pk=world["rutin"]),
        "riktlinje": RiktlinjePage.objects.get(pk=world["riktlinje"]),
    }


def new_draft(page, user, title):
    page = reload(page).get_latest_revision_as_object()
    page.title = title
    page.save_revision(user=user)
    return page


def decided_data(page):
    entry = (
        PageLogEntry.objects.filter(page_id=page.pk, action="governance.decided")
        .order_by("-timestamp", "-pk")
        .first()
    )
    return entry.data


def test_an_official_marks_an_editorial_change_through_wagtails_action_route(w):
    people, rutin = w["people"], w["rutin"]
    new_draft(rutin, people.redaktor, "Rutin för loggning (rättade länkar)")
    task_state = run_to_step(people, rutin, KD_DECISION, people.redaktor)
    client = client_for(people.kommundirektor)
    assert LABEL in client.get(case_url(task_state)).content.decode()

    url = f"/admin/pages/workflow/action/{rutin.pk}/approve/{task_state.pk}/"
    posted = {
        "decision_date": str(days_ago(1)),
        "diarienummer": "KS-2025-77",
        "comment": "",
        "editorial_change": "on",
    }
    response = client.post(url, posted, **XHR)

    assert response.status_code == 200, response.content[:300]
    current = AdoptedVersion.objects.get(document=rutin, superseded_at__isnull=True)
    assert current.editorial_change
    assert current.version == "1.1"
    assert decided_data(rutin)["editorial_change"] is True
    chain = version_chain(reload(rutin))
    assert chain.required.version == "1.0" and chain.current.version == "1.1"
    assert not must_confirm(w["reader"], reload(rutin))


def test_an_ordinary_decision_asks_everyone_again(w):
    people, rutin = w["people"], w["rutin"]
    new_draft(rutin, people.redaktor, "Rutin för loggning, ny version")
    task_state = run_to_step(people, rutin, KD_DECISION, people.redaktor)
    response = client_for(people.kommundirektor).post(
        case_url(task_state),
        {
            "action": "approve",
            "approve-decision_date": str(days_ago(1)),
            "approve-diarienummer": "KS-2025-77",
            "approve-comment": "",
        },
    )
    assert response.status_code == 302
    current = AdoptedVersion.objects.get(document=rutin, superseded_at__isnull=True)
    assert not current.editorial_change
    assert "editorial_change" not in decided_data(rutin)
    assert must_confirm(w["reader"], reload(rutin))


def test_a_meeting_decision_recorded_on_the_case_page_can_be_editorial(w):
    people, riktlinje = w["people"], w["riktlinje"]
    new_draft(riktlinje, people.redaktor, "Riktlinje för behörigheter (nya enhetsnamn)")
    task_state = run_to_step(people, riktlinje, KS_DECISION, people.redaktor)
    client = client_for(people.sekreterare)
    assert LABEL in client.get(case_url(task_state)).content.decode()

    response = client.post(case_url(task_state), {**record_data(), "record-editorial_change": "on"})

    assert response.status_code == 302
    current = AdoptedVersion.objects.get(document=riktlinje, superseded_at__isnull=True)
    assert current.editorial_change
    assert not must_confirm(w["reader"], reload(riktlinje))


def test_a_first_adoption_and_a_proposal_offer_no_such_choice(w):
    people = w["people"]
    draft = make_draft("policy", "kf", title="Ny policy för kameraövervakning")
    task_state = run_to_step(people, draft, KS_PROPOSAL, people.redaktor)
    page = client_for(people.sekreterare).get(case_url(task_state)).content.decode()
    assert "Registrera beslut" in page
    assert LABEL not in page

    rutin = make_draft("rutin", "kommundirektor", title="Helt ny rutin")
    task_state = run_to_step(people, rutin, KD_DECISION, people.redaktor)
    page = client_for(people.kommundirektor).get(case_url(task_state)).content.decode()
    assert "Beslutsdatum" in page
    assert LABEL not in page


def test_a_forged_choice_on_a_first_adoption_is_ignored(w):
    people = w["people"]
    rutin = make_draft("rutin", "kommundirektor", title="Ännu en ny rutin")
    task_state = run_to_step(people, rutin, KD_DECISION, people.redaktor)
    url = f"/admin/pages/workflow/action/{rutin.pk}/approve/{task_state.pk}/"
    posted = {
        "decision_date": str(days_ago(1)),
        "diarienummer": "KS-2025-78",
        "comment": "",
        "editorial_change": "on",
    }
    response = client_for(people.kommundirektor).post(url, posted, **XHR)
    assert response.status_code == 200
    assert not AdoptedVersion.objects.get(document=rutin).editorial_change
