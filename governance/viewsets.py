"""Styrdok's own admin screens as Wagtail ViewSets, and the pieces they share.

A ViewSet owns its URLs under one namespace (``styrdok_outbox:index``), its menu item and the
permission its views declare, so a screen is wired in one place instead of across a URL hook, a
MenuItem subclass and a hand-written check in the view. The URL prefixes are the addresses the
screens have always had: they are bookmarked and sent in e-mails.
"""

from django.contrib.auth import get_user_model
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from .outbox_views import OutboxReportView, ResendView
from .views import DocumentCompareView, TaskDecisionView


class DjangoPermissionPolicy(BasePermissionPolicy):
    """Actions are plain Django permission codenames of one app ("view_outbox" means
    governance.view_outbox), so views can declare them through Wagtail's PermissionCheckedMixin.

    Styrdok's screens are guarded by such named permissions (given to roles' groups in setup),
    not by add/change/delete on a model.
    """

    def __init__(self, app_label):
        super().__init__(model=None)
        self.app_label = app_label

    def perm(self, action):
        return f"{self.app_label}.{action}"

    def user_has_permission(self, user, action):
        return user.has_perm(self.perm(action))

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.none()
        for action in actions:
            users |= get_user_model().objects.with_perm(self.perm(action))
        return users.distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


governance_permissions = DjangoPermissionPolicy("governance")
admin_permissions = DjangoPermissionPolicy("wagtailadmin")


class ShownIfMenuItem(MenuItem):
    """A menu item shown to those its viewset's `user_sees_menu_item` lets in."""

    def __init__(self, *args, viewset, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewset = viewset

    def is_shown(self, request):
        return self.viewset.user_sees_menu_item(request.user)


class StyrdokViewSet(ViewSet):
    """A screen family: its URL patterns, and a menu item shown only to those who may use it.

    `menu_hook` names the menu to register in (the admin menu, or Wagtail's Rapporter menu), so
    the menu item and its visibility live with the views instead of in a hand-written hook.
    """

    menu_hook = None
    menu_order = None

    def user_sees_menu_item(self, user):
        return True

    def get_menu_item(self, order=None):
        return ShownIfMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            viewset=self,
        )


# -- the case page of a pending step, and the comparison it links to ------------------------------


class CasesViewSet(StyrdokViewSet):
    name = "styrdok_cases"
    url_prefix = "arenden"
    icon = "clipboard-list"

    def get_urlpatterns(self):
        return [
            path("<int:task_state_id>/", TaskDecisionView.as_view(), name="case"),
            path(
                "dokument/<int:pk>/jamfor/<str:revision_id_a>...<str:revision_id_b>/",
                DocumentCompareView.as_view(),
                name="compare",
            ),
        ]


# -- Utskick (the outbox of notifications), in the Rapporter menu --------------------------------


class OutboxViewSet(StyrdokViewSet):
    name = "styrdok_outbox"
    url_prefix = "rapporter/utskick"
    icon = "mail"
    menu_label = _("Utskick")
    menu_hook = "register_reports_menu_item"
    menu_order = 70
    # Given to the views, which declare the permissions they need (view_outbox, resend_outbox).
    permission_policy = governance_permissions

    def user_sees_menu_item(self, user):
        return self.permission_policy.user_has_permission(user, "view_outbox")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(permission_policy=self.permission_policy, **kwargs)

    def get_urlpatterns(self):
        index = self.construct_view(OutboxReportView)
        results = self.construct_view(OutboxReportView, results_only=True)
        resend = require_POST(self.construct_view(ResendView))
        return [
            path("", index, name="index"),
            path("resultat/", results, name="index_results"),
            path("<int:pk>/skicka-igen/", resend, name="resend"),
        ]
