"""Helpers for the approval-workflow tests: clients, form data, running steps, reading results.

Everything a test does that a user would do goes through the Django test client (the page editor,
the case page /admin/arenden/<id>/, the dashboard, the report). Only setting the scene (a draft, a
run already at some step) is done through the models, to keep the suite quick.
"""

import datetime
import html
from dataclasses import dataclass

from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from governance.workflows import RecordedDecisionTask
from policies.models import (
    PolicyPage,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
    Styrdokument,
)
from tests.factories import INTRANET_HOST, get_body, make_document

# The workflow each deciding body uses, and its steps in order (governance/setup.py).
DELEGATION = "Rutin och stödanvisning – beslut på delegation"
KD_WORKFLOW = "Kommundirektörens beslut"
KS_WORKFLOW = "Riktlinje – beslut i kommunstyrelsen"
KF_WORKFLOW = "Policy och program – beslut i kommunfullmäktige"

REVIEW = "Granskning"
OFFICIAL_DECISION = "Beslut av beslutsfattaren"
KD_DECISION = "Kommundirektörens beslut"
KD_FORWARDS = "Kommundirektören överlämnar förslag"
KS_DECISION = "KS-beslut"
KS_PROPOSAL = "KS bereder och föreslår"
KF_DECISION = "KF-beslut"

# The page class of each document type.
PAGE_CLASSES = {
    "policy": PolicyPage,
    "program": PolicyPage,
    "riktlinje": RiktlinjePage,
    "rutin": RutinPage,
    "stodanvisning": StodanvisningPage,
}

SUCCESS = "Åtgärden är registrerad för"
NOT_ALLOWED = "Du kan inte utföra den åtgärden på det här steget."
FIX_ERRORS = "Rätta uppgifterna nedan. Inget har sparats ännu."
# Wagtail's admin answers a refused page view by sending the user to the dashboard with this.
NO_ACCESS = "Ledsen, du saknar rättigheter att tillträda detta område."


@dataclass
class People:
    redaktor: object
    redaktor2: object
    samordnare: object
    kommundirektor: object
    stabschef: object
    forvaltningschef: object
    verksamhetschef: object
    sekreterare: object
    agare: object
    admin: object

    def __getitem__(self, name):
        return getattr(self, name)


# -- clients and urls ----------------------------------------------------------------------


def client_for(user, host=INTRANET_HOST):
    """A browser session for `user` on the intranet host, where the admin lives."""
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


def add_url(parent, page_class):
    return f"/admin/pages/add/policies/{page_class._meta.model_name}/{parent.pk}/"


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def case_url(task_state):
    pk = task_state.pk if hasattr(task_state, "pk") else task_state
    return f"/admin/arenden/{pk}/"


def history_url(page):
    return f"/admin/beslutshistorik/{page.pk}/"


def compare_url(page, task_state):
    return f"/admin/arenden/dokument/{page.pk}/jamfor/live...{task_state.revision_id}/"


# -- reading responses ---------------------------------------------------------------------


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text_of(node):
    return " ".join(node.get_text(" ").split())


def page_text(response):
    return text_of(soup(response))


def messages_of(response):
    """The admin's flash messages as plain text (Wagtail stores them HTML-escaped)."""
    return [html.unescape(str(m)).strip() for m in get_messages(response.wsgi_request)]


def last_message(response):
    """The message this request added (earlier ones wait in the session until a page shows them)."""
    messages = messages_of(response)
    return messages[-1] if messages else None


def is_refused(response):
    """The admin refused the request: a redirect to the dashboard saying so (or a plain 403)."""
    if response.status_code == 403:
        return True
    return (
        response.status_code == 302
        and response["Location"] == "/admin/"
        and last_message(response) == NO_ACCESS
    )


def refused_on_case_page(response, task_state):
    """The case page refused the action: back to the case page, saying so."""
    return (
        response.status_code == 302
        and response["Location"] == case_url(task_state)
        and last_message(response) == NOT_ALLOWED
    )


def error_texts(response):
    return [text_of(e) for e in soup(response).select(".error-message")]


