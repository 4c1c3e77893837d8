"""Reports and the admin's start page: Beslutsärenden, Revisionsplan, Årlig genomgång and the
dashboard panels."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page
from wagtail.permissions import policy_registry

from .annual_report_views import annual_report, annual_report_pdf, may_view_annual_report
from .panels import (
    MyCasesPanel,
    MyDocumentsPanel,
    MyReviewsPanel,
    OverdueOwnerlessPanel,
    PendingDecisionsPanel,
    StalledRunsPanel,
)
from .views import DecisionCasesReportView, RevisionPlanReportView


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "rapporter/beslutsarenden/",
            DecisionCasesReportView.as_view(),
            name="styrdok_decision_cases",
        ),
        path(
            "rapporter/beslutsarenden/resultat/",
            DecisionCasesReportView.as_view(results_only=True),
            name="styrdok_decision_cases_results",
        ),
        path(
            "rapporter/revisionsplan/",
            RevisionPlanReportView.as_view(),
            name="styrdok_revision_plan",
        ),
        path(
            "rapporter/revisionsplan/resultat/",
            RevisionPlanReportView.as_view(results_only=True),
            name="styrdok_revision_plan_results",
        ),
    ]


class DecisionCasesMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Page).user_has_any_permission(
            request.user, {"add", "change", "publish"}
        )


@hooks.register("register_reports_menu_item")
def register_decision_cases_report():
    return DecisionCasesMenuItem(
        _("Beslutsärenden"), reverse("styrdok_decision_cases"), icon_name="tasks", order=50
    )


class RevisionPlanMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("wagtailadmin.access_admin")


@hooks.register("register_reports_menu_item")
def register_revision_plan_report():
    return RevisionPlanMenuItem(
        _("Revisionsplan"), reverse("styrdok_revision_plan"), icon_name="date", order=40
    )


# -- Årlig genomgång (the yearly review for kommunstyrelsen) ------------------------------------


@hooks.register("register_admin_urls")
def register_annual_report_urls():
    return [
        path("rapporter/arlig-genomgang/", annual_report, name="styrdok_annual_report"),
        path("rapporter/arlig-genomgang/pdf/", annual_report_pdf, name="styrdok_annual_report_pdf"),
    ]


class AnnualReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view_annual_report(request.user)


@hooks.register("register_reports_menu_item")
def register_annual_report():
    return AnnualReportMenuItem(
        _("Årlig genomgång"), reverse("styrdok_annual_report"), icon_name="doc-full", order=60
    )


@hooks.register("construct_homepage_panels")
def add_governance_panels(request, panels):
    # Styrdok's panels replace Wagtail's generic moderation panels for these users.
    panels[:] = [
        panel
        for panel in panels
        if getattr(panel, "name", "")
        not in {"workflow_objects_to_moderate", "user_objects_in_workflow_moderation"}
    ]
    panels.append(PendingDecisionsPanel(request.user))
    panels.append(StalledRunsPanel(request.user))
    panels.append(MyCasesPanel(request.user))
    panels.append(MyDocumentsPanel(request.user))
    panels.append(MyReviewsPanel(request.user))
    panels.append(OverdueOwnerlessPanel(request.user))
