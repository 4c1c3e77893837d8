from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Sök")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .suggest import document_changed

        # "Menade du …" caches its vocabulary; a saved (published, unpublished, edited) or
        # deleted document renews it. Senders are the document types, so no sender is given.
        post_save.connect(document_changed, dispatch_uid="search.suggest.document_saved")
        post_delete.connect(document_changed, dispatch_uid="search.suggest.document_deleted")
