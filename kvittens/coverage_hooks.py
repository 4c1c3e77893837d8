"""Kvittensläge in Wagtail's Rapporter menu (imported by kvittens.wagtail_hooks)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from governance.viewsets import StyrdokViewSet

from .coverage import may_view_coverage
from .coverage_views import CoverageReportView, DocumentCoverageView


class CoverageViewSet(StyrdokViewSet):
    """The report, its filtered results and one document's coverage; shown in the menu to the
    samordnare and to dokumentansvariga, whom the views let in."""

    name = "styrdok_kvittens_coverage"
    url_prefix = "rapporter/kvittens"
    icon = "tick-inverse"
    menu_label = _("Kvittensläge")
    menu_hook = "register_reports_menu_item"
    menu_order = 45

    def user_sees_menu_item(self, user):
        return may_view_coverage(user)

    def get_urlpatterns(self):
        return [
            path("", CoverageReportView.as_view(), name="index"),
            path("resultat/", CoverageReportView.as_view(results_only=True), name="index_results"),
            path("dokument/<int:pk>/", DocumentCoverageView.as_view(), name="document"),
        ]


@hooks.register("register_admin_viewset")
def register_coverage_viewset():
    return CoverageViewSet()
