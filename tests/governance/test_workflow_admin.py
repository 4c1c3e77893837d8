"""The admin around the workflow: the dashboard panels and the Beslutsärenden report."""

import csv
import io

import openpyxl
import pytest
from wagtail.models import WorkflowState

from policies.models import RiktlinjePage
from tests.factories import get_body, make_document

from .workflow_helpers import (
    DELEGATION,
    KD_DECISION,
    KD_WORKFLOW,
    KF_WORKFLOW,
    KS_DECISION,
    KS_WORKFLOW,
    advance,
    case_url,
    client_for,
    current_task_state,
    is_refused,
    make_draft,
    name_of,
    panel,
    record_data,
    reject_data,
    run_to_step,
    second_coordinator,
    soup,
    start,
    text_of,
    workflow_state,
)

pytestmark = pytest.mark.django_db

ATT_BESLUTA = "att-besluta-rubrik"
MINA_ARENDEN = "mina-arenden-rubrik"
EVERYONE = (
    "redaktor",
    "samordnare",
    "kommundirektor",
    "stabschef",
    "verksamhetschef",
    "sekreterare",
    "agare",
    "admin",
)


def dashboard_panel(user, heading_id):
    response = client_for(user).get("/admin/")
    assert response.status_code == 200
    return panel(response, heading_id)


def pending_rows(user):
    """Att besluta as the user sees it: [(document, step, submitter, link)]."""
    section = dashboard_panel(user, ATT_BESLUTA)
    if section is None:
        return []
    rows = []
    for row in section.select("tbody tr"):
        cells = row.select("td")
        rows.append((text_of(cells[0]), text_of(cells[1]), text_of(cells[2]), cells[0].a["href"]))
    return rows


def case_rows(user):
    """Mina ärenden as the user sees it: [(document, where it stands)]."""
    section = dashboard_panel(user, MINA_ARENDEN)
    if section is None:
        return []
    return [
        (text_of(row.select("td")[0]), text_of(row.select("td")[1]))
        for row in section.select("tbody tr")
    ]


# -- Att besluta ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "approvers"),
    [
        # The superuser may act on review and recorded steps, so they see them too.
        ("Granskning", {"samordnare", "admin"}),
        (KD_DECISION, {"kommundirektor"}),
    ],
)
def test_att_besluta_lists_the_task_for_its_approvers_only(people, step, approvers):
    page = make_draft("riktlinje", "kommundirektor", title="Riktlinje för kryptering")
    task_state = run_to_step(people, page, step, people.redaktor)

    for who in EVERYONE:
        rows = pending_rows(people[who])
        if who in approvers:
            assert rows == [
                ("Riktlinje för kryptering", step, name_of(people.redaktor), case_url(task_state))
            ], who
        else:
            assert rows == [], who


def test_att_besluta_for_the_secretary_and_a_delegated_official(people):
    ks_doc = make_draft("riktlinje", "ks", title="KS-riktlinjen")
    run_to_step(people, ks_doc, KS_DECISION, people.redaktor)
    rutin = make_draft("rutin", "verksamhetschef", title="Verksamhetens rutin")
    run_to_step(people, rutin, "Beslut av beslutsfattaren", people.redaktor)

    assert [row[:2] for row in pending_rows(people.sekreterare)] == [("KS-riktlinjen", KS_DECISION)]
    assert [row[:2] for row in pending_rows(people.verksamhetschef)] == [
        ("Verksamhetens rutin", "Beslut av beslutsfattaren")
    ]
    # Another official's rutin is not the stabschef's to decide.
    assert pending_rows(people.stabschef) == []


def test_att_besluta_never_lists_my_own_submission(people):
    second_coordinator()
    page = make_draft("riktlinje", "kommundirektor", title="Samordnarens förslag")
    start(page, people.samordnare)

    assert pending_rows(people.samordnare) == []
    assert [row[0] for row in pending_rows(people.admin)] == ["Samordnarens förslag"]


def test_a_finished_task_leaves_att_besluta(people):
    page = make_draft("riktlinje", "kommundirektor", title="Riktlinje")
    start(page, people.redaktor)
    assert len(pending_rows(people.samordnare)) == 1

    advance(people, page)

    assert pending_rows(people.samordnare) == []
    assert len(pending_rows(people.kommundirektor)) == 1


