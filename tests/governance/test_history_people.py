"""People, not usernames, and a readable decision history (issue 13, items 9 and 1).

Before this change the Dokumentansvarig chooser listed usernames, inactive users included; the
Beslutshistorik was newest first and showed an official's decision by the organ only, without
who recorded it; a resubmission after återremiss was not shown as a new round; and the
Beslutsärenden report called a withdrawn återremiss "Avbruten eller avslagen".
"""

import csv
import io

import pytest
from wagtail.models import WorkflowState

from governance.models import Assignment
from policies.models import RiktlinjePage
from tests.factories import get_role, make_kommun, make_user

from .workflow_helpers import (
    KD_DECISION,
    KS_DECISION,
    REVIEW,
    advance,
    case_url,
    client_for,
    edit_url,
    history_rounds,
    history_rows,
    history_url,
    make_draft,
    name_of,
    page_form_data,
    record_data,
    reload,
    run_to_step,
    soup,
    start,
    text_of,
    workflow_state,
)

pytestmark = pytest.mark.django_db

REPORT = "/admin/rapporter/beslutsarenden/"


# -- the Dokumentansvarig chooser ----------------------------------------------------------


@pytest.fixture
def staff(db):
    kommun = make_kommun()
    anna = make_user("anna.a", first_name="Anna", last_name="Andersson")
    Assignment.objects.create(
        user=anna, role=get_role("informationssakerhetssamordnare"), organisation=kommun
    )
    bertil = make_user("bertil.b", first_name="Bertil", last_name="Berg", is_active=False)
    cecilia = make_user("cecilia.c", first_name="Cecilia", last_name="Carlsson")
    for code in ("dataskyddsombud", "stabschef"):
        Assignment.objects.create(user=cecilia, role=get_role(code), organisation=kommun)
    return {"anna": anna, "bertil": bertil, "cecilia": cecilia}


def responsible_options(response):
    select = soup(response).select_one("select[name=responsible]")
    assert select is not None, "no Dokumentansvarig chooser"
    return {
        text_of(option): option.get("value")
        for option in select.select("option")
        if option.get("value")
    }


def test_the_chooser_lists_active_people_by_name_and_role(people, staff):
    page = make_draft("riktlinje", "ks", title="Riktlinje utan ansvarig")

    response = client_for(people.redaktor).get(edit_url(page))

    assert response.status_code == 200
    options = responsible_options(response)
    assert options["Anna Andersson – Informationssäkerhetssamordnare"] == str(staff["anna"].pk)
    # Several uppdrag: every role, in the roles' own order.
    assert options["Cecilia Carlsson – Stabschef, Dataskyddsombud"] == str(staff["cecilia"].pk)
    assert "Åsa Ägare" in options  # a person without an uppdrag: the name alone
    labels = " | ".join(options)
    assert "Bertil" not in labels
    for user in (staff["anna"], staff["cecilia"], people.agare):
        assert user.get_username() not in options


def test_an_inactive_current_owner_stays_selected_and_marked(people, staff):
    page = make_draft(
        "riktlinje", "ks", title="Riktlinje med gammal ägare", responsible=staff["bertil"]
    )
    client = client_for(people.redaktor)

    response = client.get(edit_url(page))

    options = responsible_options(response)
    assert options["Bertil Berg (inaktiv)"] == str(staff["bertil"].pk)
    selected = soup(response).select_one("select[name=responsible] option[selected]")
    assert selected is not None and text_of(selected) == "Bertil Berg (inaktiv)"

    data = page_form_data(RiktlinjePage, "Riktlinje med gammal ägare", page.slug, "ks")
    data["responsible"] = str(staff["bertil"].pk)
    assert client.post(edit_url(page), data).status_code == 302
    assert reload(page).get_latest_revision_as_object().responsible_id == staff["bertil"].pk


def test_an_inactive_person_cannot_be_chosen_for_another_document(people, staff):
    page = make_draft("riktlinje", "ks", title="Riktlinje, ny ägare")
    data = page_form_data(RiktlinjePage, "Riktlinje, ny ägare", page.slug, "ks")
    data["responsible"] = str(staff["bertil"].pk)

    response = client_for(people.redaktor).post(edit_url(page), data)

    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in text_of(soup(response))
    assert reload(page).get_latest_revision_as_object().responsible_id is None


# -- the Beslutshistorik ---------------------------------------------------------------------


def test_the_history_is_oldest_first_with_organ_and_person(people):
    page = make_draft("riktlinje", "kommundirektor", title="Riktlinje på delegation")
    start(page, people.redaktor)
    advance(people, page, steps=2)
    assert reload(page).live

    client = client_for(people.redaktor)
    # The admin's Beslutshistorik and the intranet page show the same rows.
    for response in (client.get(history_url(page)), client.get(page.get_url_parts()[2])):
        assert response.status_code == 200
        rows = history_rows(response)
        # Datum, Händelse, Organ, Vem, Steg, §, Dnr, Kommentar
        assert [row[1:5] for row in rows] == [
            ["Inskickat för granskning och beslut", "", name_of(people.redaktor), ""],
            ["Godkänt", "", name_of(people.samordnare), REVIEW],
            ["Beslutad", "Kommundirektör", name_of(people.kommundirektor), KD_DECISION],
        ]
        assert rows[-1][6] == "KS-2025-77"


