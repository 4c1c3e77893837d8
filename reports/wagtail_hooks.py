"""Reports and the admin's start page: Beslutsärenden, Revisionsplan, Årlig genomgång and the
dashboard panels."""

from wagtail import hooks

from .panels import (
    MyCasesPanel,
    MyDocumentsPanel,
    MyReviewsPanel,
    OverdueOwnerlessPanel,
    PendingDecisionsPanel,
    StalledRunsPanel,
    TrendPanel,
)
from .viewsets import AnnualReportViewSet, DecisionCasesViewSet, RevisionPlanViewSet


@hooks.register("register_admin_viewset")
def register_report_viewsets():
    return [DecisionCasesViewSet(), RevisionPlanViewSet(), AnnualReportViewSet()]


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
    panels.append(TrendPanel(request.user))
