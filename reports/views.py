"""Admin reports: every decision case (workflow run), and the Revisionsplan of when each document
is due for review. Both are filterable and exportable to CSV/XLSX."""

import datetime
from collections import defaultdict

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BigIntegerField,
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput
from wagtail.models import Page, PageLogEntry, TaskState, WorkflowState
from wagtail.permissions import policy_registry

from governance.constants import DocumentType
from governance.models import DecisionBody, Organisation, StyrdokSettings
from governance.viewsets import admin_permissions
from policies.models import ReviewStatus, Styrdokument, review_status_label

RETURNED = _("Återremitterad")
STATUS_LABELS = {
    WorkflowState.STATUS_IN_PROGRESS: _("Pågår"),
    WorkflowState.STATUS_NEEDS_CHANGES: RETURNED,
    WorkflowState.STATUS_APPROVED: _("Beslutad"),
}
# The status filter offers what the listing says. A returned run that the editor withdrew is
# still "Återremitterad" (and found under it); the other finished runs without a decision are
# an avslag or withdrawn.
STATUS_FILTER_CHOICES = [
    *STATUS_LABELS.items(),
    (WorkflowState.STATUS_CANCELLED, _("Avslagen eller avbruten")),
]

# How a finished run that did not end in a decision ended, by its last recorded transition: a
# return at any step (the organ's återremiss or Granskning's "Begär ändringar") is a return.
ENDED_LABELS = {
    "governance.returned": RETURNED,
    "governance.step_returned": RETURNED,
    "governance.refused": _("Avslagen"),
}
ENDED_DEFAULT = _("Avbruten")


def ended_labels(cancelled):
    """{workflow state pk: label} for the cancelled runs with these pks: an återremiss that the
    editor then withdrew is "Återremitterad", an avslag "Avslagen", anything else "Avbruten"."""
    run_of = dict(
        TaskState.objects.filter(workflow_state_id__in=cancelled).values_list(
            "pk", "workflow_state_id"
        )
    )
    ended = {}
    if run_of:
        entries = (
            PageLogEntry.objects.filter(
                action__in=[*ENDED_LABELS, "governance.decided"],
                data__task_state_id__in=list(run_of),
            )
            .order_by("timestamp", "pk")
            .values_list("action", "data")
        )
        for action, data in entries:
            run = run_of.get((data or {}).get("task_state_id"))
            if run is not None:
                ended[run] = action
    return {pk: ENDED_LABELS.get(ended.get(pk), ENDED_DEFAULT) for pk in cancelled}


def run_labels(states):
    """{workflow state pk: status label} for the runs in `states`."""
    cancelled = [s.pk for s in states if s.status == WorkflowState.STATUS_CANCELLED]
    labels = ended_labels(cancelled) if cancelled else {}
    for state in states:
        if state.status != WorkflowState.STATUS_CANCELLED:
            labels[state.pk] = STATUS_LABELS.get(state.status, state.status)
    return labels


def withdrawn_returns(queryset):
    """The pks of the cancelled runs in `queryset` whose last transition was a return."""
    cancelled = list(
        queryset.filter(status=WorkflowState.STATUS_CANCELLED).values_list("pk", flat=True)
    )
    if not cancelled:
        return []
    return [pk for pk, label in ended_labels(cancelled).items() if label == RETURNED]


def _documents(user):
    """The documents `user` may know of: restricted ones only for their groups' members."""
    return Styrdokument.objects.visible_to(user)


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
        label=_("Status"),
        choices=STATUS_FILTER_CHOICES,
        method="filter_status",
        empty_label=_("Alla"),
    )

    class Meta:
        model = WorkflowState
        fields = ["status"]

    def filter_body(self, queryset, name, value):
        return queryset.filter(doc_body_id=value.pk) if value else queryset

    def filter_type(self, queryset, name, value):
        return queryset.filter(doc_type=value) if value else queryset

    def filter_status(self, queryset, name, value):
        if value == WorkflowState.STATUS_NEEDS_CHANGES:
            returned = withdrawn_returns(queryset)
            return queryset.filter(Q(status=value) | Q(pk__in=returned))
        if value == WorkflowState.STATUS_CANCELLED:
            return queryset.filter(status=value).exclude(pk__in=withdrawn_returns(queryset))
        return queryset.filter(status=value) if value else queryset


