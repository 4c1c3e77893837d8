"""Beslutshistorik: every step and decision of a document, on the intranet and in the admin,
never on the public website."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from policies.models import RiktlinjePage
from tests.factories import PUBLIC_HOST

from .workflow_helpers import (
    KD_FORWARDS,
    KS_DECISION,
    REVIEW,
    approve_data,
    case_url,
    client_for,
    current_task_state,
    edit_url,
    history_rows,
    history_url,
    make_draft,
    name_of,
    page_form_data,
    page_text,
    record_data,
    reload,
    soup,
    start,
    text_of,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 11, 20, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
PROTOCOL_URL = "https://exempelkommun.se/protokoll/ks-2025-11-19.pdf"


@pytest.fixture
def ks_run_with_return(people):
    """A riktlinje through the KS workflow: KS returns it once, then adopts the revised draft."""
    with time_machine.travel(NOW, tick=False):
        page = make_draft(
            "riktlinje", "ks", title="Riktlinje för behörigheter", responsible=people.agare
        )
        start(page, people.redaktor)
        client_for(people.samordnare).post(
            case_url(current_task_state(page)), approve_data("Granskad utan synpunkter.")
        )
        client_for(people.kommundirektor).post(
            case_url(current_task_state(page)), approve_data("Överlämnas till kommunstyrelsen.")
        )
        client_for(people.sekreterare).post(
            case_url(current_task_state(page)),
            record_data(
                outcome="aterremitterad",
                meeting_date="2025-11-12",
                paragraph="201",
                diarienummer="KS 2025/88",
                comment="Komplettera med leverantörernas ansvar.",
            ),
        )
        data = page_form_data(RiktlinjePage, "Riktlinje för behörigheter", page.slug, "ks")
        data["action-submit"] = "1"
        assert client_for(people.redaktor).post(edit_url(page), data).status_code == 302
        assert current_task_state(page).task.name == KS_DECISION
        client_for(people.sekreterare).post(
            case_url(current_task_state(page)),
            record_data(
                meeting_date="2025-11-19",
                paragraph="245",
                diarienummer="KS 2025/88",
                protocol_reference="Kommunstyrelsens protokoll 2025-11-19",
                protocol_url=PROTOCOL_URL,
            ),
        )
    page = reload(page)
    assert page.live
    return page


def expected_rows(people):
    secretary = name_of(people.sekreterare)
    # Datum, Händelse, Organ, Vem, Steg, §, Dnr, Kommentar – oldest first.
    return [
        [
            "2025-11-20",
            "Inskickat för granskning och beslut",
            "",
            name_of(people.redaktor),
            "",
            "",
            "",
            "",
        ],
        [
            "2025-11-20",
            "Godkänt",
            "",
            name_of(people.samordnare),
            REVIEW,
            "",
            "",
            "Granskad utan synpunkter.",
        ],
        [
            "2025-11-20",
            "Godkänt",
            "",
            name_of(people.kommundirektor),
            KD_FORWARDS,
            "",
            "",
            "Överlämnas till kommunstyrelsen.",
        ],
        [
            "2025-11-12",
            "Återremitterad",
            "Kommunstyrelsen",
            secretary,
            KS_DECISION,
            "§ 201",
            "KS-2025-88",
            "Komplettera med leverantörernas ansvar.",
        ],
        [
            "2025-11-20",
            "Inskickat igen efter ändringar",
            "",
            name_of(people.redaktor),
            KS_DECISION,
            "",
            "",
            "",
        ],
        [
            "2025-11-19",
            "Beslutad",
            "Kommunstyrelsen",
            secretary,
            KS_DECISION,
            "§ 245",
            "KS-2025-88",
            "Kommunstyrelsens protokoll 2025-11-19",
        ],
    ]


def test_the_intranet_page_shows_the_decision_history(people, ks_run_with_return):
    page = ks_run_with_return

    response = client_for(people.redaktor).get(page.get_url_parts()[2])

    assert response.status_code == 200
    section = soup(response).find(id="beslutshistorik-rubrik")
    assert section is not None and text_of(section) == "Beslutshistorik"
    assert history_rows(response) == expected_rows(people)
    link = soup(response).find("a", string="Kommunstyrelsens protokoll 2025-11-19")
    assert link is not None and link["href"] == PROTOCOL_URL


def test_the_admin_shows_the_decision_history(people, ks_run_with_return):
    page = ks_run_with_return

    response = client_for(people.redaktor).get(history_url(page))

    assert response.status_code == 200
    assert "Beslutshistorik" in page_text(response)
    assert history_rows(response) == expected_rows(people)


def test_the_case_page_shows_the_history_so_far(people, ks_run_with_return):
    page = ks_run_with_return
    last_step = page.workflow_states.order_by("-pk")[0].current_task_state

    response = client_for(people.sekreterare).get(case_url(last_step))

    assert response.status_code == 200
    assert history_rows(response) == expected_rows(people)


def test_the_public_site_does_not_show_the_history(people, ks_run_with_return):
    page = ks_run_with_return

    response = client_for(None, host=PUBLIC_HOST).get(page.get_url_parts()[2])

    assert response.status_code == 200
    text = page_text(response)
    assert "Riktlinje för behörigheter" in text
    assert "Beslutshistorik" not in text
    assert soup(response).select_one("table.history-table") is None
    for private in (
        name_of(people.sekreterare),
        name_of(people.samordnare),
        "Komplettera med leverantörernas ansvar.",
        "Granskad utan synpunkter.",
    ):
        assert private not in text
    # The decision itself is public.
    assert "KS-2025-88" in text and "§ 245" in text


def test_a_document_without_decisions_says_so(people):
    page = make_draft("riktlinje", "ks")

    response = client_for(people.redaktor).get(history_url(page))

    assert response.status_code == 200
    assert "Inga beslut eller granskningssteg är registrerade ännu." in page_text(response)


def test_a_restricted_documents_history_is_hidden_from_staff_outside_its_groups(
    people, ks_run_with_return
):
    from django.contrib.auth.models import Group

    page = ks_run_with_return
    group = Group.objects.create(name="Säkerhetsskyddschefer")
    page.restricted_to = [group]
    page.save()

    outsider = client_for(people.redaktor)
    assert outsider.get(history_url(page)).status_code == 404

    people.redaktor.groups.add(group)
    assert outsider.get(history_url(page)).status_code == 200


def test_the_history_of_an_unknown_document_is_a_404(people):
    response = client_for(people.redaktor).get("/admin/beslutshistorik/999999/")

    assert response.status_code == 404
