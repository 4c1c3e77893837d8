"""Kvittensläge in the admin (Rapporter → Kvittensläge): coverage per document, per
organisation and by name, with XLSX and CSV exports.

The samordnare (kvittens.view_coverage) follows every document they may read; a
dokumentansvarig opens the same screens for their own documents without the permission.
Everyone else is sent back to the dashboard with a Swedish explanation.
"""

import django_filters
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets.button import Button

from governance.constants import DocumentType
from governance.models import Organisation
from policies.models import Styrdokument

from .coverage import (
    OrganisationTree,
    coverage,
    home_unit,
    listed,
    may_view_coverage,
    missing_people,
    required_documents,
    sees_all_documents,
)
from .coverage_export import csv_response, xlsx_response

REFUSED = _(
    "Kvittensläget visas för dokumentansvariga (för de egna dokumenten) och för den som har "
    "behörigheten ”Kan se kvittensläget”."
)
MISSING_PER_PAGE = 50
LOW_COVERAGE = [
    ("50", _("Under 50 %")),
    ("80", _("Under 80 %")),
    ("100", _("Inte alla har bekräftat")),
]


def refuse(request):
    messages.error(request, REFUSED)
    return redirect("wagtailadmin_home")


class CoverageAccessMixin:
    """Opens for the permission or for a dokumentansvarig; refuses with a Swedish message."""

    def dispatch(self, request, *args, **kwargs):
        if not may_view_coverage(request.user):
            return refuse(request)
        return super().dispatch(request, *args, **kwargs)


class CoverageFilterSet(WagtailFilterSet):
    document_type = django_filters.ChoiceFilter(
        label=_("Dokumenttyp"), choices=DocumentType.choices, empty_label=_("Alla")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        method="keep",
        empty_label=_("Hela kommunen"),
        help_text=_("Räknar bara personer i enheten och enheterna under den."),
    )
    coverage = django_filters.ChoiceFilter(
        label=_("Täckning"), choices=LOW_COVERAGE, method="keep", empty_label=_("Alla")
    )

    class Meta:
        model = Styrdokument
        fields = []

    def keep(self, queryset, name, value):
        """Applied by the view to the counts, not to the documents."""
        return queryset


class CoverageReportView(CoverageAccessMixin, ReportView):
    """Kvittensläge: each document that requires kvittens with how many of its audience have
    confirmed the version in force, lowest coverage first."""

    page_title = _("Kvittensläge")
    header_icon = "tick-inverse"
    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "kvittens/coverage_results.html"
    filterset_class = CoverageFilterSet
    index_url_name = "styrdok_kvittens_coverage:index"
    index_results_url_name = "styrdok_kvittens_coverage:index_results"
    paginate_by = 25
    # The export is a workbook of its own (two sheets), written by coverage_export.
    list_export = ["document"]

    @cached_property
    def tree(self):
        return OrganisationTree.load()

    def filter_value(self, name):
        if self.filters is None or not self.filters.is_valid():
            return None
        return self.filters.form.cleaned_data.get(name) or None

    @cached_property
    def organisation(self):
        return self.filter_value("organisation")

    def get_queryset(self):
        return required_documents(self.request.user).order_by("title", "pk")

    def get_filtered_queryset(self):
        """Every matching document counted at once (a fixed number of queries), so that the
        lowest coverage comes first and the coverage filter sees them all."""
        documents = listed(self.filter_queryset(self.get_queryset()))
        items = coverage(documents, organisation=self.organisation, tree=self.tree)
        if self.organisation is not None:
            items = [item for item in items if item.tally.audience]
        threshold = self.filter_value("coverage")
        if threshold:
            limit = int(threshold)
            items = [
                item for item in items if item.tally.share is not None and item.tally.share < limit
            ]
        items.sort(key=lambda item: (item.tally.share is None, item.tally.share or 0))
        return items

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["organisation"] = self.organisation
        context["sees_all"] = sees_all_documents(self.request.user)
        context["detail_query"] = (
            f"?organisation={self.organisation.pk}" if self.organisation is not None else ""
        )
        return context

    def get_filename(self):
        return f"kvittenslage-{timezone.localdate():%Y-%m-%d}"

    def as_spreadsheet(self, items, spreadsheet_format):
        if spreadsheet_format == self.FORMAT_CSV:
            return csv_response(items, self.tree, self.organisation, self.get_filename())
        return xlsx_response(items, self.tree, self.organisation, self.get_filename())

    @cached_property
    def header_more_buttons(self):
        return [
            Button(
                _("Ladda ned XLSX"), url=self.xlsx_export_url, icon_name="download", priority=90
            ),
            Button(_("Ladda ned CSV"), url=self.csv_export_url, icon_name="download", priority=100),
        ]


class DocumentCoverageView(CoverageAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """One document: its coverage per organisation and who has not confirmed, by name."""

    template_name = "kvittens/coverage_document.html"
    page_title = _("Kvittensläge")
    header_icon = "tick-inverse"

    def dispatch(self, request, *args, **kwargs):
        if not may_view_coverage(request.user):
            return refuse(request)
        document = (
            required_documents()
            .visible_to(request.user)
            .select_related("responsible")
            .filter(pk=kwargs["pk"])
            .first()
        )
        if document is None:
            raise Http404
        if not sees_all_documents(request.user) and document.responsible_id != request.user.pk:
            return refuse(request)
        self.document = document
        return super(CoverageAccessMixin, self).dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.document.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("styrdok_kvittens_coverage:index"), "label": _("Kvittensläge")},
            {"url": "", "label": self.document.title},
        ]

    @cached_property
    def tree(self):
        return OrganisationTree.load()

    @cached_property
    def organisation(self):
        value = self.request.GET.get("organisation", "")
        if not value:
            return None
        if not value.isdigit():
            raise Http404
        organisation = Organisation.objects.filter(pk=int(value)).first()
        if organisation is None:
            raise Http404
        return organisation

    @cached_property
    def item(self):
        items = coverage([self.document], organisation=self.organisation, tree=self.tree)
        if not items:
            raise Http404
        return items[0]

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in ("xlsx", "csv"):
            filename = f"kvittenslage-{self.document.slug}-{timezone.localdate():%Y-%m-%d}"
            write = csv_response if export == "csv" else xlsx_response
            return write([self.item], self.tree, self.organisation, filename)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.item
        only = set(self.tree.subtree(self.organisation.pk)) if self.organisation else None
        paginator = Paginator(
            missing_people(item, organisation=self.organisation, tree=self.tree),
            MISSING_PER_PAGE,
        )
        missing = paginator.get_page(self.request.GET.get("p"))
        for person in missing:
            person.home_unit = home_unit(person)
        query = f"organisation={self.organisation.pk}&" if self.organisation else ""
        context.update(
            {
                "document": self.document,
                "item": item,
                "organisation": self.organisation,
                "rows": item.organisation_rows(self.tree, only=only),
                "missing": missing,
                "missing_count": paginator.count,
                "page_query": query,
                "export_query": query,
                "decided_on": item.decided_on,
                "today": timezone.localdate(),
                "edit_url": reverse("wagtailadmin_pages:edit", args=[self.document.pk]),
            }
        )
        return context