# -- Mina ärenden ---------------------------------------------------------------------------------


def test_mina_arenden_follows_the_editors_documents(people):
    submitted = make_draft(
        "riktlinje", "ks", title="Inskickad riktlinje", user=people.redaktor, owner=people.redaktor
    )
    start(submitted, people.redaktor)
    make_draft("riktlinje", "ks", title="Mitt utkast", user=people.redaktor)
    adopted = make_document(RiktlinjePage, title="Gällande riktlinje", user=people.redaktor)
    adopted.get_latest_revision_as_object().save_revision(user=people.redaktor)
    make_draft("riktlinje", "ks", title="Någon annans utkast", user=people.redaktor2)

    assert sorted(case_rows(people.redaktor)) == sorted(
        [
            ("Inskickad riktlinje", f"{KS_WORKFLOW}: Granskning (väntar på beslut)"),
            ("Mitt utkast", "Utkast – inte inskickat"),
            ("Gällande riktlinje", "Utkast till ny version – inte inskickat"),
        ]
    )

    advance(people, submitted)
    assert (
        "Inskickad riktlinje",
        f"{KS_WORKFLOW}: Kommundirektören överlämnar förslag (väntar på beslut)",
    ) in case_rows(people.redaktor)

    client_for(people.kommundirektor).post(
        case_url(current_task_state(submitted)), reject_data("Beskriv undantagen.")
    )
    assert (
        "Inskickad riktlinje",
        "Återremitterat – gör ändringar och skicka in igen",
    ) in case_rows(people.redaktor)
    # The panel is personal.
    assert "Inskickad riktlinje" not in [row[0] for row in case_rows(people.redaktor2)]


def test_an_adopted_document_leaves_mina_arenden(people):
    page = make_draft("riktlinje", "kommundirektor", title="Snart beslutad", user=people.redaktor)
    start(page, people.redaktor)
    advance(people, page, steps=2)

    assert workflow_state(page).status == WorkflowState.STATUS_APPROVED
    assert "Snart beslutad" not in [row[0] for row in case_rows(people.redaktor)]


# -- the Beslutsärenden report --------------------------------------------------------------------

REPORT = "/admin/rapporter/beslutsarenden/"


@pytest.fixture
def cases(people):
    """Four runs in different states, one per workflow."""
    running = make_draft("riktlinje", "ks", title="Pågående riktlinje")
    run_to_step(people, running, "Kommundirektören överlämnar förslag", people.redaktor)

    decided = make_draft("riktlinje", "kommundirektor", title="Beslutad riktlinje")
    start(decided, people.redaktor)
    advance(people, decided, steps=2)

    returned = make_draft("rutin", "stabschef", title="Återremitterad rutin")
    second_coordinator()
    start(returned, people.samordnare)
    client_for(people.admin).post(
        case_url(current_task_state(returned)), reject_data("Ange vem som gör vad.")
    )

    refused = make_draft("policy", "kf", title="Avslagen policy")
    task_state = run_to_step(people, refused, "KF-beslut", people.redaktor)
    client_for(people.sekreterare).post(
        case_url(task_state), record_data(outcome="avslagen", comment="Avslås.")
    )
    return {"running": running, "decided": decided, "returned": returned, "refused": refused}


def report_rows(response):
    table = soup(response).select_one("table.listing")
    if table is None:
        return []
    return [[text_of(td) for td in tr.select("td")][:7] for tr in table.select("tbody tr")]


def test_the_report_lists_running_and_finished_runs(people, cases):
    response = client_for(people.redaktor).get(REPORT)

    assert response.status_code == 200
    assert "Beslutsärenden" in response.content.decode()
    rows = report_rows(response)
    # Newest first: Dokument, Dokumenttyp, Beslutande organ, Arbetsflöde, Status, Aktuellt steg,
    # Inskickat av.
    assert rows == [
        [
            "Avslagen policy",
            "Policy",
            "Kommunfullmäktige",
            KF_WORKFLOW,
            "Avslagen",
            "",
            name_of(people.redaktor),
        ],
        [
            "Återremitterad rutin",
            "Rutin",
            "Stabschef",
            DELEGATION,
            "Återremitterad",
            "",
            name_of(people.samordnare),
        ],
        [
            "Beslutad riktlinje",
            "Riktlinje",
            "Kommundirektör",
            KD_WORKFLOW,
            "Beslutad",
            "",
            name_of(people.redaktor),
        ],
        [
            "Pågående riktlinje",
            "Riktlinje",
            "Kommunstyrelsen",
            KS_WORKFLOW,
            "Pågår",
            "Kommundirektören överlämnar förslag",
            name_of(people.redaktor),
        ],
    ]