def action_forms(response):
    """The actions the case page offers this user: the hidden `action` input of each form."""
    return {
        node["value"]
        for node in soup(response).select("form input[type=hidden][name=action]")
        if node.get("value")
    }


def field_is_disabled(response, name):
    node = soup(response).select_one(f"form#page-edit-form [name={name}]")
    assert node is not None, f"no field {name} in the edit form"
    return node.has_attr("disabled")


def panel(response, heading_id):
    """The dashboard panel labelled by `heading_id`, or None when it is not shown."""
    heading = soup(response).find(id=heading_id)
    return heading.find_parent("section") if heading else None


def history_rows(response):
    table = soup(response).select_one("table.history-table")
    assert table is not None, "no Beslutshistorik table"
    headings = [text_of(th) for th in table.select("thead th")]
    assert headings == ["Datum", "Händelse", "Organ", "Vem", "Steg", "§", "Dnr", "Kommentar"]
    rows = [[text_of(td) for td in row.select("td")] for row in table.select("tbody tr")]
    return [row for row in rows if row]


def history_rounds(response):
    """The round headings of the Beslutshistorik ("Omgång 1", …) with their rows' Händelse."""
    table = soup(response).select_one("table.history-table")
    assert table is not None, "no Beslutshistorik table"
    return [
        (
            text_of(heading) if (heading := body.select_one("th[scope=rowgroup]")) else "",
            [text_of(row.select("td")[1]) for row in body.select("tr") if row.select("td")],
        )
        for body in table.select("tbody")
    ]


def subjects_by_recipient():
    """{email: [subject, …]} for every message delivered (the outbox's after-commit delivery
    run first: see outbox_helpers)."""
    from .outbox_helpers import subjects_by_recipient as delivered_subjects

    return delivered_subjects()


def name_of(user):
    return user.get_full_name() or user.get_username()


# -- documents -----------------------------------------------------------------------------


def parent_for(page_class):
    """Rutiner and stödanvisningar live under a riktlinje; the others under the register."""
    if page_class in (RutinPage, StodanvisningPage):
        return make_document(RiktlinjePage, title="Överordnad riktlinje")
    return None


def make_draft(doc_type, body_code, responsible=None, user=None, **fields):
    """A new document of `doc_type` not yet adopted, to be decided by `body_code`."""
    page_class = PAGE_CLASSES[doc_type]
    parent = fields.pop("parent", None) or parent_for(page_class)
    return make_document(
        page_class,
        parent=parent,
        publish=False,
        user=user,
        document_type=doc_type,
        decision_body=get_body(body_code),
        responsible=responsible,
        **fields,
    )


def second_coordinator(username="samordnare-kollega"):
    """Another member of the review group, so that a samordnare's own draft can be reviewed
    (with nobody else to review it, submitting it is refused)."""
    from django.contrib.auth.models import Group

    from tests.factories import make_user

    user = make_user(username, first_name="Kim", last_name="Kollega")
    user.groups.add(Group.objects.get(name="Informationssäkerhetssamordnare"))
    return user


def start(page, user):
    """Submit the latest revision to the workflow of the document's deciding body."""
    # As the editor's submit does: the workflow follows the body of the draft being submitted.
    page = Styrdokument.objects.get(pk=page.pk).specific.get_latest_revision_as_object()
    workflow = page.get_workflow()
    assert workflow is not None, f"{page} has no workflow"
    return workflow.start(page, user)


def workflow_state(page):
    """The document's latest run (None before its first submission)."""
    return (
        WorkflowState.objects.filter(object_id=str(page.pk)).order_by("-created_at", "-pk").first()
    )


def current_task_state(page):
    state = workflow_state(page)
    return state.current_task_state


def reload(page):
    return Styrdokument.objects.get(pk=page.pk).specific


def latest(page):
    return reload(page).get_latest_revision_as_object()


def today():
    return timezone.localdate()


def days_ago(days):
    return today() - datetime.timedelta(days=days)


# -- acting on steps -----------------------------------------------------------------------


