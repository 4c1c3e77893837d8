"""Placeholder replaced below."""


def log_submission(sender, instance, user=None, **kwargs):
    pass


def notify_task_approvers(sender, instance, user=None, **kwargs):
    pass


def notify_transition(sender, **kwargs):
    pass