# Filter -> the documents whose runs are listed, newest first.
FILTERS = [
    ({"decision_body": "ks"}, ["Pågående riktlinje"]),
    ({"decision_body": "kommundirektor"}, ["Beslutad riktlinje"]),
    ({"decision_body": "stabschef"}, ["Återremitterad rutin"]),
    ({"document_type": "riktlinje"}, ["Beslutad riktlinje", "Pågående riktlinje"]),
    ({"document_type": "rutin"}, ["Återremitterad rutin"]),
    ({"document_type": "policy"}, ["Avslagen policy"]),
    ({"document_type": "program"}, []),
    ({"status": "approved"}, ["Beslutad riktlinje"]),
    ({"status": "in_progress"}, ["Pågående riktlinje"]),
    ({"status": "needs_changes"}, ["Återremitterad rutin"]),
    ({"status": "cancelled"}, ["Avslagen policy"]),
    ({"decision_body": "kf", "status": "cancelled"}, ["Avslagen policy"]),
    ({"document_type": "riktlinje", "status": "in_progress"}, ["Pågående riktlinje"]),
    ({"document_type": "riktlinje", "status": "needs_changes"}, []),
]


def test_the_report_filters(people, cases):
    client = client_for(people.redaktor)
    for query, titles in FILTERS:
        params = dict(query)
        if "decision_body" in params:
            params["decision_body"] = get_body(params["decision_body"]).pk

        response = client.get(REPORT, params)

        assert response.status_code == 200, query
        assert [row[0] for row in report_rows(response)] == titles, query
        if not titles:
            assert "Inga beslutsärenden matchar filtret." in response.content.decode(), query


def test_the_report_exports_csv(people, cases):
    response = client_for(people.redaktor).get(
        REPORT, {"export": "csv", "decision_body": get_body("ks").pk}
    )

    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0] == [
        "Dokument",
        "Dokumenttyp",
        "Beslutande organ",
        "Arbetsflöde",
        "Status",
        "Aktuellt steg",
        "Inskickat av",
        "Startad",
    ]
    assert [row[:7] for row in rows[1:]] == [
        [
            "Pågående riktlinje",
            "Riktlinje",
            "Kommunstyrelsen",
            KS_WORKFLOW,
            "Pågår",
            "Kommundirektören överlämnar förslag",
            name_of(people.redaktor),
        ]
    ]


def test_the_report_exports_xlsx(people, cases):
    response = client_for(people.redaktor).get(REPORT, {"export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert values[0][:5] == ["Dokument", "Dokumenttyp", "Beslutande organ", "Arbetsflöde", "Status"]
    assert sorted((row[0], row[4]) for row in values[1:]) == [
        ("Avslagen policy", "Avslagen"),
        ("Beslutad riktlinje", "Beslutad"),
        ("Pågående riktlinje", "Pågår"),
        ("Återremitterad rutin", "Återremitterad"),
    ]


@pytest.mark.parametrize("who", ["kommundirektor", "sekreterare"])
def test_the_report_is_for_those_who_work_with_documents(people, who):
    assert is_refused(client_for(people[who]).get(REPORT))


def test_the_report_shows_the_body_that_decides_the_run(people):
    """The next version of a KS riktlinje goes to the kommundirektör: the run is the KD's."""
    page = make_document(RiktlinjePage, title="Riktlinje, ny version", decision_body=get_body("ks"))
    draft = page.get_latest_revision_as_object()
    draft.decision_body = get_body("kommundirektor")
    draft.save_revision(user=people.samordnare)
    second_coordinator()
    start(page, people.samordnare)
    assert workflow_state(page).workflow.name == KD_WORKFLOW

    response = client_for(people.redaktor).get(
        REPORT, {"decision_body": get_body("kommundirektor").pk}
    )

    assert [row[:3] for row in report_rows(response)] == [
        ["Riktlinje, ny version", "Riktlinje", "Kommundirektör"]
    ]
