"""Report of every decision case (workflow run), filterable and exportable to CSV/XLSX."""

import datetime

import django_filters
from django.db.models import CharField, IntegerField, OuterRef, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.models import WorkflowState
from wagtail.permissions import policy_registry

from .constants import DocumentType
from .models import DecisionBody

STATUS_LABELS = {
    WorkflowState.STATUS_IN_PROGRESS: _("Pågår"),
    WorkflowState.STATUS_NEEDS_CHANGES: _("Återremitterad"),
    WorkflowState.STATUS_APPROVED: _("Beslutad"),
    WorkflowState.STATUS_CANCELLED: _("Avbruten eller avslagen"),
}


def _documents():
    from policies.models import Styrdokument

    return Styrdokument.objects.all()


class DecisionCaseFilterSet(WagtailFilterSet):
    decision_body = django_filters.ModelChoiceFilter(
        label=_("Beslutande organ"),
        queryset=DecisionBody.objects.all(),
        method="filter_body",
        empty_label=_("Alla"),
    )
    document_type = django_filters.ChoiceFilter(
        label=_("Dokumenttyp"),
        choices=DocumentType.choices,
        method="filter_type",
        empty_label=_("Alla"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=list(STATUS_LABELS.items()), empty_label=_("Alla")
    )

    class Meta:
        model = WorkflowState
        fields = ["status"]

    def filter_body(self, queryset, name, value):
        return queryset.filter(doc_body_id=value.pk) if value else queryset

    def filter_type(self, queryset, name, value):
        return queryset.filter(doc_type=value) if value else queryset


class DecisionCasesReportView(ReportView):
    page_title = _("Beslutsärenden")
    header_icon = "tasks"
    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "governance/reports/decision_cases_results.html"
    filterset_class = DecisionCaseFilterSet
    index_url_name = "styrdok_decision_cases"
    index_results_url_name = "styrdok_decision_cases_results"
    any_permission_required = ["add", "change", "publish"]

    list_export = [
        "doc_title",
        "doc_type_label",
        "doc_body_name",
        "workflow.name",
        "status_label",
        "current_step",
        "requested_by_name",
        "created_at",
    ]
    export_headings = {
        "doc_title": _("Dokument"),
        "doc_type_label": _("Dokumenttyp"),
        "doc_body_name": _("Beslutande organ"),
        "workflow.name": _("Arbetsflöde"),
        "status_label": _("Status"),
        "current_step": _("Aktuellt steg"),
        "requested_by_name": _("Inskickat av"),
        "created_at": _("Startad"),
    }

    @cached_property
    def permission_policy(self):
        from wagtail.models import Page

        return policy_registry.get_by_type(Page)

    def get_filename(self):
        return f"beslutsarenden-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        docs = (
            _documents()
            .annotate(pk_str=Cast("pk", CharField()))
            .filter(pk_str=OuterRef("object_id"))
        )
        # The body deciding a run is the one in the draft it is deciding on, which may differ
        # from the adopted version's (a next version sent to another body).
        run_body = Cast(
            KeyTextTransform("decision_body", "current_task_state__revision__content"),
            IntegerField(),
        )
        return (
            WorkflowState.objects.filter(object_id__in=Subquery(docs.values("pk_str")))
            .annotate(
                doc_title=Subquery(docs.values("title")[:1]),
                doc_type=Subquery(docs.values("document_type")[:1]),
                doc_body_id=Coalesce(
                    run_body,
                    Subquery(docs.values("decision_body_id")[:1]),
                    output_field=IntegerField(),
                ),
                doc_body_name=Subquery(
                    DecisionBody.objects.filter(pk=OuterRef("doc_body_id")).values("name")[:1]
                ),
            )
            .select_related("workflow", "requested_by", "current_task_state__task")
            .order_by("-created_at")
        )

    def decorate_paginated_queryset(self, object_list):
        labels = dict(DocumentType.choices)
        for state in object_list:
            state.doc_type_label = labels.get(state.doc_type, "")
            state.status_label = STATUS_LABELS.get(state.status, state.status)
            task_state = state.current_task_state
            state.current_step = (
                task_state.task.name
                if task_state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS
                else ""
            )
            user = state.requested_by
            state.requested_by_name = (user.get_full_name() or user.get_username()) if user else ""
        return object_list

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(
            self.decorate_paginated_queryset(list(queryset)), spreadsheet_format
        )
