"""Styrdok's own acts as permissions, and who may change who decides.

The permissions live on DecisionBody (Meta.permissions) and are granted to groups by setup; code
asks user.has_perm. Changing a body's official, deputy, review delegate or workflow is an
administrator's act (governance.manage_decision_makers), and so is changing its kind or the
document types it may adopt (its decision level): the samordnare still edits names, a forged
change is refused and nothing is saved, and every change is logged with old and new values in the
body's history. A body's workflow must end in a Styrdok decision.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from wagtail.models import GroupApprovalTask, ModelLogEntry, Workflow, WorkflowTask

from governance.models import DecisionBody
from governance.record_guard import maintenance
from governance.workflows import OfficialDecisionTask, RecordedDecisionTask, ReviewTask
from tests.factories import get_body, make_user

from .workflow_helpers import client_for, error_texts, messages_of, page_text, soup

pytestmark = pytest.mark.django_db

OWN_PERMISSIONS = {
    "redirect_decision_body": "Kan skicka nästa version till ett annat beslutande organ",
    "record_review": "Kan registrera aktualitetsprövning",
    "view_annual_report": "Kan se årlig genomgång",
    "manage_decision_makers": (
        "Kan ändra beslutsfattare, ersättare, delegat och arbetsflöde för beslutande organ"
    ),
    "propose_repeal": "Kan föreslå upphävande",
    "monitor_decision_runs": "Kan se fastnade beslutsärenden",
}

GRANTS = {
    "Informationssäkerhetssamordnare": {
        "redirect_decision_body",
        "record_review",
        "view_annual_report",
        "propose_repeal",
        "monitor_decision_runs",
    },
    "Beslutsfattare": {"view_annual_report", "record_review"},
    "Nämndsekreterare": {"view_annual_report", "record_review"},
    "Redaktörer": set(),
    "Dokumentansvariga": set(),
}

REFUSED = (
    "Du får inte ändra {field}. Beslutsfattare, ersättare, delegat, arbetsflöde, slag av "
    "beslutsfattare och vilka dokumenttyper ett beslutande organ får besluta om ändras bara av "
    "en administratör. Inget har sparats."
)
GUARDED = ("official", "deputy", "review_delegate", "workflow", "kind", "document_types")


def edit_url(body):
    return f"/admin/snippets/governance/decisionbody/edit/{body.pk}/"


def history_url(body):
    return f"/admin/snippets/governance/decisionbody/history/{body.pk}/"


def form_data(body, **changes):
    """What the edit form posts; a disabled field is not posted by a browser (drop=...)."""
    data = {
        "name": body.name,
        "short_name": body.short_name,
        "code": body.code,
        "kind": body.kind,
        "document_types": list(body.document_types),
        "organisation": body.organisation_id or "",
        "official": body.official_id or "",
        "deputy": getattr(body, "deputy_id", None) or "",
        "workflow": body.workflow_id or "",
        "review_delegate": body.review_delegate_id or "",
        "sort_order": body.sort_order,
    }
    data.update(changes)
    return data


def browser_data(body, **changes):
    """What a browser posts when the guarded fields are disabled: without them."""
    data = form_data(body, **changes)
    for name in GUARDED:
        if name not in changes:
            data.pop(name)
    return data


def state(body):
    body = DecisionBody.objects.get(pk=body.pk)
    return (
        body.name,
        body.official_id,
        getattr(body, "deputy_id", None),
        body.workflow_id,
        body.review_delegate_id,
        body.kind,
        sorted(body.document_types),
    )


def decision_maker_logs(body):
    return list(
        ModelLogEntry.objects.filter(
            object_id=str(body.pk), action="governance.decision_makers_changed"
        ).order_by("pk")
    )


@pytest.fixture
def samordnare(db):
    return make_user(
        "samordnare_p",
        groups=["Informationssäkerhetssamordnare"],
        first_name="Sara",
        last_name="Samordnare",
    )


@pytest.fixture
def admin(db):
    return make_user("admin_p", superuser=True, first_name="Ada", last_name="Admin")


@pytest.fixture
def stabschef_body(db):
    body = get_body("stabschef")
    body.official = make_user(
        "stab_p", groups=["Beslutsfattare"], first_name="Stefan", last_name="Stab"
    )
    body.save(update_fields=["official"])
    # Setting the scene is logged like any change; the tests look at what happens next.
    # (a plain QuerySet: the decision makers' history is a record, governance/record_guard.py)
    with maintenance():
        QuerySet(ModelLogEntry).filter(object_id=str(body.pk))._raw_delete("default")
    return body


# -- the permissions and their grants ----------------------------------------------------------


def test_the_own_permissions_are_declared_in_swedish():
    declared = dict(
        Permission.objects.filter(
            content_type__app_label="governance", codename__in=OWN_PERMISSIONS
        ).values_list("codename", "name")
    )
    assert declared == OWN_PERMISSIONS


@pytest.mark.parametrize("group_name", list(GRANTS))
def test_setup_grants_each_group_its_acts_and_nobody_manages_decision_makers(group_name):
    granted = set(
        Group.objects.get(name=group_name)
        .permissions.filter(codename__in=OWN_PERMISSIONS)
        .values_list("codename", flat=True)
    )
    assert granted == GRANTS[group_name]


@pytest.mark.parametrize(
    ("groups", "superuser", "expected"),
    [
        (["Informationssäkerhetssamordnare"], False, GRANTS["Informationssäkerhetssamordnare"]),
        (["Beslutsfattare"], False, {"view_annual_report", "record_review"}),
        (["Nämndsekreterare"], False, {"view_annual_report", "record_review"}),
        (["Redaktörer", "Dokumentansvariga"], False, set()),
        ([], True, set(OWN_PERMISSIONS)),
    ],
)
def test_has_perm_answers_from_the_grants(groups, superuser, expected):
    user = make_user("person_p", groups=groups, superuser=superuser)
    assert {code for code in OWN_PERMISSIONS if user.has_perm(f"governance.{code}")} == expected


# -- who decides is changed by an administrator ------------------------------------------------


def test_the_samordnare_sees_who_decides_but_cannot_change_it(samordnare, stabschef_body):
    response = client_for(samordnare).get(edit_url(stabschef_body))

    assert response.status_code == 200
    page = soup(response)
    for name in GUARDED:
        assert page.select_one(f"[name={name}]").has_attr("disabled"), name
    assert not page.select_one("[name=name]").has_attr("disabled")
    assert "Ändras bara av en administratör" in page_text(response)


def test_the_samordnare_still_edits_the_name(samordnare, stabschef_body):
    before = state(stabschef_body)

    response = client_for(samordnare).post(
        edit_url(stabschef_body), browser_data(stabschef_body, name="Stabschefen")
    )

    assert response.status_code == 302, error_texts(response)
    assert state(stabschef_body) == ("Stabschefen", *before[1:])
    assert decision_maker_logs(stabschef_body) == []


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("official", "beslutsfattare (person)"),
        ("workflow", "arbetsflöde"),
        ("review_delegate", "aktualitetsprövas av"),
        ("deputy", "ersättare"),
        ("kind", "slag av beslutsfattare"),
        ("document_types", "får besluta om"),
    ],
)
def test_a_forged_change_of_who_decides_is_refused_and_nothing_saved(
    samordnare, stabschef_body, field, label
):
    before = state(stabschef_body)
    value = {
        "official": samordnare.pk,
        "workflow": Workflow.objects.get(name="Kommundirektörens beslut").pk,
        "review_delegate": get_body("kommundirektor").pk,
        "deputy": samordnare.pk,
        # An assembly's aktualitetsprövning is recorded by anyone with the permission when no
        # recording step names the body; a stabschef adopting policies skips KF.
        "kind": "assembly",
        "document_types": ["policy", "program", "rutin", "stodanvisning"],
    }[field]

    response = client_for(samordnare).post(
        edit_url(stabschef_body), form_data(stabschef_body, name="Ny stab", **{field: value})
    )

    assert response.status_code == 200
    assert REFUSED.format(field=label) in error_texts(response)
    assert messages_of(response) == ["Beslutande organ kunde inte sparas på grund av fel."]
    assert state(stabschef_body) == before
    assert decision_maker_logs(stabschef_body) == []


def test_the_samordnare_cannot_set_themself_as_official_of_a_new_body(samordnare):
    response = client_for(samordnare).post(
        "/admin/snippets/governance/decisionbody/add/",
        {
            "name": "Egen befattning",
            "short_name": "",
            "code": "egen",
            "kind": "official",
            "document_types": ["rutin"],
            "organisation": "",
            "official": samordnare.pk,
            "sort_order": 100,
        },
    )

    assert response.status_code == 200
    assert REFUSED.format(field="beslutsfattare (person)") in error_texts(response)
    assert messages_of(response) == ["Beslutande organ kunde inte läggas till på grund av fel."]
    assert not DecisionBody.objects.filter(code="egen").exists()


def test_an_administrator_changes_who_decides_and_the_history_shows_old_and_new(
    admin, stabschef_body
):
    old_official = stabschef_body.official
    new_official = make_user("ny_stab", first_name="Nina", last_name="Ny")
    ks = get_body("ks")

    response = client_for(admin).post(
        edit_url(stabschef_body),
        form_data(stabschef_body, official=new_official.pk, review_delegate=ks.pk),
    )

    assert response.status_code == 302, error_texts(response)
    body = DecisionBody.objects.get(pk=stabschef_body.pk)
    assert (body.official, body.review_delegate) == (new_official, ks)
    (entry,) = decision_maker_logs(body)
    assert entry.user == admin
    assert entry.data["changes"] == [
        {
            "field": "official",
            "label": "beslutsfattare (person)",
            "old": {"id": old_official.pk, "name": "Stefan Stab"},
            "new": {"id": new_official.pk, "name": "Nina Ny"},
        },
        {
            "field": "review_delegate",
            "label": "aktualitetsprövas av",
            "old": None,
            "new": {"id": ks.pk, "name": "Kommunstyrelsen"},
        },
    ]
    history = client_for(admin).get(history_url(body))
    assert history.status_code == 200
    text = page_text(history)
    assert "Beslutsfattare (person): Stefan Stab → Nina Ny" in text
    assert "Aktualitetsprövas av: – → Kommunstyrelsen" in text


def test_saving_without_changing_who_decides_logs_no_change(admin, stabschef_body):
    response = client_for(admin).post(
        edit_url(stabschef_body), form_data(stabschef_body, name="Stabschef (ny titel)")
    )

    assert response.status_code == 302, error_texts(response)
    assert decision_maker_logs(stabschef_body) == []


# -- a body's workflow ends in a Styrdok decision ----------------------------------------------


def make_workflow(name, *tasks):
    workflow = Workflow.objects.create(name=name, active=True)
    for order, task in enumerate(tasks):
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    return workflow


def review_task():
    return ReviewTask.objects.get(name="Granskning")


@pytest.mark.parametrize(
    "name",
    [
        "Rutin och stödanvisning – beslut på delegation",
        "Kommundirektörens beslut",
        "Riktlinje – beslut i kommunstyrelsen",
        "Policy och program – beslut i kommunfullmäktige",
    ],
)
def test_the_styrdok_workflows_are_accepted(name):
    body = get_body("stabschef")
    body.workflow = Workflow.objects.get(name=name)
    body.full_clean()


def workflow_cases():
    moderators = GroupApprovalTask.objects.create(name="Moderatorgodkännande")
    proposal = RecordedDecisionTask.objects.create(
        name="KS föreslår", decision_body=get_body("ks"), is_proposal=True
    )
    forwards = OfficialDecisionTask.objects.create(name="Överlämnar", sets_decision=False)
    return {
        "plain approval": (
            make_workflow("Moderatorer", moderators),
            "Arbetsflödet ”Moderatorer” har steget ”Moderatorgodkännande”, som inte är ett av "
            "Styrdoks steg (granskning, beslut av tjänsteperson, protokollfört beslut). Ett sådant "
            "steg kan publicera ett dokument utan beslut. Välj ett av Styrdoks arbetsflöden.",
        ),
        "ends in a proposal": (
            make_workflow("Bara beredning", review_task(), proposal),
            "Arbetsflödet ”Bara beredning” slutar inte med ett beslut: det sista steget ”KS "
            "föreslår” fastställer inte dokumentet. Välj ett arbetsflöde vars sista steg är ett "
            "beslut av tjänsteperson eller ett protokollfört beslut.",
        ),
        "ends in forwarding": (
            make_workflow("Bara överlämnande", review_task(), forwards),
            "Arbetsflödet ”Bara överlämnande” slutar inte med ett beslut: det sista steget "
            "”Överlämnar” fastställer inte dokumentet. Välj ett arbetsflöde vars sista steg är "
            "ett beslut av tjänsteperson eller ett protokollfört beslut.",
        ),
        "review only": (
            make_workflow("Bara granskning", review_task()),
            "Arbetsflödet ”Bara granskning” slutar inte med ett beslut: det sista steget "
            "”Granskning” fastställer inte dokumentet. Välj ett arbetsflöde vars sista steg är "
            "ett beslut av tjänsteperson eller ett protokollfört beslut.",
        ),
        "no steps": (
            make_workflow("Tomt"),
            "Arbetsflödet ”Tomt” har inga aktiva steg. Välj ett arbetsflöde som slutar med ett "
            "beslut.",
        ),
    }


@pytest.mark.parametrize(
    "case",
    ["plain approval", "ends in a proposal", "ends in forwarding", "review only", "no steps"],
)
def test_a_workflow_that_does_not_end_in_a_decision_is_refused(case):
    workflow, message = workflow_cases()[case]
    body = get_body("ks")
    body.workflow = workflow

    with pytest.raises(ValidationError) as refused:
        body.full_clean()

    assert refused.value.message_dict == {"workflow": [message]}


def test_an_inactive_last_step_does_not_count(admin):
    decision = OfficialDecisionTask.objects.create(name="Vilande beslut", active=False)
    workflow = make_workflow("Vilande", review_task(), decision)
    body = get_body("stabschef")
    body.workflow = workflow

    with pytest.raises(ValidationError) as refused:
        body.full_clean()

    assert "det sista steget ”Granskning” fastställer inte dokumentet" in str(
        refused.value.message_dict["workflow"]
    )


def test_the_administrator_is_told_in_the_admin_and_nothing_is_saved(admin):
    body = get_body("ks")
    before = state(body)
    workflow, message = workflow_cases()["plain approval"]

    response = client_for(admin).post(edit_url(body), form_data(body, workflow=workflow.pk))

    assert response.status_code == 200
    assert message in error_texts(response)
    assert state(body) == before
    assert messages_of(response) == ["Beslutande organ kunde inte sparas på grund av fel."]


def test_history_label_is_registered_in_swedish():
    from wagtail.log_actions import registry

    assert str(registry.get_action_label("governance.decision_makers_changed")) == (
        "Beslutsfattare ändrade"
    )


def test_a_change_outside_the_admin_is_logged_too(stabschef_body, admin):
    """A shell or import saving the model leaves the same entry (with the context's user)."""
    from wagtail.log_actions import LogContext

    old = stabschef_body.official
    deputy = make_user("ersattare_p", first_name="Erik", last_name="Ersättare")
    stabschef_body.deputy = deputy
    with LogContext(user=admin):
        stabschef_body.save()
    stabschef_body.official = None
    stabschef_body.save()

    first, second = decision_maker_logs(stabschef_body)
    assert (first.user, second.user) == (admin, None)
    assert first.data["changes"] == [
        {
            "field": "deputy",
            "label": "ersättare",
            "old": None,
            "new": {"id": deputy.pk, "name": "Erik Ersättare"},
        }
    ]
    assert second.data["changes"] == [
        {
            "field": "official",
            "label": "beslutsfattare (person)",
            "old": {"id": old.pk, "name": "Stefan Stab"},
            "new": None,
        }
    ]
    history = client_for(admin).get(history_url(stabschef_body))
    assert "Beslutsfattare (person): Stefan Stab → –" in page_text(history)


# -- a body's decision level: its kind and the document types it may adopt ---------------------


def test_an_administrator_changes_the_decision_level_and_the_history_shows_old_and_new(
    admin, stabschef_body
):
    response = client_for(admin).post(
        edit_url(stabschef_body),
        form_data(stabschef_body, kind="assembly", document_types=["rutin"]),
    )

    assert response.status_code == 302, error_texts(response)
    (entry,) = decision_maker_logs(stabschef_body)
    assert entry.user == admin
    assert entry.data["changes"] == [
        {
            "field": "kind",
            "label": "slag av beslutsfattare",
            "old": {"id": "official", "name": "Tjänsteperson (beslutar på delegation)"},
            "new": {"id": "assembly", "name": "Politiskt organ (beslutar i sammanträde)"},
        },
        {
            "field": "document_types",
            "label": "får besluta om",
            "old": {"id": ["rutin", "stodanvisning"], "name": "Rutin, Stödanvisning"},
            "new": {"id": ["rutin"], "name": "Rutin"},
        },
    ]
    text = page_text(client_for(admin).get(history_url(stabschef_body)))
    assert "Får besluta om: Rutin, Stödanvisning → Rutin" in text


def test_the_samordnare_cannot_route_a_policy_to_the_stabschef_through_the_organ(
    samordnare, stabschef_body
):
    """The attack: widen the stabschef's document types, then submit a policy to the
    stabschef's delegation workflow instead of kommunfullmäktige's."""
    from policies.models import PolicyPage
    from tests.factories import get_register

    from .workflow_helpers import page_form_data

    forged = client_for(samordnare).post(
        edit_url(stabschef_body),
        browser_data(
            stabschef_body, document_types=["policy", "program", "rutin", "stodanvisning"]
        ),
    )
    assert forged.status_code == 200
    assert REFUSED.format(field="får besluta om") in error_texts(forged)

    data = page_form_data(
        PolicyPage, "Policy på delegation", "policy-pa-delegation", "stabschef", doc_type="policy"
    )
    data["action-submit"] = "1"
    redaktor = make_user("redaktor_p", groups=["Redaktörer"])
    response = client_for(redaktor).post(
        f"/admin/pages/add/policies/policypage/{get_register().pk}/", data
    )

    assert response.status_code == 200
    assert any(
        f"{stabschef_body.name} får inte fastställa en policy." in text
        for text in error_texts(response)
    )
    assert messages_of(response) == ["Sidan kunde inte skapas på grund av valideringsfel."]
    assert not PolicyPage.objects.filter(slug="policy-pa-delegation").exists()
