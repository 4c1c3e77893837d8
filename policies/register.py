"""The register's filters, sorting and pagination, kept in the query string for bookmarks.

A page of the register is read in three steps that stay cheap however many documents there are:
the count and the ids of the shown page come from a lean query on indexed columns (the sorts
have an index each, see Styrdokument.Meta), and only the ~25 rows shown are then read in full,
with their review status and LIS areas.
"""

import functools
import html
from datetime import timedelta

from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection, connections, models, router
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.constants import DocumentType, OrganisationKind
from governance.models import DecisionBody, LisArea, Organisation, StyrdokSettings

from .channels import PUBLIC, get_channel
from .models import (
    DATE_STATUSES,
    ReviewStatus,
    Styrdokument,
    open_workflow_exists,
    review_status_label,
)

PAGE_SIZE = 25

# Each order ends in the primary key, so that equal titles keep their place from page to page.
SORTS = {
    "typ": (gettext_lazy("Dokumenttyp"), ["type_rank", "sort_title", "pk"]),
    "titel": (gettext_lazy("Titel A–Ö"), ["sort_title", "pk"]),
    "-titel": (gettext_lazy("Titel Ö–A"), ["-sort_title", "-pk"]),
    "-beslutsdatum": (
        gettext_lazy("Senast beslutade först"),
        ["-decision_date", "sort_title", "pk"],
    ),
    "beslutsdatum": (gettext_lazy("Äldst beslutade först"), ["decision_date", "sort_title", "pk"]),
    "revision": (gettext_lazy("Närmast revision först"), ["next_review", "sort_title", "pk"]),
    "-revision": (gettext_lazy("Senast revision först"), ["-next_review", "sort_title", "pk"]),
}
DEFAULT_SORT = "typ"

FILTER_LABELS = {
    "typ": gettext_lazy("dokumenttyp"),
    "organ": gettext_lazy("beslutande organ"),
    "forvaltning": gettext_lazy("förvaltning"),
    "omrade": gettext_lazy("LIS-område"),
    "status": gettext_lazy("revisionsstatus"),
    "sortering": gettext_lazy("sortering"),
}


@functools.cache
def _stored_choices_sql():
    """The SQL of _stored_choices, written once per process: built by the ORM, a union of
    three annotated querysets cost more to compile on every request than to run."""
    quote = connection.ops.quote_name

    def column(model, name):
        return f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"

    def table(model):
        return quote(model._meta.db_table)

    body_name, org_name = column(DecisionBody, "name"), column(Organisation, "name")
    number = column(LisArea, "number")
    return (
        f"SELECT 'organ', {column(DecisionBody, 'sort_order')}, {body_name}, "
        f"{column(DecisionBody, 'code')}, {body_name} FROM {table(DecisionBody)} "
        f"UNION ALL SELECT 'forvaltning', 0, {org_name}, CAST({column(Organisation, 'id')} AS "
        f"text), {org_name} FROM {table(Organisation)} WHERE {column(Organisation, 'kind')} <> %s "
        f"UNION ALL SELECT 'omrade', {number}, '', CAST({number} AS text), "
        f"{column(LisArea, 'name')} FROM {table(LisArea)} ORDER BY 1, 2, 3"
    )


def _stored_choices():
    """{field: [(value, label)]} for the organs, förvaltningar and LIS areas, in each model's
    own order, read in one query."""
    choices = {"organ": [], "forvaltning": [], "omrade": []}
    # Read where the ORM would read it (a replica, if a router says so).
    with connections[router.db_for_read(DecisionBody)].cursor() as cursor:
        cursor.execute(_stored_choices_sql(), [OrganisationKind.KOMMUN.value])
        rows = cursor.fetchall()
    for field, _rank, _sort, value, name in rows:
        choices[field].append((value, f"{value}. {name}" if field == "omrade" else name))
    return choices


