"""Admin views for deciding and reviewing: the case page for a pending step, the comparison,
the history, and a document's review cycle (Påbörja revision, granskad utan ändringar)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
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


class TaskDecisionView(WagtailAdminTemplateMixin, View):
    """One page per pending step: the draft, what changed, the history and the decision forms.

    Who may open it is decided per case (approvers, the submitter, the document's editors), so
    the check is on the object, after the task state is found: an unknown id is a 404.
    """

    template_name = "governance/task_decision.html"
    header_icon = "clipboard-list"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.task_state = get_object_or_404(
            TaskState.objects.select_related("workflow_state"), pk=kwargs["task_state_id"]
        )
        self.task = self.task_state.task.specific
        if not isinstance(self.task, StyrdokTaskMixin):
            raise Http404
        self.workflow_state = self.task_state.workflow_state
        self.page = self.workflow_state.content_object.specific
        self.in_progress = self.task_state.status == TaskState.STATUS_IN_PROGRESS
        self.actions = self.task.get_actions(self.page, request.user) if self.in_progress else []
        self.submitted = None

    def dispatch(self, request, *args, **kwargs):
        if not _can_follow(request.user, self.page, self.workflow_state, self.task, self.actions):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.task.name

    def get_page_subtitle(self):
        return self.draft.title

    @cached_property
    def draft(self):
        return self.page.get_latest_revision_as_object()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.submitted = request.POST.get("action")
        refusal = self._refusal()
        if refusal:
            messages.error(request, refusal)
            return self._back()
        form = self.task.get_form_for_action(self.submitted)(request.POST, prefix=self.submitted)
        if not form.is_valid():
            messages.error(request, _("Rätta uppgifterna nedan. Inget har sparats ännu."))
            return self.render_to_response(self.get_context_data(), status=400)
        try:
            self._act(form)
        except (PermissionDenied, ValidationError) as exc:
            message = " ".join(getattr(exc, "messages", None) or [str(exc)])
            messages.error(request, message + " " + _("Inget har ändrats."))
            return self._back()
        messages.success(
            request,
            _("Åtgärden är registrerad för ”%(title)s”.")
            % {"title": self.page.get_admin_display_title()},
        )
        return redirect("wagtailadmin_home")

    def _refusal(self):
        """Why the posted action cannot be taken on this step, or None."""
        if not self.in_progress:
            return _("Dokumentet står inte längre på steget ”%(task)s”. Inget har ändrats.") % {
                "task": self.task.name
            }
        if self.submitted not in {name for name, _label, _modal in self.actions}:
            return _("Du kan inte utföra den åtgärden på det här steget.")
        return None

    def _act(self, form):
        with transaction.atomic():
            locked = TaskState.objects.select_for_update().get(pk=self.task_state.pk)
            if locked.status != TaskState.STATUS_IN_PROGRESS:
                raise PermissionDenied(_("Dokumentet står inte längre på det här steget."))
            self.task.on_action(
                self.task_state, self.request.user, self.submitted, **form.cleaned_data
            )

    def _back(self):
        return redirect("styrdok_cases:case", task_state_id=self.task_state.pk)

    def _compare_url(self):
        if not (self.page.live and self.task_state.revision_id):
            return None
        return reverse(
            "styrdok_cases:compare",
            kwargs={
                "pk": self.page.pk,
                "revision_id_a": "live",
                "revision_id_b": self.task_state.revision_id,
            },
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page, task = self.page, self.task
        context.update(
            {
                "page": page,
                "draft": self.draft,
                "task": task,
                "task_state": self.task_state,
                "workflow_state": self.workflow_state,
                "in_progress": self.in_progress,
                "is_submitter": is_submitter(page, self.request.user),
                "action_forms": _action_forms(
                    task,
                    self.actions,
                    self.request.POST if self.submitted else None,
                    self.submitted,
                    page=page,
                ),
                "compare_url": self._compare_url(),
                "preview_url": reverse(
                    "wagtailadmin_pages:workflow_preview", args=[page.pk, task.pk]
                ),
                "history": decision_history(page),
                "steps": self.workflow_state.all_tasks_with_status(),
            }
        )
        return context


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
