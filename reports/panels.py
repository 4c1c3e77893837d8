"""Dashboard panels: what waits for my decision, where my own cases stand, which of my documents
are due for review, and (for the samordnare) which documents are overdue or have no owner."""

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, F, Q
from django.db.models.functions import Cast
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component
from wagtail.models import Page, PageLogEntry, Revision, TaskState, WorkflowState

from governance.models import DecisionBody, StyrdokSettings
from governance.workflows import (
    FINISHED_STEP_STATUSES,
    StyrdokTaskMixin,
    other_steps,
    recorded_task_ids,
)
from policies.models import ReviewStatus, Styrdokument, review_status_label
from revision.my_documents import PANEL_ROWS, document_rows, owned_documents

from .charts import trend_chart
from .charts.formatting import first_of_month
from .snapshots import sees_whole_register, trend_for
from .views import organisation_label, owner_label, warning_days

MAX_ROWS = 20


class PendingDecisionsPanel(Component):
    """Att besluta: the steps where the user can act (never their own submissions)."""

    name = "styrdok_att_besluta"
    template_name = "reports/panels/att_besluta.html"
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
    template_name = "reports/panels/mina_arenden.html"
    order = 95

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
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
            Styrdokument.objects.visible_to(self.user)
            .filter(has_unpublished_changes=True)
            .filter(latest_revision__user=self.user)
            .annotate(pk_str=Cast("pk", CharField()))
            .exclude(pk_str__in=in_any_workflow)
            .order_by("-latest_revision_created_at")[:MAX_ROWS]
        )
        pages = Styrdokument.objects.visible_to(self.user).in_bulk([int(pk) for pk in in_workflow])
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


def _request(parent_context):
    return parent_context.get("request") if parent_context is not None else None


def _due_first(queryset):
    return queryset.order_by(F("next_review").asc(nulls_last=True), "title", "pk")


class ReviewPanel(Component):
    """A panel that is left out entirely when it has nothing to show (context built once)."""

    def __init__(self, user):
        self.user = user

    def has_content(self, context):
        return bool(context["rows"])

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context or not self.has_content(context):
            return ""
        return get_template(self.template_name).render(context)


class MyReviewsPanel(ReviewPanel):
    """Mina dokument att revidera: the user's own documents that need them now or soon.

    Restricted documents are listed too: the owner answers for them whatever their groups (as the
    reminders do).
    """

    name = "styrdok_mina_revisioner"
    template_name = "reports/panels/mina_revisioner.html"
    order = 100

    def get_context_data(self, parent_context=None):
        if not self.user.is_authenticated:
            return {"rows": []}
        days = warning_days(_request(parent_context))
        urgent = [ReviewStatus.OVERDUE, ReviewStatus.DUE_SOON, ReviewStatus.UNDER_REVISION]
        documents = _due_first(
            Styrdokument.objects.live()
            .visible_to(self.user)
            .filter(responsible_id=self.user.pk)
            .with_review_status(warning_days=days)
            .filter(Q(review_status__in=urgent) | Q(review_flagged_at__isnull=False))
        )[:MAX_ROWS]
        rows = [
            {
                "page": document,
                "status": document.review_status,
                "status_label": review_status_label(document.review_status, days),
                "flagged": document.review_flagged_at is not None,
                "can_start": document.review_status != ReviewStatus.UNDER_REVISION,
            }
            for document in documents
        ]
        plan_url = (
            reverse("styrdok_revision_plan:index") + "?" + urlencode({"responsible": self.user.pk})
        )
        return {"rows": rows, "plan_url": plan_url}


