from wagtail.signals import task_submitted, workflow_submitted

from . import notifications
from .signals import workflow_transition


def connect():
    workflow_submitted.connect(notifications.log_submission, dispatch_uid="styrdok-log-submission")
    task_submitted.connect(
        notifications.notify_task_approvers, dispatch_uid="styrdok-task-approvers"
    )
    workflow_transition.connect(notifications.notify_transition, dispatch_uid="styrdok-transition")
