from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Styrdokument")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            audit_log,
            choosers,
            copy_guard,
            hidden_copies,
            hidden_slugs,
            permission_policies,
            plain_language_admin,
            signal_handlers,
            uploads,
        )

        signal_handlers.connect()
        permission_policies.register()
        plain_language_admin.add_side_panel()
        choosers.register()
        audit_log.register()
        hidden_slugs.register()
        copy_guard.register()
        hidden_copies.register()
        uploads.register()