def filter_choices(public, warning_days):
    """Every field's choices, read once per request for both forms _read_filters builds."""
    everything = [("", _("Alla"))]
    statuses = DATE_STATUSES if public else list(ReviewStatus)
    stored = _stored_choices()
    return {
        "typ": everything + list(DocumentType.choices),
        "organ": everything + stored["organ"],
        "forvaltning": everything + stored["forvaltning"],
        "omrade": everything + stored["omrade"],
        "status": everything
        + [(status.value, review_status_label(status, warning_days)) for status in statuses],
        "sortering": [(key, label) for key, (label, _order) in SORTS.items()],
    }


class RegisterFilterForm(forms.Form):
    typ = forms.ChoiceField(label=gettext_lazy("Dokumenttyp"), required=False)
    organ = forms.ChoiceField(label=gettext_lazy("Beslutande organ"), required=False)
    forvaltning = forms.ChoiceField(label=gettext_lazy("Förvaltning"), required=False)
    omrade = forms.ChoiceField(label=gettext_lazy("LIS-område"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Revisionsstatus"), required=False)
    sortering = forms.ChoiceField(label=gettext_lazy("Sortera"), required=False)

    def __init__(self, *args, public=False, warning_days=None, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is None:
            choices = filter_choices(public, warning_days)
        for name, field_choices in choices.items():
            self.fields[name].choices = field_choices


def filter_fields(form):
    """The form's fields as (id, label, options HTML) for the template: a page of the register
    renders some sixty options, which Django's widget templates make the dearest part of it."""
    fields = []
    for field in form:
        selected = str(field.value() or "")
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, mark_safe(" selected") if str(value) == selected else "", label)
                for value, label in field.field.choices
            ),
        )
        fields.append(
            {"name": field.name, "id": field.auto_id, "label": field.label, "options": options}
        )
    return fields


def _read_filters(request, form_options):
    """The valid filter values sent, a notice for each ignored one, and the form to show."""
    form = RegisterFilterForm(request.GET or None, **form_options)
    notices = []
    values = {}
    if not request.GET:
        return form, values, notices
    form.is_valid()
    for name in form.fields:
        if name in form.errors:
            notices.append(
                _("Filtervärdet ”%(value)s” för %(label)s känns inte igen och har ignorerats.")
                % {"value": request.GET.get(name, "")[:80], "label": FILTER_LABELS[name]}
            )
        elif form.cleaned_data.get(name):
            values[name] = form.cleaned_data[name]
    # Show the form as the visitor sent it, minus the values that were ignored.
    return RegisterFilterForm(initial=values, **form_options), values, notices


def _filtered(documents, values, public, today, warning_days):
    """The documents matching the filters, each a condition on an indexed column or a
    semi-join: none of them can repeat a row, so the register needs no DISTINCT."""
    if "typ" in values:
        documents = documents.filter(document_type=values["typ"])
    if "organ" in values:
        documents = documents.filter(decision_body__code=values["organ"])
    if "forvaltning" in values:
        documents = documents.filter(organisation_id=values["forvaltning"])
    if "omrade" in values:
        in_area = Styrdokument.lis_areas.through.objects.filter(lisarea__number=values["omrade"])
        documents = documents.filter(pk__in=in_area.values("styrdokument_id"))
    if "status" in values:
        documents = documents.in_review_status(
            values["status"], date_only=public, today=today, warning_days=warning_days
        )
    return documents


def _page(paginator, raw_page, notices):
    """The requested page; a bad number falls back to the first or last with a notice."""
    try:
        return paginator.page(raw_page)
    except PageNotAnInteger:
        notices.append(
            _("Sidnumret ”%(value)s” är inte ett tal; visar första sidan.")
            % {"value": raw_page[:20]}
        )
        return paginator.page(1)
    except EmptyPage:
        notices.append(
            _("Sidan %(value)s finns inte; visar sista sidan (%(last)s).")
            % {"value": raw_page[:20], "last": paginator.num_pages}
        )
        return paginator.page(paginator.num_pages)


