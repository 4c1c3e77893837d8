"""The scene for the attacker's matrix (test_builtin_routes.py): people, documents and runs.

Everything here is built once per module inside a transaction that is rolled back after the
module; each test runs in a savepoint inside it, so a cell that deletes, moves or decides never
leaks into the next cell. Tests keep primary keys, not model instances, and read fresh rows per
test: instances cached across savepoints would carry state a rolled-back cell wrote.
"""

import html
import json
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.messages import constants, get_messages
from wagtail.models import Page, PageLogEntry, Revision

from policies.models import AdoptedVersion, RiktlinjePage, RutinPage
from tests.factories import get_body, make_document, make_user

from .workflow_helpers import (
    KS_DECISION,
    OFFICIAL_DECISION,
    REVIEW,
    current_task_state,
    is_refused,
    messages_of,
    page_text,
    reload,
    snapshot,
    start,
)

ROLES = (
    "redaktor",
    "samordnare",
    "kommundirektor",
    "stabschef",
    "verksamhetschef",
    "sekreterare",
    "agare",
    "admin",
)

# username: (first name, last name, groups, superuser, body the person is the official of)
PEOPLE = {
    "redaktor": ("Rut", "Redaktör", ["Redaktörer"], False, None),
    "redaktor2": ("Olle", "Skribent", ["Redaktörer"], False, None),
    "samordnare": ("Sara", "Samordnare", ["Informationssäkerhetssamordnare"], False, None),
    "samordnare2": ("Gun", "Granskare", ["Informationssäkerhetssamordnare"], False, None),
    "kommundirektor": ("Karin", "Direktör", ["Beslutsfattare"], False, "kommundirektor"),
    "stabschef": ("Stefan", "Stab", ["Beslutsfattare"], False, "stabschef"),
    "verksamhetschef": ("Vera", "Verksamhet", ["Beslutsfattare"], False, "verksamhetschef"),
    "sekreterare": ("Nils", "Sekreterare", ["Nämndsekreterare"], False, None),
    "agare": ("Åsa", "Ägare", ["Dokumentansvariga"], False, None),
    "admin": ("Ada", "Admin", [], True, None),
}

DECIDED = "governance.decided"
UNDECIDED_TITLE = "Ändrad text som ingen har beslutat"


@dataclass
class World:
    """Primary keys of everything the matrix acts on."""

    people: dict = field(default_factory=dict)
    # An adopted rutin (stabschef decides) with a newer draft revision nobody has decided.
    adopted: int = 0
    undecided_revision: int = 0
    # Its parent and another riktlinje, the destination of every move.
    parent: int = 0
    target: int = 0
    # A rutin never adopted, created by the dokumentansvarig.
    draft: int = 0
    # Adopted documents with a new version in a run, submitted by redaktor2 (outside the
    # roles tested) and waiting at Granskning, at the stabschef's decision and at KS-beslut.
    at_review: int = 0
    at_decision: int = 0
    at_record: int = 0
    # Runs for the separation-of-duties cells.
    submitted_by_samordnare: int = 0  # at Granskning
    submitted_by_admin: int = 0  # at Granskning
    reviewed_by_samordnare: int = 0  # at the stabschef's decision; samordnare did Granskning
    verksamhetschef_run: int = 0  # a verksamhetschef rutin at its decision step

    def user(self, name):
        return get_user_model().objects.get(pk=self.people[name])

    def page(self, name):
        return reload_pk(getattr(self, name))


def reload_pk(pk):
    return Page.objects.get(pk=pk).specific


def _people():
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


def _adopted_rutin(parent, title, owner, responsible, body_code="stabschef"):
    return make_document(
        RutinPage,
        parent=parent,
        title=title,
        owner=owner,
        responsible=responsible,
        document_type="rutin",
        decision_body=get_body(body_code),
    )


def _new_version(page, user, title):
    """An editor's draft of the next version, the revision a run then carries."""
    draft = reload(page).get_latest_revision_as_object()
    draft.title = title
    return draft.save_revision(user=user)


def _act(page, user, action="approve", **kwargs):
    task_state = current_task_state(page)
    task_state.task.specific.on_action(task_state, user, action, **kwargs)