class DecisionCasesReportView(ReportView):
    page_title = _("Beslutsärenden")
    header_icon = "tasks"
    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "reports/listings/decision_cases_results.html"
    filterset_class = DecisionCaseFilterSet
    index_url_name = "styrdok_decision_cases:index"
    index_results_url_name = "styrdok_decision_cases:index_results"
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
        return policy_registry.get_by_type(Page)

    def get_filename(self):
        return f"beslutsarenden-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        """Every run on a document the user may know of, newest first.

        A run names its page by a text object_id; it is read as a number (guarded, so that a
        run on something else never breaks the cast) and every per-row lookup goes through the
        document's primary key. Comparing the text with each document's pk cast to text, as
        this did before, scanned the whole register for every run: seconds at 10,000 documents.
        """
        documents = _documents(self.request.user)
        page_pk = Case(
            When(object_id__regex=r"^[0-9]{1,18}$", then=Cast("object_id", BigIntegerField())),
            default=None,
            output_field=BigIntegerField(),
        )
        doc = documents.filter(pk=OuterRef("doc_pk"))
        # The body deciding a run is the one in the draft it is deciding on, which may differ
        # from the adopted version's (a next version sent to another body).
        run_body = Cast(
            KeyTextTransform("decision_body", "current_task_state__revision__content"),
            IntegerField(),
        )
        return (
            WorkflowState.objects.filter(base_content_type=ContentType.objects.get_for_model(Page))
            .annotate(doc_pk=page_pk)
            .filter(doc_pk__in=documents.values("pk"))
            .annotate(
                doc_title=Subquery(doc.values("title")[:1]),
                doc_type=Subquery(doc.values("document_type")[:1]),
                doc_body_id=Coalesce(
                    run_body,
                    Subquery(doc.values("decision_body_id")[:1]),
                    output_field=IntegerField(),
                ),
                doc_body_name=Subquery(
                    DecisionBody.objects.filter(pk=OuterRef("doc_body_id")).values("name")[:1]
                ),
            )
            .select_related("workflow", "requested_by", "current_task_state__task")
            .order_by("-created_at", "-pk")
        )

    def decorate_paginated_queryset(self, object_list):
        labels = dict(DocumentType.choices)
        status_labels = run_labels(object_list)
        for state in object_list:
            state.doc_type_label = labels.get(state.doc_type, "")
            state.status_label = str(status_labels[state.pk])
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


# -- Revisionsplan -----------------------------------------------------------------------------

NO_VALUE = "–"


def owner_label(user):
    """The dokumentansvarig by name; one who has left stays named, marked as no longer here."""
    if user is None:
        return NO_VALUE
    name = user.get_full_name() or user.get_username()
    return name if user.is_active else _("%(name)s (inaktiv)") % {"name": name}


def organisation_label(organisation):
    return organisation.name if organisation is not None else _("Kommungemensam")


def warning_days(request=None):
    """The configured 'revision snart' threshold (cached on the request when there is one)."""
    return StyrdokSettings.load(request_or_site=request).review_warning_days


def status_choices(days):
    return [(status.value, review_status_label(status, days)) for status in ReviewStatus]


def organisation_and_below(organisation):
    """Ids of the unit and every unit under it: a förvaltning answers for its kontor's documents."""
    children = defaultdict(list)
    for pk, parent_id in Organisation.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    ids, stack = set(), [organisation.pk]
    while stack:
        pk = stack.pop()
        if pk not in ids:
            ids.add(pk)
            stack.extend(children[pk])
    return ids


def document_owners(request):
    """Only people who answer for a document the user may read are worth offering."""
    user = getattr(request, "user", None)
    responsible = Styrdokument.objects.live().visible_to(user).values("responsible_id")
    return (
        get_user_model()
        .objects.filter(pk__in=responsible)
        .order_by("first_name", "last_name", "username")
    )


class OwnerChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return owner_label(obj)


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = OwnerChoiceField


class OrganisationChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        # The active-filter pill passes the "null" choice as the raw value.
        if obj == self.null_value:
            return self.null_label
        return super().label_from_instance(obj)


class OrganisationFilter(django_filters.ModelChoiceFilter):
    field_class = OrganisationChoiceField


FLAGGED_YES = "ja"
FLAGGED_NO = "nej"


class RevisionPlanFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), method="filter_status", empty_label=_("Alla")
    )
    flagged = django_filters.ChoiceFilter(
        label=_("Översyn behövs"),
        choices=[(FLAGGED_YES, _("Ja")), (FLAGGED_NO, _("Nej"))],
        method="filter_flagged",
        empty_label=_("Alla"),
    )
    decision_body = django_filters.ModelChoiceFilter(
        label=_("Beslutande organ"), queryset=DecisionBody.objects.all(), empty_label=_("Alla")
    )
    organisation = OrganisationFilter(
        label=_("Förvaltning"),
        queryset=Organisation.objects.all(),
        method="filter_organisation",
        empty_label=_("Alla"),
        null_label=_("Kommungemensam"),
    )
    responsible = OwnerFilter(
        label=_("Dokumentansvarig"), queryset=document_owners, empty_label=_("Alla")
    )
    document_type = django_filters.ChoiceFilter(
        label=_("Dokumenttyp"), choices=DocumentType.choices, empty_label=_("Alla")
    )
    next_review_from = django_filters.DateFilter(
        label=_("Revideras senast från"),
        field_name="next_review",
        lookup_expr="gte",
        widget=AdminDateInput,
    )
    next_review_to = django_filters.DateFilter(
        label=_("Revideras senast till"),
        field_name="next_review",
        lookup_expr="lte",
        widget=AdminDateInput,
    )

    class Meta:
        model = Styrdokument
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The 'revision snart' label names the configured number of days, read per request.
        self.filters["status"].extra["choices"] = status_choices(warning_days(self.request))

    def filter_status(self, queryset, name, value):
        """By indexed columns (Styrdokument.in_review_status), not the annotated CASE, which the
        database would compute for every document before filtering."""
        if not value:
            return queryset
        return queryset.in_review_status(value, warning_days=warning_days(self.request))

    def filter_flagged(self, queryset, name, value):
        if value == FLAGGED_YES:
            return queryset.filter(review_flagged_at__isnull=False)
        if value == FLAGGED_NO:
            return queryset.filter(review_flagged_at__isnull=True)
        return queryset

    def filter_organisation(self, queryset, name, value):
        if not value:
            return queryset
        if value == self.filters["organisation"].null_value:
            return queryset.filter(organisation__isnull=True)
        return queryset.filter(organisation_id__in=organisation_and_below(value))


class RevisionPlanReportView(ReportView):
    """Revisionsplan: when each document the user may read is due for review, and who answers."""

    page_title = _("Revisionsplan")
    header_icon = "date"
    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "reports/listings/revision_plan_results.html"
    filterset_class = RevisionPlanFilterSet
    index_url_name = "styrdok_revision_plan:index"
    index_results_url_name = "styrdok_revision_plan:index_results"
    # Owners, decision makers and secretaries follow reviews too, not only page editors; the
    # rows are limited to what the user may read.
    permission_policy = admin_permissions
    permission_required = "access_admin"

    list_export = [
        "title",
        "document_type_label",
        "next_review",
        "status_label",
        "flagged_label",
        "owner_label",
        "organisation_label",
        "decision_body_name",
        "last_reviewed",
        "lix",
    ]
    export_headings = {
        "title": _("Dokument"),
        "document_type_label": _("Dokumenttyp"),
        "next_review": _("Revideras senast"),
        "status_label": _("Status"),
        "flagged_label": _("Översyn behövs"),
        "owner_label": _("Dokumentansvarig"),
        "organisation_label": _("Förvaltning"),
        "decision_body_name": _("Beslutande organ"),
        "last_reviewed": _("Senast aktualitetsprövad"),
        "lix": _("LIX (läsbarhetsindex)"),
    }

    @cached_property
    def warning_days(self):
        return warning_days(self.request)

    def get_filename(self):
        return f"revisionsplan-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        return (
            Styrdokument.objects.live()
            .visible_to(self.request.user)
            .with_review_status(warning_days=self.warning_days)
            .select_related("decision_body", "organisation", "responsible")
            # The readability stored when the text was saved (policies.plain_language_admin).
            .annotate(stored_lix=F("readability__lix"))
            .order_by(F("next_review").asc(nulls_last=True), "title", "pk")
        )

    def decorate_paginated_queryset(self, object_list):
        documents = list(object_list)
        for document in documents:
            document.status_label = review_status_label(document.review_status, self.warning_days)
            document.flagged_label = _("Ja") if document.review_flagged_at else _("Nej")
            document.owner_label = owner_label(document.responsible)
            document.organisation_label = organisation_label(document.organisation)
            document.lix = None if document.stored_lix is None else round(document.stored_lix)
        return documents
