"""Wagtail's permission policies, narrowed by the restriction rule (policies.visibility).

Wagtail's admin asks the registered policy for every listing it builds: the explorer, the page
search, the reports (site history, workflows, locked and aging pages), the admin API behind the
page menu, the documents library and chooser. Registering these in place of Wagtail's defaults
makes a document restricted to groups, its subtree and its files absent from all of them for a
non-member, without touching each view.
"""

from wagtail.documents import get_document_model, get_document_model_string
from wagtail.models import AbstractPage, Page
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import register_permission_policy

from .visibility import hidden_file_ids, hidden_page_ids, page_hidden_from


class StyrdokPagePermissionPolicy(PagePermissionPolicy):
    def user_has_any_permission_for_instance(self, user, actions, instance):
        if instance.pk is not None and page_hidden_from(instance, user):
            return False
        return super().user_has_any_permission_for_instance(user, actions, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        pages = super().instances_user_has_any_permission_for(user, actions)
        return pages.exclude(pk__in=hidden_page_ids(user))

    def explorable_instances(self, user):
        pages = super().explorable_instances(user)
        return pages.exclude(pk__in=hidden_page_ids(user))


class StyrdokDocumentPermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Files used only by documents hidden from the user are absent from the library, the
    chooser and their own edit, delete and usage views."""

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if instance.pk is not None and instance.pk in hidden_file_ids(user):
            return False
        return super().user_has_any_permission_for_instance(user, actions, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        documents = super().instances_user_has_any_permission_for(user, actions)
        hidden = hidden_file_ids(user)
        return documents.exclude(pk__in=hidden) if hidden else documents


def register():
    """Called from PoliciesConfig.ready, after Wagtail's apps registered their defaults."""
    register_permission_policy(AbstractPage, StyrdokPagePermissionPolicy(Page))
    register_permission_policy(
        get_document_model(),
        StyrdokDocumentPermissionPolicy(
            get_document_model_string(),
            auth_model="wagtaildocs.Document",
            owner_field_name="uploaded_by_user",
        ),
    )
