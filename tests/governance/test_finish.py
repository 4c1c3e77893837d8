"""The workflow's finish action (governance.finish) for a page that is not a styrdokument.

A superuser may give any page one of Wagtail's own workflows in the admin; when it ends, the
page publishes its latest revision, as Wagtail's default finish action would. A styrdokument
decides what its own finish means (Styrdokument.finish_decision; tested with the decisions).
"""

import pytest
from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

from policies.models import ContentPage
from tests.factories import get_register, make_user

pytestmark = pytest.mark.django_db


def test_a_plain_page_publishes_its_latest_revision_when_its_workflow_ends():
    home = get_register().get_parent()
    page = ContentPage(title="Tillgänglighetsredogörelse", slug="tillganglighet", live=False)
    home.add_child(instance=page)
    page.title = "Tillgänglighetsredogörelse för webbplatsen"
    page.save_revision()
    task = GroupApprovalTask.objects.create(name="Godkännande av innehållssida")
    workflow = Workflow.objects.create(name="Innehållssidor")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    admin = make_user("innehallsadmin", superuser=True)

    state = workflow.start(page, admin)
    state.current_task_state.approve(user=admin)

    page.refresh_from_db()
    assert page.live
    assert page.title == "Tillgänglighetsredogörelse för webbplatsen"
    assert page.live_revision_id == page.latest_revision_id