def approve_data(comment="", decision_date=None, diarienummer=None):
    data = {"action": "approve", "approve-comment": comment}
    if decision_date is not None:
        data["approve-decision_date"] = str(decision_date)
    if diarienummer is not None:
        data["approve-diarienummer"] = diarienummer
    return data


def reject_data(comment="Förtydliga ansvaret för loggning."):
    return {"action": "reject", "reject-comment": comment}


def record_data(
    outcome="beslutad",
    meeting_date=None,
    paragraph="45",
    diarienummer="KS 2025/88",
    protocol_reference="",
    protocol_url="",
    comment="",
):
    return {
        "action": "record",
        "record-outcome": outcome,
        "record-meeting_date": str(days_ago(2) if meeting_date is None else meeting_date),
        "record-paragraph": str(paragraph),
        "record-diarienummer": diarienummer,
        "record-protocol_reference": protocol_reference,
        "record-protocol_url": protocol_url,
        "record-comment": comment,
    }


def decide_data(task):
    """What the step's own approver posts to move a run on (a decision where one is needed)."""
    if isinstance(task.specific, RecordedDecisionTask):
        return record_data()
    if getattr(task.specific, "sets_decision", False):
        return approve_data(decision_date=days_ago(1), diarienummer="KS-2025-77")
    return approve_data()


APPROVER_CANDIDATES = (
    "samordnare",
    "sekreterare",
    "kommundirektor",
    "stabschef",
    "forvaltningschef",
    "verksamhetschef",
    "admin",
)


def approver_for(people, page, task_state, exclude=()):
    """Who in `people` acts on this step: the first the task accepts who did not submit the run
    (and is not one of the role names in `exclude`)."""
    task = task_state.task.specific
    page = reload(page)
    submitter_id = task_state.workflow_state.requested_by_id
    for name in APPROVER_CANDIDATES:
        if name in exclude:
            continue
        user = people[name]
        if user.pk != submitter_id and task.get_actions(page, user):
            return user
    raise AssertionError(f"nobody in people acts on {task.name}")


def decide(people, page, exclude=()):
    """Set the scene: the current step's approver moves the run on (a decision where needed).

    This calls the task directly, as the case page does after validating its form; tests that
    are about the case page itself post to it instead.
    """
    task_state = current_task_state(page)
    task = task_state.task.specific
    approver = approver_for(people, page, task_state, exclude=exclude)
    if isinstance(task, RecordedDecisionTask):
        task.on_action(
            task_state,
            approver,
            "record",
            outcome="beslutad",
            meeting_date=days_ago(2),
            paragraph=45,
            diarienummer="KS 2025/88",
        )
    elif getattr(task, "sets_decision", False):
        task.on_action(
            task_state, approver, "approve", decision_date=days_ago(1), diarienummer="KS-2025-77"
        )
    else:
        task.on_action(task_state, approver, "approve", comment="")


def advance(people, page, steps=1, exclude=()):
    """Move the run on by `steps` steps; returns the task state it then waits at (if any)."""
    for _ in range(steps):
        decide(people, page, exclude=exclude)
    return current_task_state(page)


def run_to_step(people, page, step_name, submitter):
    """Submit `page` as `submitter` and advance it until `step_name` is the current step."""
    start(page, submitter)
    while current_task_state(page).task.name != step_name:
        decide(people, page)
    return current_task_state(page)


# -- "nothing changed" ---------------------------------------------------------------------


def snapshot(page):
    """Everything a refused action must leave alone."""
    page = reload(page)
    state = workflow_state(page)
    task_state = state.current_task_state if state else None
    return {
        "live": page.live,
        "live_revision": page.live_revision_id,
        "latest_revision": Revision.objects.for_instance(page).order_by("-created_at", "-pk")[0].pk,
        "decision_date": page.decision_date,
        "diarienummer": page.diarienummer,
        "protocol_paragraph": page.protocol_paragraph,
        "workflow_status": state.status if state else None,
        "current_task_state": task_state.pk if task_state else None,
        "current_task_status": task_state.status if task_state else None,
        "task_states": list(
            TaskState.objects.filter(workflow_state_id=state.pk if state else None)
            .order_by("pk")
            .values_list("pk", "status", "finished_by_id")
        ),
        "log_entries": PageLogEntry.objects.filter(page_id=page.pk).count(),
    }