@pytest.fixture
def returned_once(people):
    """A KS riktlinje sent back by KS (återremiss) and resubmitted by the editor."""
    page = make_draft("riktlinje", "ks", title="Riktlinje i två omgångar", diarienummer="KS-2026-5")
    task_state = run_to_step(people, page, KS_DECISION, people.redaktor)
    client_for(people.sekreterare).post(
        case_url(task_state),
        record_data(outcome="aterremitterad", diarienummer="KS-2026-5", comment="Komplettera."),
    )
    assert workflow_state(page).status == WorkflowState.STATUS_NEEDS_CHANGES
    data = page_form_data(RiktlinjePage, "Riktlinje i två omgångar", page.slug, "ks")
    data["action-submit"] = "1"
    assert client_for(people.redaktor).post(edit_url(page), data).status_code == 302
    return page


def test_a_resubmission_after_aterremiss_is_a_new_round(people, returned_once):
    page = returned_once

    # The admin's Beslutshistorik and the case page of the step now waiting.
    for response in (
        client_for(people.redaktor).get(history_url(page)),
        client_for(people.redaktor).get(case_url(workflow_state(page).current_task_state)),
    ):
        assert response.status_code == 200
        rounds = history_rounds(response)
        assert [label for label, _events in rounds] == ["Omgång 1", "Omgång 2"]
        first, second = (events for _label, events in rounds)
        assert first[0] == "Inskickat för granskning och beslut"
        assert first[-1] == "Återremitterad"
        assert second[0] in {
            "Inskickat igen efter ändringar",
            "Inskickat för granskning och beslut",
        }
        returned = [row for row in history_rows(response) if row[1] == "Återremitterad"]
        assert [row[2:4] for row in returned] == [["Kommunstyrelsen", name_of(people.sekreterare)]]


def test_a_single_round_has_no_round_heading(people):
    page = make_draft("riktlinje", "kommundirektor", title="Riktlinje i en omgång")
    start(page, people.redaktor)
    advance(people, page, steps=2)

    rounds = history_rounds(client_for(people.redaktor).get(history_url(page)))

    assert [label for label, _events in rounds] == [""]


# -- "Återremitterad" in the Beslutsärenden report -------------------------------------------


def report_statuses(response):
    table = soup(response).select_one("table.listing")
    return {
        text_of(tr.select("td")[0]): text_of(tr.select("td")[4]) for tr in table.select("tbody tr")
    }


def test_the_report_calls_a_returned_run_aterremitterad(people):
    # The editor withdraws the run after the återremiss: still a returned case, not "Avbruten".
    withdrawn = make_draft("riktlinje", "ks", title="Återremiss som drogs tillbaka")
    task_state = run_to_step(people, withdrawn, KS_DECISION, people.redaktor)
    client_for(people.sekreterare).post(
        case_url(task_state),
        record_data(outcome="aterremitterad", comment="Tas om från början."),
    )
    workflow_state(withdrawn).cancel(user=people.redaktor)
    cancelled = make_draft("riktlinje", "ks", title="Avbrutet ärende")
    start(cancelled, people.redaktor)
    workflow_state(cancelled).cancel(user=people.redaktor)
    refused = make_draft("riktlinje", "ks", title="Avslaget ärende")
    task_state = run_to_step(people, refused, KS_DECISION, people.redaktor)
    client_for(people.sekreterare).post(
        case_url(task_state), record_data(outcome="avslagen", comment="Avslås.")
    )
    response = client_for(people.samordnare).get(REPORT)

    assert response.status_code == 200
    statuses = report_statuses(response)
    assert statuses["Återremiss som drogs tillbaka"] == "Återremitterad"
    assert statuses["Avbrutet ärende"] == "Avbruten"
    assert statuses["Avslaget ärende"] == "Avslagen"
    assert "Avbruten eller avslagen" not in statuses.values()

    export = client_for(people.samordnare).get(REPORT, {"export": "csv"})
    content = b"".join(export.streaming_content).decode("utf-8-sig")
    exported = {row[0]: row[4] for row in csv.reader(io.StringIO(content), delimiter=";")}
    assert exported["Återremiss som drogs tillbaka"] == "Återremitterad"
    assert exported["Avbrutet ärende"] == "Avbruten"
    assert exported["Avslaget ärende"] == "Avslagen"


def test_the_report_calls_a_run_waiting_after_aterremiss_aterremitterad(people):
    page = make_draft("riktlinje", "ks", title="Väntar efter återremiss")
    task_state = run_to_step(people, page, KS_DECISION, people.redaktor)
    client_for(people.sekreterare).post(
        case_url(task_state), record_data(outcome="aterremitterad", comment="Komplettera.")
    )

    statuses = report_statuses(client_for(people.samordnare).get(REPORT))

    assert statuses["Väntar efter återremiss"] == "Återremitterad"
