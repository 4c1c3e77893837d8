"""Refusals from inside a workflow step, shown as messages on every route into the step.

Wagtail's own workflow action URL calls Task.on_action without catching anything, so a step that
was decided a moment ago by someone else (AlreadyDecided) or a decision the rules refuse
(ValidationError) would surface as a bare 403 or a server error. Here they become the same
Swedish message and redirect the project's case page gives.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from wagtail.models import TaskState

from .workflows import StyrdokTaskMixin

HANDLED_VIEWS = {"wagtailadmin_pages:workflow_action"}


def _message(exception):
    texts = getattr(exception, "messages", None) or [str(exception)]
    text = " ".join(str(text) for text in texts if text)
    if "Inget har ändrats" not in text:
        text = f"{text} Inget har ändrats."
    return text


class WorkflowActionErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """A step that is no longer in progress is decided: say so before Wagtail answers that
        the page "is not awaiting moderation" (or offers a form for a finished step)."""
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in HANDLED_VIEWS:
            return None
        task_state = (
            TaskState.objects.filter(pk=view_kwargs.get("task_state_id"))
            .select_related("task", "finished_by")
            .first()
        )
        if task_state is None or task_state.status == TaskState.STATUS_IN_PROGRESS:
            return None
        task = task_state.task.specific
        if not isinstance(task, StyrdokTaskMixin):
            return None
        return self._refuse(request, match, task.already_decided(task_state))

    def process_exception(self, request, exception):
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in HANDLED_VIEWS:
            return None
        if not isinstance(exception, ValidationError):
            return None
        return self._refuse(request, match, exception)

    def _refuse(self, request, match, exception):
        messages.error(request, _message(exception))
        url = reverse("styrdok_cases:case", args=[match.kwargs["task_state_id"]])
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            return JsonResponse({"step": "success", "redirect": url})
        return redirect(url)