class JoinedText(models.Aggregate):
    """The values joined with commas, in no particular order (string_agg / group_concat)."""

    function = "GROUP_CONCAT"
    output_field = models.CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s((%(expressions)s)::text, ',')",
            **extra_context,
        )


class RegisterRow:
    """One listed document as the register's row shows it, read as plain values (no page
    object to build), with what the review_status tag asks of a document."""

    def __init__(self, values, base_url, base_path):
        self.__dict__.update(values)
        self.url = base_url + values["url_path"][len(base_path) :]
        self.document_type_label = (
            DocumentType(values["document_type"]).label if values["document_type"] else ""
        )
        numbers = values["lis_area_text"].split(",") if values["lis_area_text"] else []
        self.lis_area_numbers = sorted(int(number) for number in numbers)

    def status_for_channel(self, channel):
        """As Styrdokument.status_for_channel, from the annotations of with_review_status."""
        status = self.date_review_status if channel == PUBLIC else self.review_status
        return ReviewStatus(status)


ROW_VALUES = (
    "pk",
    "title",
    "url_path",
    "publicity",
    "document_type",
    "decision_date",
    "diarienummer",
    "next_review",
    "review_flagged_at",
    "lis_area_text",
    "decision_body_name",
    "organisation_name",
)


def date_review_status(next_review, today, soon):
    """The review status from the date alone: the rule of with_review_status's
    date_review_status, applied in Python to the ~25 rows shown so that the register's query
    carries no CASE expressions to build and compile."""
    if next_review is None or next_review > soon:
        return ReviewStatus.CURRENT
    return ReviewStatus.OVERDUE if next_review < today else ReviewStatus.DUE_SOON


def staff_review_status(row):
    """with_review_status's review_status for a row read with its owner's activity and its
    open decision run: Saknar ägare, Under revision, then the date rule."""
    if not row.owner_active:
        return ReviewStatus.NO_OWNER
    if row.in_workflow:
        return ReviewStatus.UNDER_REVISION
    return row.date_review_status


def _rows(window, order, public, today, warning_days, register_url, register_page):
    """The documents of one page, in one query: `window` is the page of ids (a sliced query on
    the visible documents, so the rows shown obey the same rule in the same statement), and the
    review status and LIS area numbers are read for those rows alone. Their addresses are the
    register's own followed by their path below it."""
    areas = (
        Styrdokument.lis_areas.through.objects.filter(styrdokument_id=OuterRef("pk"))
        .order_by()
        .values("styrdokument_id")
        .annotate(numbers=JoinedText("lisarea__number"))
        .values("numbers")
    )
    rows = Styrdokument.objects.filter(pk__in=window)
    fields = ROW_VALUES
    if not public:
        # Staff see all five statuses: whether the owner is missing or the document is in a
        # decision run is read here, the precedence applied below (as with_review_status).
        rows = rows.annotate(
            in_workflow=open_workflow_exists(), owner_active=F("responsible__is_active")
        )
        fields += ("in_workflow", "owner_active")
    rows = (
        rows.annotate(
            lis_area_text=Subquery(areas),
            decision_body_name=F("decision_body__name"),
            organisation_name=F("organisation__name"),
        )
        .order_by(*order)
        .values(*fields)
    )
    result = [RegisterRow(values, register_url, register_page.url_path) for values in rows]
    soon = today + timedelta(days=warning_days)
    for row in result:
        row.date_review_status = date_review_status(row.next_review, today, soon)
        if not public:
            row.review_status = staff_review_status(row)
    return result


ROW_HTML = (
    '\n    <tr>\n      <td class="register-table__title"><a href="{}">{}</a>{}</td>'
    '\n      <td data-label="Dokumenttyp">{}</td>'
    '\n      <td data-label="Beslutad av">{}</td>'
    '\n      <td data-label="Beslutsdatum" class="nowrap">{}</td>'
    '\n      <td data-label="Dnr" class="nowrap">{}</td>'
    '\n      <td data-label="Förvaltning">{}</td>'
    '\n      <td data-label="LIS-område">{}</td>'
    '\n      <td data-label="Revideras senast">{} {}</td>'
    "\n    </tr>"
)
BADGE_HTML = '<span class="status status--{}">{}</span>'


