from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports and dashboard panels, on top of every other app: the yearly review for
    kommunstyrelsen, the revision plan, the decision cases and the admin's start page."""

    name = "reports"
    verbose_name = _("Rapporter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from revision.signals import reminder_run_finished

        from .snapshots import record_after_reminders

        reminder_run_finished.connect(
            record_after_reminders, dispatch_uid="reports.record_status_snapshot"
        )
