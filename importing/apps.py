from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportingConfig(AppConfig):
    """Import of a kommun's existing styrdokument from Word files, one at a time or in bulk.
    Imports only ever create drafts and historical records; they never publish."""

    name = "importing"
    verbose_name = _("Import")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.models import Group
        from django.db.models.signals import post_migrate, post_save

        from . import permissions

        # governance's setup cannot name this app (layers), so the grant is made from here: when
        # the group is created (setup_styrdok) and after migrating (groups that exist already).
        post_save.connect(
            permissions.grant_to_new_group, sender=Group, dispatch_uid="importing.group"
        )
        post_migrate.connect(
            permissions.grant_after_migrate, sender=self, dispatch_uid="importing.migrated"
        )