def _escaped(value):
    return value if isinstance(value, SafeString) else html.escape(str(value))


def _row_cells(row, public, marks):
    """The cells of one row, in ROW_HTML's order: text, or markup for the tag and badges."""
    missing = marks["missing"]
    badge = marks[row.date_review_status if public else row.review_status]
    if not public and row.review_flagged_at:
        badge += marks["flagged"]
    return (
        row.url,
        row.title,
        marks["internal"] if not public and row.publicity == "internal" else "",
        row.document_type_label,
        row.decision_body_name or missing,
        row.decision_date.isoformat() if row.decision_date else missing,
        row.diarienummer or missing,
        row.organisation_name or marks["common"],
        ", ".join(str(number) for number in row.lis_area_numbers) or missing,
        row.next_review.isoformat() if row.next_review else missing,
        badge,
    )


def rows_html(rows, public, warning_days):
    """The table rows of one page of the register, written here rather than by the template:
    with the review status badges made once per request (not once per row, as the
    review_status tag does) this is the same markup at a fraction of the template's cost."""
    marks = {
        status: format_html(BADGE_HTML, status.value, review_status_label(status, warning_days))
        for status in ReviewStatus
    }
    marks.update(
        flagged=format_html(" " + BADGE_HTML, "oversyn", _("Översyn behövs")),
        internal=format_html(' <span class="tag">{}</span>', _("Intern")),
        missing=_("–"),
        common=_("Kommungemensam"),
    )
    # The tag and badges are markup already; every other cell is text, escaped as format_html
    # would escape it.
    return mark_safe(
        "".join(
            ROW_HTML.format(*(_escaped(cell) for cell in _row_cells(row, public, marks)))
            for row in rows
        )
    )


def build_register(request, register_page):
    """Return the template context for the register; invalid filters are dropped with a notice."""
    public = get_channel(request) == PUBLIC
    warning_days = StyrdokSettings.load(request_or_site=request).review_warning_days
    today = timezone.localdate()
    form_options = {
        "public": public,
        "warning_days": warning_days,
        "choices": filter_choices(public, warning_days),
    }
    form, values, notices = _read_filters(request, form_options)
    sort = values.get("sortering", DEFAULT_SORT)

    matching = _filtered(
        Styrdokument.objects.for_request(request).descendant_of(register_page),
        values,
        public,
        today,
        warning_days,
    )
    order = SORTS[sort][1]
    paginator = Paginator(matching.order_by(*order).values_list("pk", flat=True), PAGE_SIZE)
    page = _page(paginator, request.GET.get("sida", "1"), notices)
    # Every listed document lies below the register, so its address is the register's and
    # its path below it (no page on the way is a site root of its own).
    register_url = register_page.get_url(request) or register_page.url_path
    page.object_list = (
        _rows(page.object_list, order, public, today, warning_days, register_url, register_page)
        if paginator.count
        else []
    )

    query = request.GET.copy()
    query.pop("sida", None)
    for name in FILTER_LABELS:
        if name not in values:
            query.pop(name, None)
    choices = form_options["choices"]
    active_filters = [
        (FILTER_LABELS[name], dict(choices[name]).get(values[name], values[name]))
        for name in FILTER_LABELS
        if name in values and name != "sortering"
    ]
    return {
        "filter_form": form,
        "filter_fields": filter_fields(form),
        "documents": page,
        "rows_html": rows_html(page.object_list, public, warning_days),
        "paginator": paginator,
        "notices": notices,
        "base_query": query.urlencode(),
        "active_filters": active_filters,
        "current_sort": sort,
    }
