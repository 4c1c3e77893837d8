"""Renaming a group in the admin changes nobody's access.

Access used to be decided by group name in five places, so renaming "Nämndsekreterare" in the
admin silently took the right to record an aktualitetsprövning away. Now code asks
user.has_perm for Styrdok's own permissions (granted to the groups by setup), and the workflow
steps point at their groups by key. This test takes every demo role through each of those places,
renames every group, and shows the same answers afterwards.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from governance.workflows import RecordedDecisionTask, ReviewTask
from policies.models import RiktlinjePage, RutinPage
from revision.reminders import ReminderRun
from tests.factories import get_body, make_live_document, make_user

from .workflow_helpers import client_for, field_is_disabled, panel, soup

pytestmark = pytest.mark.django_db

ROLES = (
    "redaktor",
    "samordnare",
    "kommundirektor",
    "stabschef",
    "sekreterare",
    "agare",
    "medarbetare",
    "admin",
)

# fmt: off
# Y = allowed/shown, - = refused/not shown; for the body field: "fri" (may choose another body),
# "låst" (shown disabled), "-" (may not open the editor at all).
#                              red    sam    kd     stab   sek    äg     med    adm
EXPECTED = {
    "annual report":          ("-",   "Y",   "Y",   "Y",   "Y",   "-",   "-",   "Y"),
    "redirect body field":    ("låst", "fri", "-",  "-",   "-",   "låst", "-",  "fri"),
    "confirm KS riktlinje":   ("-",   "-",   "Y",   "-",   "Y",   "-",   "-",   "Y"),
    "confirm KD rutin":       ("-",   "-",   "Y",   "-",   "-",   "-",   "-",   "Y"),
    "samordnare panel":       ("-",   "Y",   "-",   "-",   "-",   "-",   "-",   "Y"),
    "escalation recipient":   ("-",   "Y",   "-",   "-",   "-",   "-",   "-",   "-"),
    "Granskning step":        ("-",   "Y",   "-",   "-",   "-",   "-",   "-",   "Y"),
    "KS-beslut step":         ("-",   "-",   "-",   "-",   "Y",   "-",   "-",   "Y"),
}
# fmt: on


def yes(value):
    return "Y" if value else "-"


@pytest.fixture
def scene(people):
    actors = {name: getattr(people, name) for name in ROLES if hasattr(people, name)}
    actors["medarbetare"] = make_user("medarbetare_g", first_name="Mia", last_name="Medarbetare")
    ks_riktlinje = make_live_document(
        RiktlinjePage, title="Riktlinje för loggning", responsible=people.agare
    )
    kd_rutin = make_live_document(
        RutinPage, title="Rutin för behörigheter", decision_body=get_body("kommundirektor")
    )
    return actors, ks_riktlinje, kd_rutin


def access(actors, ks_riktlinje, kd_rutin):
    """What each role gets in each place, read as the user meets it."""
    User = get_user_model()
    review_step = ReviewTask.objects.get(name="Granskning")
    ks_step = RecordedDecisionTask.objects.get(name="KS-beslut")
    run = ReminderRun()
    run.load()
    escalated = {user.pk for user in run.coordinators}
    seen = {name: [] for name in EXPECTED}
    for role in ROLES:
        # Fresh from the database: Django caches permissions and the tasks their checks.
        user = User.objects.get(pk=actors[role].pk)
        client = client_for(user)

        report = client.get("/admin/rapporter/arlig-genomgang/")
        seen["annual report"].append(yes(report.status_code == 200))

        editor = client.get(f"/admin/pages/{ks_riktlinje.pk}/edit/")
        if editor.status_code == 200:
            locked = field_is_disabled(editor, "decision_body")
            seen["redirect body field"].append("låst" if locked else "fri")
        else:
            seen["redirect body field"].append("-")

        for name, page in (("confirm KS riktlinje", ks_riktlinje), ("confirm KD rutin", kd_rutin)):
            overview = client.get(f"/admin/revision/{page.pk}/")
            heading = (
                soup(overview).find(id="provning-rubrik") if overview.status_code == 200 else None
            )
            form = heading.find_parent("section").find("form") if heading else None
            seen[name].append(yes(form is not None))

        dashboard = client.get("/admin/")
        shown = dashboard.status_code == 200 and panel(dashboard, "forsenade-rubrik") is not None
        seen["samordnare panel"].append(yes(shown))

        seen["escalation recipient"].append(yes(user.pk in escalated))
        seen["Granskning step"].append(yes(review_step.user_is_approver(ks_riktlinje, user)))
        seen["KS-beslut step"].append(yes(ks_step.user_is_approver(ks_riktlinje, user)))
    return {name: tuple(values) for name, values in seen.items()}


def test_renaming_every_group_changes_no_access(scene):
    actors, ks_riktlinje, kd_rutin = scene
    review_groups = set(
        ReviewTask.objects.get(name="Granskning").groups.values_list("pk", flat=True)
    )

    before = access(actors, ks_riktlinje, kd_rutin)
    for group in Group.objects.all():
        group.name = f"{group.name} (omdöpt)"
        group.save()
    after = access(actors, ks_riktlinje, kd_rutin)

    assert before == EXPECTED
    assert after == EXPECTED
    # The steps name their groups by key: the same groups, now under their new names.
    step = ReviewTask.objects.get(name="Granskning")
    assert set(step.groups.values_list("pk", flat=True)) == review_groups
    assert list(step.groups.values_list("name", flat=True)) == [
        "Informationssäkerhetssamordnare (omdöpt)"
    ]
    assert list(
        RecordedDecisionTask.objects.get(name="KS-beslut").groups.values_list("name", flat=True)
    ) == ["Nämndsekreterare (omdöpt)"]
    assert not Group.objects.filter(name="Informationssäkerhetssamordnare").exists()


def test_the_samordnare_role_decides_escalations_before_any_permission(people):
    """With someone in the samordnare role (an uppdrag), the escalation goes to them only."""
    from governance.models import Assignment
    from tests.factories import get_role, make_kommun

    appointed = make_user("utsedd_g", first_name="Ulla", last_name="Utsedd")
    Assignment.objects.create(
        user=appointed, role=get_role("informationssakerhetssamordnare"), organisation=make_kommun()
    )
    run = ReminderRun()
    run.load()

    assert [user.pk for user in run.coordinators] == [appointed.pk]
