"""Admin for the governance model, in Wagtail's own snippet views."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Assignment, DecisionBody, LisArea, Organisation, Role, TargetGroup


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisation")
    list_display = ["name", "kind", "parent", "manager"]
    list_filter = ["kind"]
    search_fields = ["name"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("parent")]),
        FieldRowPanel([FieldPanel("manager"), FieldPanel("email")]),
    ]


class RoleViewSet(SnippetViewSet):
    model = Role
    icon = "user"
    menu_label = _("Roller")
    list_display = ["name", "code", "group", "show_publicly"]
    search_fields = ["name"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("group"), FieldPanel("sort_order")]),
        FieldPanel("show_publicly"),
    ]


class AssignmentViewSet(SnippetViewSet):
    model = Assignment
    icon = "user"
    menu_label = _("Uppdrag")
    list_display = ["user", "role", "organisation", "title"]
    list_filter = ["role", "organisation"]
    panels = [
        FieldRowPanel([FieldPanel("user"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("role"), FieldPanel("organisation")]),
    ]


class DecisionBodyViewSet(SnippetViewSet):
    model = DecisionBody
    icon = "clipboard-list"
    menu_label = _("Beslutande organ")
    list_display = ["name", "short_name", "kind", "official"]
    list_filter = ["kind"]
    search_fields = ["name"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name"), FieldPanel("code")]),
        FieldPanel("kind"),
        FieldPanel("document_types"),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("official")]),
        FieldPanel("workflow"),
        FieldPanel("review_delegate"),
        FieldPanel("sort_order"),
    ]


class TargetGroupViewSet(SnippetViewSet):
    model = TargetGroup
    icon = "group"
    menu_label = _("Målgrupper")
    list_display = ["name", "description"]
    panels = [FieldPanel("name"), FieldPanel("description")]


class LisAreaViewSet(SnippetViewSet):
    model = LisArea
    icon = "list-ol"
    menu_label = _("LIS-områden")
    list_display = ["number", "name"]
    panels = [FieldRowPanel([FieldPanel("number"), FieldPanel("name")]), FieldPanel("description")]


class GovernanceViewSetGroup(SnippetViewSetGroup):
    items = (
        OrganisationViewSet,
        RoleViewSet,
        AssignmentViewSet,
        DecisionBodyViewSet,
        TargetGroupViewSet,
        LisAreaViewSet,
    )
    menu_icon = "folder-open-inverse"
    menu_label = _("Styrning")
    menu_name = "styrning"


register_snippet(GovernanceViewSetGroup)


@hooks.register("register_log_actions")
def register_governance_log_actions(actions):
    from .history import ACTIONS

    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def register_governance_urls():
    from . import calendar
    from .reports import DecisionCasesReportView, RevisionPlanReportView
    from .views import (
        DocumentCompareView,
        document_history,
        review_confirm,
        review_overview,
        review_start,
        task_decision,
    )

    return [
        path("arenden/<int:task_state_id>/", task_decision, name="styrdok_task"),
        path(
            "arenden/dokument/<int:pk>/jamfor/<str:revision_id_a>...<str:revision_id_b>/",
            DocumentCompareView.as_view(),
            name="styrdok_compare",
        ),
        path("beslutshistorik/<int:page_id>/", document_history, name="styrdok_history"),
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
        path("revision/<int:page_id>/", review_overview, name="styrdok_review"),
        path("revision/<int:page_id>/paborja/", review_start, name="styrdok_review_start"),
        path(
            "revision/<int:page_id>/aktualitetsprovning/",
            review_confirm,
            name="styrdok_review_confirm",
        ),
        path("kalender/", calendar.manage_calendar, name="styrdok_calendar"),
        path("kalender/<int:user_id>/", calendar.manage_calendar, name="styrdok_calendar_user"),
    ]


class DecisionCasesMenuItem(MenuItem):
    def is_shown(self, request):
        from wagtail.models import Page
        from wagtail.permissions import policy_registry

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
    from .annual_report_views import annual_report, annual_report_pdf

    return [
        path("rapporter/arlig-genomgang/", annual_report, name="styrdok_annual_report"),
        path("rapporter/arlig-genomgang/pdf/", annual_report_pdf, name="styrdok_annual_report_pdf"),
    ]


class AnnualReportMenuItem(MenuItem):
    def is_shown(self, request):
        from .annual_report_views import may_view_annual_report

        return may_view_annual_report(request.user)


@hooks.register("register_reports_menu_item")
def register_annual_report():
    return AnnualReportMenuItem(
        _("Årlig genomgång"), reverse("styrdok_annual_report"), icon_name="doc-full", order=60
    )


@hooks.register("register_account_menu_item")
def register_calendar_account_item(request):
    return {
        "url": reverse("styrdok_calendar"),
        "label": _("Revisionskalender"),
        "help_text": _(
            "En hemlig kalenderadress med dina dokuments revisionsdatum, för Outlook och andra "
            "kalendrar. Kan återkallas och bytas."
        ),
    }


@hooks.register("register_user_listing_buttons")
def calendar_user_listing_button(user, request_user):
    from wagtail.admin.widgets import ListingButton

    if request_user.is_superuser:
        yield ListingButton(
            _("Revisionskalender"),
            reverse("styrdok_calendar_user", args=[user.pk]),
            priority=50,
        )


@hooks.register("register_page_header_buttons")
def review_page_header_button(page, user, view_name, next_url=None):
    from wagtail.admin.widgets import Button

    if hasattr(page, "responsible_id") and page.live and page.pk:
        yield Button(
            _("Revision och aktualitetsprövning"),
            reverse("styrdok_review", args=[page.pk]),
            icon_name="date",
            priority=60,
        )


@hooks.register("register_page_header_buttons")
def archive_pdf_page_header_button(page, user, view_name, next_url=None):
    """The current adopted version's archival PDF, as filed (rendered when first opened)."""
    from wagtail.admin.widgets import Button

    versions = getattr(page, "adopted_versions", None)
    if versions is None or not page.pk:
        return
    current = versions.filter(superseded_at__isnull=True, repealed_at__isnull=True).first()
    if current is not None:
        yield Button(
            _("Arkiv-PDF (version %(version)s)") % {"version": current.version},
            current.get_pdf_url(),
            icon_name="doc-full",
            priority=65,
        )


