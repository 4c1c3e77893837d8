"""Dashboard panels: what waits for my decision, and where my own cases stand."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.admin.ui.components import Component
from wagtail.models import Page, TaskState, WorkflowState

from .workflows import StyrdokTaskMixin

MAX_ROWS = 20


class PendingDecisionsPanel(Component):
    """Att besluta: the steps where the user can act (never their own submissions)."""

    name = "styrdok_att_besluta"
    template_name = "governance/panels/att_besluta.html"
    order = 90

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        states = (
            TaskState.objects.reviewable_by(self.user)
            .select_related("workflow_state__requested_by", "task", "workflow_state__workflow")
            .order_by("started_at")
        )
        rows = []
        for state in states[:MAX_ROWS]:
            task = state.task.specific
            if not isinstance(task, StyrdokTaskMixin):
                continue
            page = state.workflow_state.content_object
            # E.g. whoever resubmitted a returned document cannot act on it (see is_submitter).
            if not task.get_actions(page, self.user):
                continue
            rows.append(
                {
                    "state": state,
                    "task": task,
                    "page": page,
                    "submitter": state.workflow_state.requested_by,
                }
            )
        return {"rows": rows}

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["rows"]:
            return ""
        return super().render_html(parent_context)


class MyCasesPanel(Component):
    """Mina ärenden: the user's drafts and submitted documents, and where each one stands."""

    name = "styrdok_mina_arenden"
    template_name = "governance/panels/mina_arenden.html"
    order = 95

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        from policies.models import Styrdokument

        page_type = ContentType.objects.get_for_model(Page)
        open_states = (
            WorkflowState.objects.filter(
                requested_by=self.user,
                base_content_type=page_type,
                status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES],
            )
            .select_related("workflow", "current_task_state__task")
            .order_by("-created_at")
        )
        in_workflow = {state.object_id: state for state in open_states}
        # A draft in anyone's open run (e.g. one this user resubmitted) is not "inte inskickat".
        in_any_workflow = WorkflowState.objects.filter(
            base_content_type=page_type,
            status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES],
        ).values("object_id")
        drafts = (
            Styrdokument.objects.filter(has_unpublished_changes=True)
            .filter(latest_revision__user=self.user)
            .annotate(pk_str=Cast("pk", CharField()))
            .exclude(pk_str__in=in_any_workflow)
            .order_by("-latest_revision_created_at")[:MAX_ROWS]
        )
        pages = Styrdokument.objects.in_bulk([int(pk) for pk in in_workflow])
        cases = []
        for object_id, state in list(in_workflow.items())[:MAX_ROWS]:
            page = pages.get(int(object_id))
            if page is None:
                continue
            cases.append({"page": page, "state": state})
        return {"cases": cases, "drafts": drafts}

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["cases"] and not context["drafts"]:
            return ""
        return super().render_html(parent_context)
