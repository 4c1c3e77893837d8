from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportingConfig(AppConfig):
    """Import of a kommun's existing styrdokument from Word files, one at a time or in bulk.
    Imports only ever create drafts and historical records; they never publish."""

    name = "importing"
    verbose_name = _("Import")
    default_auto_field = "django.db.models.BigAutoField"
