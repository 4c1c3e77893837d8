from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running Styrdok: health checks, the run log of periodic jobs, logs, backups.

    The bottom layer: it imports no other Styrdok app, so every app may record its jobs here.
    """

    name = "operations"
    verbose_name = _("Drift")
    default_auto_field = "django.db.models.BigAutoField"
