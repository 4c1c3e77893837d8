from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from .admin_views import VIEW_PERMISSION, JobRunReportView


class PermissionMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


class JobRunViewSet(ViewSet):
    name = "styrdok_job_runs"
    url_prefix = "rapporter/korningar"
    icon = "history"
    menu_label = _("Körningar")
    menu_hook = "register_reports_menu_item"
    menu_order = 80

    def get_urlpatterns(self):
        return [
            path("", JobRunReportView.as_view(), name="index"),
            path("resultat/", JobRunReportView.as_view(results_only=True), name="index_results"),
        ]

    def get_menu_item(self, order=None):
        return PermissionMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
        )


job_runs_viewset = JobRunViewSet()


@hooks.register("register_admin_viewset")
def register_job_runs():
    return job_runs_viewset