@hooks.register("register_page_listing_more_buttons")
def review_page_listing_button(page, user, next_url=None):
    from wagtail.admin.widgets import Button

    specific_class = page.specific_class
    if specific_class is not None and hasattr(specific_class, "review_status_on") and page.live:
        yield Button(
            _("Revision"),
            reverse("styrdok_review", args=[page.pk]),
            icon_name="date",
            priority=60,
        )


@hooks.register("construct_homepage_panels")
def add_governance_panels(request, panels):
    from .panels import MyCasesPanel, MyReviewsPanel, OverdueOwnerlessPanel, PendingDecisionsPanel

    # Styrdok's panels replace Wagtail's generic moderation panels for these users.
    panels[:] = [
        panel
        for panel in panels
        if getattr(panel, "name", "")
        not in {"workflow_objects_to_moderate", "user_objects_in_workflow_moderation"}
    ]
    panels.append(PendingDecisionsPanel(request.user))
    panels.append(MyCasesPanel(request.user))
    panels.append(MyReviewsPanel(request.user))
    panels.append(OverdueOwnerlessPanel(request.user))


@hooks.register("before_edit_page")
def point_to_case_page(request, page):
    """In the page editor, say where the document stands and link approvers to their case page."""
    from django.utils.html import format_html
    from wagtail.admin import messages

    if request.method != "GET" or not hasattr(page, "decision_body"):
        return None
    task_state = page.current_workflow_task_state
    if task_state is None:
        return None
    task = task_state.task.specific
    url = reverse("styrdok_task", args=[task_state.pk])
    if task.get_actions(page, request.user):
        messages.warning(
            request,
            format_html(
                "Dokumentet väntar på ditt beslut i steget ”{}”. "
                '<a href="{}">Öppna ärendet</a> för att jämföra, kommentera och besluta.',
                task.name,
                url,
            ),
        )
    else:
        messages.info(
            request,
            format_html(
                "Dokumentet är låst medan det granskas och beslutas (steget ”{}”). "
                '<a href="{}">Se ärendet</a>.',
                task.name,
                url,
            ),
        )
    return None
