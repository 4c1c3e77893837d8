from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KvittensConfig(AppConfig):
    """Read acknowledgement (kvittens) per adopted version: staff confirm that they have read
    what applies to them. It sits above revision so its reminders join the review digest."""

    name = "kvittens"
    verbose_name = _("Kvittens")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.models import Group
        from django.db.models.signals import post_delete, post_migrate, post_save

        from policies.middleware import register_document_snippet
        from styrdok.sso.signals import user_signed_in

        from . import memberships, permissions
        from .models import Acknowledgement, Requirement
        from .services import forget_requirement_index

        # Document pages ask a cached index whether any requirement covers them.
        post_save.connect(
            forget_requirement_index, sender=Requirement, dispatch_uid="kvittens.index.saved"
        )
        post_delete.connect(
            forget_requirement_index, sender=Requirement, dispatch_uid="kvittens.index.deleted"
        )

        post_save.connect(
            permissions.grant_to_new_group, sender=Group, dispatch_uid="kvittens.permissions.group"
        )
        post_migrate.connect(
            permissions.grant_after_migrate,
            sender=self,
            dispatch_uid="kvittens.permissions.migrated",
        )
        # A requirement and a confirmation are named after their document: where the document
        # is hidden from the reader, the requirement's admin addresses are a 404 like the
        # document's own, and neither is named in Wagtail's site history.
        register_document_snippet(
            Requirement,
            "document_id",
            ("kvittens_requirements", "wagtailsnippetchoosers_kvittens_requirement"),
        )
        register_document_snippet(Acknowledgement, "document_id", ())
        # The home unit can follow the directory: a claim at every SSO login.
        user_signed_in.connect(
            memberships.membership_from_claims, dispatch_uid="kvittens.memberships.sso"
        )
