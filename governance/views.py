"""Admin views for deciding and reviewing: the case page for a pending step, the comparison,
the history, and a document's review cycle (Påbörja revision, granskad utan ändringar)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages
from wagtail.admin.views.pages.revisions import RevisionsCompareView
from wagtail.models import Page, TaskState

from .history import decision_history
from .workflows import StyrdokTaskMixin, form_for_page, is_submitter


def _can_follow(user, page, workflow_state, task, actions):
    """Approvers, the submitter and the document's editors may open the case page."""
    if user.is_superuser or actions or task.user_is_approver(page, user):
        return True
    if workflow_state.requested_by_id == user.pk:
        return True
    return page.permissions_for_user(user).can_edit()


def _action_forms(task, actions, data=None, submitted=None, page=None):
    forms = []
    seen = set()
    for name, label, _modal in actions:
        if name in seen:
            continue
        seen.add(name)
        form_class = form_for_page(task.get_form_for_action(name), page)
        bound = data if submitted == name else None
        forms.append(
            {
                "name": name,
                "label": label,
                "form": form_class(bound, prefix=name) if form_class else None,
            }
        )
    return forms


def task_decision(request, task_state_id):
    """One page per pending step: the draft, what changed, the history and the decision forms."""
    task_state = get_object_or_404(
        TaskState.objects.select_related("workflow_state"), pk=task_state_id
    )
    task = task_state.task.specific
    if not isinstance(task, StyrdokTaskMixin):
        raise Http404
    workflow_state = task_state.workflow_state
    page = workflow_state.content_object.specific
    in_progress = task_state.status == TaskState.STATUS_IN_PROGRESS
    actions = task.get_actions(page, request.user) if in_progress else []
    if not _can_follow(request.user, page, workflow_state, task, actions):
        raise PermissionDenied

    submitted = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST":
        if not in_progress:
            messages.error(
                request,
                _("Dokumentet står inte längre på steget ”%(task)s”. Inget har ändrats.")
                % {"task": task.name},
            )
            return redirect("styrdok_task", task_state_id=task_state.pk)
        if submitted not in {name for name, _label, _modal in actions}:
            messages.error(request, _("Du kan inte utföra den åtgärden på det här steget."))
            return redirect("styrdok_task", task_state_id=task_state.pk)
        form_class = task.get_form_for_action(submitted)
        form = form_class(request.POST, prefix=submitted)
        if form.is_valid():
            try:
                with transaction.atomic():
                    locked = TaskState.objects.select_for_update().get(pk=task_state.pk)
                    if locked.status != TaskState.STATUS_IN_PROGRESS:
                        raise PermissionDenied(_("Dokumentet står inte längre på det här steget."))
                    task.on_action(task_state, request.user, submitted, **form.cleaned_data)
            except (PermissionDenied, ValidationError) as exc:
                message = " ".join(getattr(exc, "messages", None) or [str(exc)])
                messages.error(request, message + " " + _("Inget har ändrats."))
                return redirect("styrdok_task", task_state_id=task_state.pk)
            messages.success(
                request,
                _("Åtgärden är registrerad för ”%(title)s”.")
                % {"title": page.get_admin_display_title()},
            )
            return redirect("wagtailadmin_home")
        messages.error(request, _("Rätta uppgifterna nedan. Inget har sparats ännu."))

    draft = page.get_latest_revision_as_object()
    compare_url = None
    if page.live and task_state.revision_id:
        compare_url = reverse(
            "styrdok_compare",
            kwargs={
                "pk": page.pk,
                "revision_id_a": "live",
                "revision_id_b": task_state.revision_id,
            },
        )
    context = {
        "page": page,
        "draft": draft,
        "task": task,
        "task_state": task_state,
        "workflow_state": workflow_state,
        "in_progress": in_progress,
        "is_submitter": is_submitter(page, request.user),
        "action_forms": _action_forms(
            task, actions, request.POST if submitted else None, submitted, page=page
        ),
        "compare_url": compare_url,
        "preview_url": reverse("wagtailadmin_pages:workflow_preview", args=[page.pk, task.pk]),
        "history": decision_history(page),
        "steps": workflow_state.all_tasks_with_status(),
    }
    status = 400 if submitted and request.method == "POST" else 200
    return TemplateResponse(request, "governance/task_decision.html", context, status=status)


class DocumentCompareView(RevisionsCompareView):
    """Wagtail's comparison, opened to whoever acts on the document's current step.

    Decision makers and secretaries hold no page permissions, so Wagtail's own view refuses them.
    """

    def dispatch(self, request, *args, **kwargs):
        return super(RevisionsCompareView, self).dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        page = get_object_or_404(Page, id=self.pk).specific
        task = page.current_workflow_task
        allowed = page.permissions_for_user(self.request.user).can_edit() or (
            task is not None and bool(task.specific.get_actions(page, self.request.user))
        )
        if not allowed:
            raise PermissionDenied
        return page
