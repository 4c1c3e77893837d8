from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KvittensConfig(AppConfig):
    """Read acknowledgement (kvittens) per adopted version: staff confirm that they have read
    what applies to them. It sits above revision so its reminders join the review digest."""

    name = "kvittens"
    verbose_name = _("Kvittens")
    default_auto_field = "django.db.models.BigAutoField"
