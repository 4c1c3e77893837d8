from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevisionConfig(AppConfig):
    """The review cycle above the documents: revision, aktualitetsprövning, reminders and the
    review calendar. It learns of new versions through policies' signals."""

    name = "revision"
    verbose_name = _("Revision")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signal_handlers

        signal_handlers.connect()
