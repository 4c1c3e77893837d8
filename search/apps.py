from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Sök")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.models import Group
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_migrate, post_save

        from . import synonyms
        from .models import SynonymGroup
        from .ranking import register_sqlite_functions
        from .suggest import document_changed

        # The autocomplete's title match needs a lower() that knows å, ä and ö on SQLite.
        connection_created.connect(
            register_sqlite_functions, dispatch_uid="search.ranking.sqlite_functions"
        )
        # "Menade du …" caches its vocabulary; a saved (published, unpublished, edited) or
        # deleted document renews it. Senders are the document types, so no sender is given.
        post_save.connect(document_changed, dispatch_uid="search.suggest.document_saved")
        post_delete.connect(document_changed, dispatch_uid="search.suggest.document_deleted")

        # The synonym table is cached per generation; an edit renews it once committed.
        post_save.connect(
            synonyms.synonyms_changed, sender=SynonymGroup, dispatch_uid="search.synonyms.saved"
        )
        post_delete.connect(
            synonyms.synonyms_changed, sender=SynonymGroup, dispatch_uid="search.synonyms.deleted"
        )
        # The samordnare edit the synonyms. governance's setup cannot name this app (layers), so
        # the grant is made from here: when the group is created (setup_styrdok on a new
        # installation) and after migrating (an installation whose groups exist already).
        post_save.connect(
            synonyms.grant_to_new_group, sender=Group, dispatch_uid="search.synonyms.group"
        )
        post_migrate.connect(
            synonyms.grant_after_migrate, sender=self, dispatch_uid="search.synonyms.migrated"
        )