class OverdueOwnerlessPanel(ReviewPanel):
    """Försenade och ägarlösa: for the samordnare, who follows up the whole kommun's documents."""

    name = "styrdok_forsenade"
    template_name = "reports/panels/forsenade.html"
    order = 105

    def is_shown(self):
        user = self.user
        if not (user.is_authenticated and user.is_active):
            return False
        # Whoever follows up stalled decision runs follows up late and ownerless documents too.
        return user.has_perm("governance.monitor_decision_runs")

    def has_content(self, context):
        return bool(context["total"])

    def get_context_data(self, parent_context=None):
        if not self.is_shown():
            return {}
        days = warning_days(_request(parent_context))
        today = timezone.localdate()
        owner_missing = Q(responsible__isnull=True) | Q(responsible__is_active=False)
        overdue = Q(next_review__lt=today)
        documents = (
            Styrdokument.objects.live()
            .visible_to(self.user)
            .filter(overdue | owner_missing)
            .with_review_status(today=today, warning_days=days)
        )
        counts = documents.aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=overdue),
            ownerless=Count("pk", filter=owner_missing),
        )
        rows = []
        for document in _due_first(documents.select_related("responsible", "organisation"))[
            :MAX_ROWS
        ]:
            late = document.next_review is not None and document.next_review < today
            rows.append(
                {
                    "page": document,
                    "status": document.review_status,
                    "status_label": review_status_label(document.review_status, days),
                    "owner": owner_label(document.responsible),
                    "organisation": organisation_label(document.organisation),
                    "days_overdue": (today - document.next_review).days if late else None,
                }
            )
        plan_url = reverse("styrdok_revision_plan:index")
        yesterday = today - datetime.timedelta(days=1)
        return {
            **counts,
            "rows": rows,
            "overdue_url": f"{plan_url}?{urlencode({'next_review_to': yesterday.isoformat()})}",
            "ownerless_url": f"{plan_url}?{urlencode({'status': ReviewStatus.NO_OWNER.value})}",
        }


def stalled_runs(user, now=None):
    """Decision runs that wait without anyone to move them: the current step has no eligible
    approver (everyone assigned is a submitter or performed another step), or nobody has acted
    for the configured number of days. Only documents `user` may see are listed.

    Shown on the samordnare's dashboard, so it reads everything in a fixed number of queries:
    the runs, their documents and drafts' bodies, who acted on which step, who resubmitted, and
    the approvers once per step and body.
    """
    now = now or timezone.now()
    stall_days = StyrdokSettings.load().stall_days
    states = list(
        WorkflowState.objects.filter(
            status=WorkflowState.STATUS_IN_PROGRESS,
            base_content_type=ContentType.objects.get_for_model(Page),
            current_task_state__status=TaskState.STATUS_IN_PROGRESS,
        )
        .select_related("current_task_state__task", "requested_by", "workflow")
        .order_by("current_task_state__started_at")
    )
    if not states:
        return []
    runs = _RunsInProgress(states, user)
    rows = (runs.stalled_row(state, now, stall_days) for state in states)
    return [row for row in rows if row is not None]


def _stall_reason(eligible, waited, stall_days):
    if not eligible:
        return "Ingen som kan besluta i steget"
    if waited >= stall_days:
        return f"Inget har hänt på {waited} dagar"
    return None


