"""The reports as ViewSets in Wagtail's Rapporter menu: Revisionsplan, Beslutsärenden and
Årlig genomgång (see governance.viewsets for what a ViewSet owns). Each menu item is shown to
those the report's own view lets in."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page
from wagtail.permissions import policy_registry

from governance.viewsets import StyrdokViewSet, admin_permissions

from .annual_report_views import (
    AnnualReportPdfView,
    AnnualReportView,
    AnnualReportXlsxView,
    RenderedReportDownloadView,
    ReportJobStatusView,
    ReportJobView,
    may_view_annual_report,
)
from .views import DecisionCasesReportView, RevisionPlanReportView


class ReportViewSet(StyrdokViewSet):
    """A filterable report: its page and the results fragment the filters reload."""

    menu_hook = "register_reports_menu_item"
    view_class = None

    def get_urlpatterns(self):
        view_class = self.view_class
        return [
            path("", view_class.as_view(), name="index"),
            path("resultat/", view_class.as_view(results_only=True), name="index_results"),
        ]


class DecisionCasesViewSet(ReportViewSet):
    name = "styrdok_decision_cases"
    url_prefix = "rapporter/beslutsarenden"
    icon = "tasks"
    menu_label = _("Beslutsärenden")
    menu_order = 50

    view_class = DecisionCasesReportView

    def user_sees_menu_item(self, user):
        return policy_registry.get_by_type(Page).user_has_any_permission(
            user, {"add", "change", "publish"}
        )


class RevisionPlanViewSet(ReportViewSet):
    name = "styrdok_revision_plan"
    url_prefix = "rapporter/revisionsplan"
    icon = "date"
    menu_label = _("Revisionsplan")
    menu_order = 40

    view_class = RevisionPlanReportView

    def user_sees_menu_item(self, user):
        return admin_permissions.user_has_permission(user, "access_admin")


class AnnualReportViewSet(StyrdokViewSet):
    name = "styrdok_annual_report"
    url_prefix = "rapporter/arlig-genomgang"
    icon = "doc-full"
    menu_label = _("Årlig genomgång")
    menu_hook = "register_reports_menu_item"
    menu_order = 60

    def user_sees_menu_item(self, user):
        return may_view_annual_report(user)

    def get_urlpatterns(self):
        return [
            path("", AnnualReportView.as_view(), name="index"),
            path("pdf/", AnnualReportPdfView.as_view(), name="pdf"),
            path("pdf/jobb/<int:pk>/", ReportJobView.as_view(), name="job"),
            path("pdf/jobb/<int:pk>/status/", ReportJobStatusView.as_view(), name="job_status"),
            path("xlsx/", AnnualReportXlsxView.as_view(), name="xlsx"),
            path("pdf/fil/<int:pk>/", RenderedReportDownloadView.as_view(), name="download"),
        ]
