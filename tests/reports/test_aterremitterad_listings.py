"""Återremitterad wherever decisions are listed (issue 19).

A return is "Återremitterad" in every Styrdok listing of decisions and workflow outcomes, also
after the editor withdrew the returned run: the Beslutsärenden report (its status column, its
status filter and its CSV), the Beslutshistorik, the yearly report, the e-mail to the submitter
and the submitter's dashboard. Never "Avbruten eller avslagen".
"""

import csv
import datetime
import io

import pytest

from reports.annual_report import build_report
from tests.governance.outbox_helpers import delivered
from tests.governance.workflow_helpers import (
    KS_DECISION,
    REVIEW,
    case_url,
    client_for,
    history_rows,
    history_url,
    make_draft,
    record_data,
    reject_data,
    run_to_step,
    soup,
    start,
    text_of,
    workflow_state,
)

pytestmark = pytest.mark.django_db

REPORT = "/admin/rapporter/beslutsarenden/"
RETURNED = "Återremitterad"


def report_statuses(client, **params):
    table = soup(client.get(REPORT, params)).select_one("table.listing")
    if table is None:
        return {}
    return {
        text_of(tr.select("td")[0]): text_of(tr.select("td")[4]) for tr in table.select("tbody tr")
    }


def returned_by_ks(people, title, withdraw=False):
    """A riktlinje that KS sent back (återremiss), the run withdrawn afterwards if asked."""
    page = make_draft("riktlinje", "ks", title=title)
    task_state = run_to_step(people, page, KS_DECISION, people.redaktor)
    response = client_for(people.sekreterare).post(
        case_url(task_state),
        record_data(
            outcome="aterremitterad", comment="Komplettera med en konsekvensanalys.", paragraph=71
        ),
    )
    assert response.status_code == 302
    if withdraw:
        workflow_state(page).cancel(user=people.redaktor)
    return page


def returned_by_review(people, title):
    """A riktlinje that Granskning returned ("Begär ändringar") and its editor withdrew."""
    page = make_draft("riktlinje", "ks", title=title)
    task_state = run_to_step(people, page, REVIEW, people.redaktor)
    response = client_for(people.samordnare).post(case_url(task_state), reject_data())
    assert response.status_code == 302
    workflow_state(page).cancel(user=people.redaktor)
    return page


@pytest.fixture
def cases(people):
    returned_by_ks(people, "Återremiss som väntar")
    returned_by_ks(people, "Återremiss som drogs tillbaka", withdraw=True)
    returned_by_review(people, "Granskningen begärde ändringar")
    withdrawn = make_draft("riktlinje", "ks", title="Avbrutet ärende")
    start(withdrawn, people.redaktor)
    workflow_state(withdrawn).cancel(user=people.redaktor)
    refused = make_draft("riktlinje", "ks", title="Avslaget ärende")
    task_state = run_to_step(people, refused, KS_DECISION, people.redaktor)
    client_for(people.sekreterare).post(
        case_url(task_state), record_data(outcome="avslagen", comment="Avslås.")
    )
    return people


def test_the_beslutsarenden_report_says_aterremitterad_for_every_return(cases):
    statuses = report_statuses(client_for(cases.samordnare))
    assert statuses["Återremiss som väntar"] == RETURNED
    assert statuses["Återremiss som drogs tillbaka"] == RETURNED
    assert statuses["Granskningen begärde ändringar"] == RETURNED
    assert statuses["Avbrutet ärende"] == "Avbruten"
    assert statuses["Avslaget ärende"] == "Avslagen"


def test_the_status_filter_finds_every_return_under_aterremitterad(cases):
    client = client_for(cases.samordnare)
    options = [
        text_of(option) for option in soup(client.get(REPORT)).select("select[name=status] option")
    ]
    assert options == ["Alla", "Pågår", RETURNED, "Beslutad", "Avslagen eller avbruten"]
    assert "Avbruten eller avslagen" not in options

    assert set(report_statuses(client, status="needs_changes")) == {
        "Återremiss som väntar",
        "Återremiss som drogs tillbaka",
        "Granskningen begärde ändringar",
    }
    assert set(report_statuses(client, status="cancelled")) == {
        "Avbrutet ärende",
        "Avslaget ärende",
    }


def test_the_csv_export_says_aterremitterad(cases):
    export = client_for(cases.samordnare).get(REPORT, {"export": "csv", "status": "needs_changes"})
    content = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = {row[0]: row[4] for row in list(csv.reader(io.StringIO(content), delimiter=";"))[1:]}
    assert rows == {
        "Återremiss som väntar": RETURNED,
        "Återremiss som drogs tillbaka": RETURNED,
        "Granskningen begärde ändringar": RETURNED,
    }


def test_the_beslutshistorik_says_aterremitterad(people):
    page = returned_by_ks(people, "Återremiss i historiken", withdraw=True)
    rows = history_rows(client_for(people.samordnare).get(history_url(page)))
    returned = [row for row in rows if row[1] == RETURNED]
    assert len(returned) == 1
    assert returned[0][5] == "§ 71"
    assert not any("Avbruten eller avslagen" in cell for row in rows for cell in row)


def test_the_yearly_report_says_aterremitterad(people):
    page = returned_by_ks(people, "Återremiss i årsrapporten", withdraw=True)
    today = datetime.date.today()
    report = build_report(today.replace(month=1, day=1), today, user=people.samordnare)
    outcomes = [row.outcome for row in report.decisions if row.title == page.title]
    assert outcomes == [RETURNED]

    response = client_for(people.samordnare).get(
        "/admin/rapporter/arlig-genomgang/",
        {"fran": f"{today:%Y}-01-01", "till": f"{today:%Y-%m-%d}"},
    )
    table = soup(response).select_one("table.annual-report__decisions")
    rows = [[text_of(cell) for cell in tr.select("td, th")] for tr in table.select("tbody tr")]
    assert [row[4] for row in rows if row[1] == page.title] == [RETURNED]


def test_the_e_mail_and_the_dashboard_say_aterremitterat(people):
    delivered()
    page = returned_by_ks(people, "Återremiss i brevlådan")
    mails = [m for m in delivered() if people.redaktor.email in m.to]
    # The steps before it were approved ("Godkänt: …"); the last message is the återremiss.
    assert mails[-1].subject == f"Återremitterat: {page.title} – {KS_DECISION}"
    assert "har återremitterats" in mails[-1].body
    assert not any("avbrut" in m.subject.lower() or "avslag" in m.subject.lower() for m in mails)

    dashboard = soup(client_for(people.redaktor).get("/admin/"))
    panel = dashboard.select_one("[aria-labelledby=mina-arenden-rubrik]") or dashboard
    assert "Återremitterat – gör ändringar och skicka in igen" in text_of(panel)