def build_world():
    """People, documents and runs, through the models (the scene, not what is tested)."""
    world = World(people=_people())
    user = world.user
    redaktor, redaktor2, agare = user("redaktor"), user("redaktor2"), user("agare")

    parent = make_document(
        RiktlinjePage, title="Riktlinje för informationssäkerhet", owner=redaktor
    )
    target = make_document(RiktlinjePage, title="Riktlinje för kontinuitet", owner=redaktor)
    world.parent, world.target = parent.pk, target.pk

    adopted = _adopted_rutin(parent, "Rutin för incidenthantering", redaktor, agare)
    world.adopted = adopted.pk
    world.undecided_revision = _new_version(adopted, redaktor, UNDECIDED_TITLE).pk

    draft = make_document(
        RutinPage,
        parent=parent,
        publish=False,
        user=agare,
        owner=agare,
        title="Rutin för loggning (utkast)",
        responsible=agare,
        document_type="rutin",
        decision_body=get_body("stabschef"),
    )
    world.draft = draft.pk

    def run(title, submitter, steps=(), body_code="stabschef", page_class=RutinPage):
        if page_class is RutinPage:
            page = _adopted_rutin(parent, title, redaktor, agare, body_code)
        else:
            page = make_document(
                page_class,
                title=title,
                owner=redaktor,
                responsible=agare,
                document_type="riktlinje",
                decision_body=get_body(body_code),
                protocol_paragraph=10,
            )
        _new_version(page, submitter, f"{title} (förslag)")
        start(page, submitter)
        for step_user in steps:
            _act(page, step_user, comment="")
        return page.pk

    reviewer = user("samordnare2")
    world.at_review = run("Rutin för behörigheter", redaktor2)
    world.at_decision = run("Rutin för säkerhetskopiering", redaktor2, [reviewer])
    world.at_record = run(
        "Riktlinje för molntjänster",
        redaktor2,
        [reviewer, user("kommundirektor")],
        body_code="ks",
        page_class=RiktlinjePage,
    )
    world.submitted_by_samordnare = run("Rutin för lösenord", user("samordnare"))
    world.submitted_by_admin = run("Rutin för fjärråtkomst", user("admin"))
    world.reviewed_by_samordnare = run("Rutin för mobila enheter", redaktor2, [user("samordnare")])
    world.verksamhetschef_run = run(
        "Rutin för skolans datorer", redaktor2, [reviewer], body_code="verksamhetschef"
    )

    # The scene is what the matrix assumes; say so at once if a builder changes under it.
    for name in ("adopted", "at_review", "at_decision", "at_record"):
        page = world.page(name)
        assert page.live and page.adopted_versions.exists(), name
    expected_steps = {
        "at_review": REVIEW,
        "at_decision": OFFICIAL_DECISION,
        "at_record": KS_DECISION,
        "submitted_by_samordnare": REVIEW,
        "submitted_by_admin": REVIEW,
        "reviewed_by_samordnare": OFFICIAL_DECISION,
        "verksamhetschef_run": OFFICIAL_DECISION,
    }
    for name, step in expected_steps.items():
        assert current_task_state(world.page(name)).task.name == step, name
    assert not world.page("draft").live
    return world


# -- urls of Wagtail's own admin ------------------------------------------------------------------


def workflow_action_url(page_pk, action, task_state_pk):
    return f"/admin/pages/workflow/action/{page_pk}/{action}/{task_state_pk}/"


def page_url(page_pk, route):
    return f"/admin/pages/{page_pk}/{route}/"


def bulk_url(action, page_pk):
    return f"/admin/bulk/wagtailcore/page/{action}/?id={page_pk}"


# -- what a cell may change -----------------------------------------------------------------------


def decided_entries(page_pk):
    return PageLogEntry.objects.filter(page_id=page_pk, action=DECIDED)


def record_of(page_pk):
    """Everything Wagtail's routes must leave alone when they refuse: the page, its place in the
    tree, its run, its lock, its log and its adopted versions."""
    page = Page.objects.filter(pk=page_pk).first()
    if page is None:
        return {"exists": False}
    page = page.specific
    return {
        "exists": True,
        **snapshot(page),
        "title": page.title,
        "path": page.path,
        "url_path": page.url_path,
        "locked": page.locked,
        "revisions": Revision.objects.for_instance(page).count(),
        "decided": decided_entries(page_pk).count(),
        "versions": list(
            AdoptedVersion.objects.filter(document_id=page_pk)
            .order_by("pk")
            .values_list("pk", "title", "version", "decision_date", "superseded_at", "repealed_at")
        ),
    }


# -- what the user sees ---------------------------------------------------------------------------


def refused(response):
    """Refused as the admin refuses: Wagtail's "Ledsen, du saknar rättigheter …" (or a 403), or
    a redirect with Styrdok's own error message in Swedish and no success message."""
    if is_refused(response):
        return True
    if response.status_code != 302:
        return False
    levels = {message.level for message in get_messages(response.wsgi_request)}
    return constants.ERROR in levels and constants.SUCCESS not in levels


def modal_json(response):
    """Wagtail's workflow modal answers with JSON: the step and the rendered html."""
    assert response["Content-Type"].startswith(("application/json", "text/javascript")), (
        response.status_code,
        response["Content-Type"],
    )
    return json.loads(response.content)


def modal_text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", modal_json(response)["html"])).split())


def bulk_no_access(response, verb):
    """The bulk confirmation lists the document under "you may not …" and offers no button."""
    text = page_text(response)
    return (
        response.status_code == 200
        and NO_BULK_ACCESS[verb] in text
        and BULK_CONFIRM[verb] not in text
    )


def bulk_offers(response, verb):
    text = page_text(response)
    return response.status_code == 200 and BULK_CONFIRM[verb] in text


# Wagtail's own Swedish texts on the bulk confirmation pages.
NO_BULK_ACCESS = {
    "publish": "Du saknar rättigheter att publicera denna sida",
    "unpublish": "Du saknar rättigheter att avpublicera denna sida",
    "delete": "Du har inte rättigheter att radera denna sida",
    "move": "Du saknar rättigheter att flytta denna sida",
}
BULK_CONFIRM = {
    "publish": "Ja, publicera",
    "unpublish": "Ja, avpublicera",
    "delete": "Ja, radera",
    "move": "Ja, flytta dessa sidor",
}


def acted_on_some(response):
    """A bulk POST's message says it did something to one page or more ("1 sida …")."""
    return any(
        re.search(r"\b[1-9]\d*\s+(sida|sidor|page|pages)\b", message, re.IGNORECASE)
        for message in messages_of(response)
    )