def page_form_data(page_class, title, slug, body_code, doc_type=None, **overrides):
    """What the page editor posts for a new or edited document (add `action-submit` to submit)."""
    data = {
        "title": title,
        "slug": slug,
        "summary": "Sammanfattning av dokumentet.",
        "body": streamfield([("paragraph", rich_text(f"<p>{title} gäller alla.</p>"))]),
        "decision_body": str(get_body(body_code).pk) if body_code else "",
        "diarienummer": "",
        "version": "1.0",
        "supersedes": "",
        "supersedes_note": "",
        "responsible": "",
        "responsible_role": "",
        "contact_name": "",
        "contact_email": "",
        "organisation": "",
        "valid_from": "",
        "valid_until": "",
        "review_interval_months": "12",
        "next_review": "",
        "next_review_reason": "",
        "publicity": "public",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    if page_class is PolicyPage:
        data["document_type"] = doc_type or "policy"
        # The policy's required documents: an inline formset, empty here.
        data["required_documents"] = inline_formset([])
    data.update(overrides)
    return nested_form_data(data)


# -- building a module's world once (tests/shared.py's build_once) ----------------------------

# username: (first name, last name, groups, superuser, body the person is the official of); the
# same people as the function-scoped fixtures in conftest.py.
PEOPLE = {
    "redaktor": ("Rut", "Redaktör", ["Redaktörer"], False, None),
    "redaktor2": ("Olle", "Skribent", ["Redaktörer"], False, None),
    "samordnare": ("Sara", "Samordnare", ["Informationssäkerhetssamordnare"], False, None),
    "kommundirektor": ("Karin", "Direktör", ["Beslutsfattare"], False, "kommundirektor"),
    "stabschef": ("Stefan", "Stab", ["Beslutsfattare"], False, "stabschef"),
    "forvaltningschef": ("Frida", "Förvaltning", ["Beslutsfattare"], False, "forvaltningschef"),
    "verksamhetschef": ("Vera", "Verksamhet", ["Beslutsfattare"], False, "verksamhetschef"),
    "sekreterare": ("Nils", "Sekreterare", ["Nämndsekreterare"], False, None),
    "agare": ("Åsa", "Ägare", ["Dokumentansvariga"], False, None),
    "admin": ("Ada", "Admin", [], True, None),
}


def build_people():
    """The people of the `people` fixture, for a module-scoped build: {role: user pk}.

    A module world keeps primary keys; `people_from` reads fresh users for each test, so a test
    that changes a user in memory leaves nothing behind for the next one.
    """
    from tests.factories import make_user

    pks = {}
    for username, (first, last, groups, superuser, body_code) in PEOPLE.items():
        user = make_user(
            username, groups=groups, superuser=superuser, first_name=first, last_name=last
        )
        if body_code:
            body = get_body(body_code)
            body.official = user
            body.save(update_fields=["official"])
        pks[username] = user.pk
    return pks


def people_from(pks):
    """`People` read from the database (see build_people)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk(pks.values())
    return People(**{name: users[pk] for name, pk in pks.items()})


def decision_kwargs(task, action, comment=""):
    """What the case page passes to `task.on_action` for `action` after validating its form."""
    task = task.specific
    if action == "record":
        return {
            "outcome": "beslutad",
            "meeting_date": days_ago(2),
            "paragraph": 45,
            "diarienummer": "KS 2025/88",
            "protocol_reference": "",
            "protocol_url": "",
            "comment": comment,
        }
    if action == "approve" and getattr(task, "sets_decision", False):
        return {"comment": comment, "decision_date": days_ago(1), "diarienummer": "KS-2025-77"}
    return {"comment": comment}


def decide_by(page, user):
    """Set the scene: `user` moves the current step on, as `decide` does for its approver."""
    task_state = current_task_state(page)
    task = task_state.task.specific
    action = "record" if isinstance(task, RecordedDecisionTask) else "approve"
    task.on_action(task_state, user, action, **decision_kwargs(task, action))