class _RunsInProgress:
    """What deciding whether runs have stalled needs, read once for all of them so the panel
    costs the same number of queries however many runs there are."""

    def __init__(self, states, user):
        self.pages = pages = Styrdokument.objects.visible_to(user).in_bulk(
            [int(state.object_id) for state in states]
        )
        # The body each draft is decided by (a run's official follows its draft's body).
        self.contents = dict(
            Revision.objects.filter(
                pk__in=[
                    page.latest_revision_id for page in pages.values() if page.latest_revision_id
                ]
            ).values_list("pk", "content")
        )
        self.bodies = DecisionBody.objects.in_bulk(
            {self._body_id(page) for page in pages.values()} - {None}
        )
        self.acted = defaultdict(lambda: defaultdict(set))
        for run_id, person_id, task_id in TaskState.objects.filter(
            workflow_state__in=states, status__in=FINISHED_STEP_STATUSES
        ).values_list("workflow_state_id", "finished_by_id", "task_id"):
            self.acted[run_id][person_id].add(task_id)
        self.resumed = defaultdict(list)
        for page_id, person_id, at in PageLogEntry.objects.filter(
            page_id__in=list(pages), action="wagtail.workflow.resume"
        ).values_list("page_id", "user_id", "timestamp"):
            self.resumed[page_id].append((person_id, at))
        self.recorded = recorded_task_ids()
        self.tasks, self.approvers = {}, {}

    def _body_id(self, page):
        return (self.contents.get(page.latest_revision_id) or {}).get("decision_body")

    def _task(self, task_state):
        if task_state.task_id not in self.tasks:
            self.tasks[task_state.task_id] = task_state.task.specific
        return self.tasks[task_state.task_id]

    def _eligible(self, state, task, page, body):
        """The step's approvers who neither submitted this run nor performed another step."""
        key = (task.pk, getattr(body, "pk", None))
        if key not in self.approvers:
            self.approvers[key] = list(task.approvers_for(page))
        submitters = {state.requested_by_id} | {
            person for person, at in self.resumed[page.pk] if at >= state.created_at
        }
        return [
            person
            for person in self.approvers[key]
            if person.pk not in submitters
            and not other_steps(task, self.acted[state.pk][person.pk], self.recorded)
        ]

    def stalled_row(self, state, now, stall_days):
        """The panel's row for `state`, or None when it is hidden, not ours, or moving."""
        page = self.pages.get(int(state.object_id))
        if page is None:
            return None
        task_state = state.current_task_state
        task = self._task(task_state)
        if not isinstance(task, StyrdokTaskMixin):
            return None
        body = self.bodies.get(self._body_id(page))
        page._styrdok_draft_body = body
        eligible = self._eligible(state, task, page, body)
        waited = (now - task_state.started_at).days
        reason = _stall_reason(eligible, waited, stall_days)
        if reason is None:
            return None
        return {
            "state": task_state,
            "page": page,
            "task": task,
            "submitter": state.requested_by,
            "waited": waited,
            "reason": reason,
        }


class StalledRunsPanel(ReviewPanel):
    """Fastnade beslutsärenden: for the samordnare and administrators, who can unblock them."""

    name = "styrdok_fastnade"
    template_name = "reports/panels/fastnade.html"
    order = 92

    def get_context_data(self, parent_context=None):
        user = self.user
        if not (user.is_active and user.has_perm("governance.monitor_decision_runs")):
            return {}
        return {"rows": stalled_runs(user)[:MAX_ROWS]}


class MyDocumentsPanel(ReviewPanel):
    """Mina dokument: the owner's documents with status and actions, the most pressing first.

    The same rows as the "Mina dokument" page (governance/my_documents.py), cut to the first
    few; read in a fixed number of queries however many documents the owner has.
    """

    name = "styrdok_mina_dokument"
    template_name = "revision/my_documents/panel.html"
    order = 98

    def get_context_data(self, parent_context=None):
        documents = owned_documents(self.user)
        total = documents.count()
        if not total:
            return {"rows": [], "total": 0}
        return {"rows": document_rows(self.user, documents[:PANEL_ROWS]), "total": total}

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context)
        if not context["rows"]:
            return ""
        # The row actions are POST forms: the template needs the request for the CSRF token.
        return get_template(self.template_name).render(context, _request(parent_context))


class TrendPanel(Component):
    """Utveckling: the daily status measurements of the last twelve months, as a small chart,
    for those who receive the yearly review. The measurements count the whole kommun, so the
    panel is shown only to readers who may see the whole register (see reports.snapshots)."""

    name = "styrdok_utveckling"
    template_name = "reports/panels/utveckling.html"
    order = 107
    months = 12

    class Media:
        css = {"all": ["css/report_charts.css"]}

    def __init__(self, user):
        self.user = user

    def is_shown(self):
        user = self.user
        if not (user.is_authenticated and user.is_active):
            return False
        return user.has_perm("governance.view_annual_report") and sees_whole_register(user)

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        start = first_of_month(today - datetime.timedelta(days=31 * (self.months - 1)))
        trend = trend_for(start, today, self.user)
        chart = trend_chart(
            trend,
            chart_id="panel-utveckling",
            caption="Diagram: försenade dokument, dokument med revision snart och dokument utan "
            "dokumentansvarig de senaste tolv månaderna. Siffrorna finns under diagrammet.",
        )
        return {
            "trend": trend,
            "chart": chart,
            "start": start,
            "report_url": reverse("styrdok_annual_report:index"),
        }

    def render_html(self, parent_context=None):
        if not self.is_shown():
            return ""
        return get_template(self.template_name).render(self.get_context_data(parent_context))
