from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Wagtail's own workflow emails; Styrdok sends its own Swedish notifications to the people the
# decision process names (see governance.notifications), so these are switched off.
WAGTAIL_WORKFLOW_EMAIL_HANDLERS = [
    ("task_submitted", "group_approval_task_submitted_email_notification"),
    ("workflow_submitted", "workflow_state_submitted_email_notification"),
    ("workflow_rejected", "workflow_state_rejected_email_notification"),
    ("workflow_approved", "workflow_state_approved_email_notification"),
]


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Styrning och organisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail import signals as wagtail_signals
        from wagtail.admin.signal_handlers import register_signal_handlers

        from . import signal_handlers

        # Make sure Wagtail's handlers are connected before disconnecting them, whatever the
        # order of INSTALLED_APPS; connecting is idempotent thanks to the dispatch_uids.
        register_signal_handlers()
        for signal_name, dispatch_uid in WAGTAIL_WORKFLOW_EMAIL_HANDLERS:
            signal = getattr(wagtail_signals, signal_name)
            for sender in (None, *self._workflow_senders()):
                signal.disconnect(sender=sender, dispatch_uid=dispatch_uid)
        signal_handlers.connect()
        # The page editor's comment e-mails go through the outbox, to people who may see the
        # document (governance.comment_notifications).
        from . import comment_notifications

        comment_notifications.install()
        # Changes to who decides are logged from the admin, imports and the shell alike.
        from . import decision_makers

        decision_makers.connect()
        # The decision history (governance.* audit entries) is never edited or deleted.
        from . import record_guard

        record_guard.connect()
        from . import wagtail_labels

        wagtail_labels.translate_field_labels()
        # Text with invisible control characters is refused on every route (forms, imports,
        # the shell).
        from . import text_input

        text_input.install()

    @staticmethod
    def _workflow_senders():
        from wagtail.models import TaskState, WorkflowState

        return (TaskState, WorkflowState)
