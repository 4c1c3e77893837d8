"""The register's filters, sorting and pagination, kept in the query string for bookmarks.

A page of the register is one SQL statement that stays cheap however many documents there are:
the count and the ids of the shown page are read from the documents' covering indexes alone
(the sorts have an index each, see Styrdokument.Meta), against a small hashed set of the pages
the reader may not see, and only the ~25 rows shown are read in full, with their LIS areas.
"""

import datetime
import functools
import html
import re
from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import connection, connections, router
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from wagtail.models import Page, WorkflowState

from governance.constants import DocumentType, OrganisationKind
from governance.models import DecisionBody, LisArea, Organisation, StyrdokSettings

from .channels import PUBLIC, get_channel
from .models import (
    DATE_STATUSES,
    Publicity,
    ReviewStatus,
    Styrdokument,
    review_status_label,
)
from .models import documents as document_models
from .models.routing import preparing_cursor
from .visibility import _sees_everything, as_member

PAGE_SIZE = 25
# From the page after this one, the LIS area filter is tested against a hash of the area's
# documents rather than joined (_area_condition).
DEEP_PAGE = 3

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

# The register table's columns (header text), and which one each sort orders by and in which
# direction: the sorted column's header carries aria-sort, so that a screen reader moving through
# the table hears the order, not only the "Sortera" list above it (WCAG 1.3.1).
REGISTER_COLUMNS = (
    gettext_lazy("Titel"),
    gettext_lazy("Dokumenttyp"),
    gettext_lazy("Beslut"),
    gettext_lazy("Förvaltning"),
    gettext_lazy("LIS-område"),
    gettext_lazy("Revideras senast"),
)
SORT_COLUMNS = {
    "typ": (1, "ascending"),
    "titel": (0, "ascending"),
    "-titel": (0, "descending"),
    "-beslutsdatum": (2, "descending"),
    "beslutsdatum": (2, "ascending"),
    "revision": (5, "ascending"),
    "-revision": (5, "descending"),
}

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


@functools.lru_cache(maxsize=512)
def _options_html(choices, selected):
    """The <option>s of one field: the same few lists and choices come back on every request."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value == selected else "", label)
            for value, label in choices
        ),
    )


def filter_fields(form, selected=None):
    """The form's fields as (id, label, options HTML) for the template: a page of the register
    renders some sixty options, which Django's widget templates make the dearest part of it.
    `selected` ({name: value}) shows those values instead of the form's own."""
    fields = []
    for field in form:
        value = selected.get(field.name) if selected is not None else field.value()
        choices = tuple((str(key), str(label)) for key, label in field.field.choices)
        fields.append(
            {
                "name": field.name,
                "id": field.auto_id,
                "label": field.label,
                "options": _options_html(choices, str(value or "")),
            }
        )
    return fields


def _read_filters(request, form_options):
    """The valid filter values sent, a notice for each ignored one, and the form read."""
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
    return form, values, notices


# -- the register's statement ------------------------------------------------------------------
#
# A page of the register is one SQL statement: the count of the matching documents and the ~25
# rows of the page asked for, whose ids are read in sort order from the sort's covering index
# (Styrdokument.Meta). Its text is written here once per process for each shape (channel,
# filters, sort) from the models' table and column names; built by the ORM, the visibility
# condition, the filters and the page of ids cost more to build and compile on every request
# than the database took to run them. On PostgreSQL it is a prepared statement, planned once per
# connection: what is the same for every reader of a shape (the register's path, the public
# condition, a status filter's day) is written into its text, since PostgreSQL planned it again
# on every run while any of those came as values; the reader's choices (filter values, page,
# group membership) still do.


class _Names:
    """The quoted table and column names the statement is written with, for one database."""

    def __init__(self, alias):
        vendor_connection = connections[alias]
        self.quote = vendor_connection.ops.quote_name
        self.vendor = vendor_connection.vendor

    def table(self, model):
        return self.quote(model._meta.db_table)

    def column(self, model, name):
        return self.quote(model._meta.get_field(name).column)


@functools.cache
def _names(alias):
    return _Names(alias)


def _doc(n, d, name):
    return f"{d}.{n.column(Styrdokument, name)}"


def _page_column(n, p, name):
    return f"{p}.{n.column(Page, name)}"


def _order_sql(n, d, order, output=False):
    """ORDER BY for one of SORTS, on the document's row `d` (or on the statement's output
    columns, named as the fields, when `output`)."""
    terms = []
    for field in order:
        name = field.lstrip("-")
        if output:
            column = f"{d}.{n.quote(name)}"
        else:
            column = _doc(n, d, "page_ptr" if name == "pk" else name)
        terms.append(column + (" DESC" if field.startswith("-") else " ASC"))
    return ", ".join(terms)


def _workflow_sql(n, d):
    """open_workflow_exists(): an open decision run (in progress or returned) for `d`;
    params: the content type of Page, then OPEN_WORKFLOW_STATUSES."""
    workflow = n.table(WorkflowState)
    statuses = ", ".join(["%s"] * len(document_models.OPEN_WORKFLOW_STATUSES))
    return (
        f"EXISTS (SELECT 1 FROM {workflow} s WHERE "
        f"s.{n.column(WorkflowState, 'base_content_type')} = %s AND "
        f"s.{n.column(WorkflowState, 'object_id')} = CAST({_doc(n, d, 'page_ptr')} AS varchar) "
        f"AND s.{n.column(WorkflowState, 'status')} IN ({statuses}))"
    )


def _workflow_params():
    return [
        ContentType.objects.get_for_model(Page).pk,
        *document_models.OPEN_WORKFLOW_STATUSES,
    ]


# in_review_status's date conditions (policies.models.documents), by status: SQL on the
# document's next_review column `{r}`, and which of (today, soon) each placeholder takes.
DATE_CONDITIONS = {
    ReviewStatus.OVERDUE: ("{r} < %s", ("today",)),
    ReviewStatus.DUE_SOON: ("{r} >= %s AND {r} <= %s", ("today", "soon")),
    ReviewStatus.CURRENT: ("({r} IS NULL OR ({r} >= %s AND {r} > %s))", ("today", "soon")),
}


def _date_condition(n, d, status, dates):
    """The date condition of `status` on `d` with `dates` ({"today": date, "soon": date})
    written in: a prepared statement is then planned once, where dates sent as values had
    PostgreSQL plan it again on every run. The text changes once a day."""
    condition, names = DATE_CONDITIONS[status]
    literals = tuple(f"'{dates[name].isoformat()}'" for name in names)
    return condition.format(r=_doc(n, d, "next_review")) % literals


def _status_sql(n, d, public, status, dates):
    """StyrdokumentQuerySet.in_review_status as SQL on `d`, and the names of its params."""
    user = get_user_model()

    def users(active):
        """The users who are (or are not) active, as a subquery."""
        flag = "TRUE" if active else "FALSE"
        is_active = n.column(user, "is_active")
        return f"SELECT {n.column(user, 'id')} FROM {n.table(user)} WHERE {is_active} = {flag}"

    responsible = _doc(n, d, "responsible")
    if public:
        if status not in DATE_CONDITIONS:
            return "1 = 0", ()
        return _date_condition(n, d, status, dates), ()
    if status == ReviewStatus.NO_OWNER:
        return f"({responsible} IS NULL OR {responsible} IN ({users(False)}))", ()
    owned = f"{responsible} IN ({users(True)})"
    if status == ReviewStatus.UNDER_REVISION:
        return f"{owned} AND {_workflow_sql(n, d)}", ("workflow",)
    return (
        f"{owned} AND NOT {_workflow_sql(n, d)} AND {_date_condition(n, d, status, dates)}",
        ("workflow",),
    )


# A treebeard path: what the register's own path is written into its statement as.
_TREE_PATH = re.compile(r"[0-9A-Z]+")


def _register_literals(path, pk):
    """The register page's path, the end of its subtree and its id as SQL literals. They are
    written into the statement rather than sent as values: PostgreSQL plans a prepared
    statement once only when the path range is known (with the range as values it planned it
    again on every run), and the register page is the same on every request."""
    if not _TREE_PATH.fullmatch(path):
        raise ValueError(f"not a page path: {path!r}")
    return f"'{path}'", f"'{path}~'", str(int(pk))


def _excluded_sql(n, hidden, member, register):
    """The pages no document of the register may be (a CTE): drafts, pages outside the
    register's subtree, and, for a reader who does not see everything, the subtrees hidden from
    them (policies.visibility.hidden_roots: every document restricted to groups, less those
    restricted to a group of `member`'s). A subtree is a range of paths: treebeard's paths are
    0-9 and A-Z, so those below R lie in [R, R + "~") in the binary order PostgreSQL ("C") and
    SQLite compare them in. The few ids this gives are a hashed set the document index is
    checked against: the listing and the count read the documents' covering indexes alone,
    without joining every document to its page. `register` is the register page's (path, id);
    params: the member's id, if any."""
    page = n.table(Page)
    path, page_id = n.column(Page, "path"), n.column(Page, "id")
    start, end, register_id = _register_literals(*register)
    sql = (
        f"SELECT {page_id} FROM {page} WHERE NOT {n.column(Page, 'live')} "
        f"UNION ALL SELECT {page_id} FROM {page} "
        f"WHERE {path} < {start} OR {path} >= {end} OR {page_id} = {register_id}"
    )
    params = []
    if hidden:
        restricted = Styrdokument._meta.get_field("restricted_to").remote_field.through
        document = n.quote(restricted._meta.get_field("styrdokument").column)
        roots = f"SELECT {document} FROM {n.table(restricted)}"
        if member:
            groups = get_user_model()._meta.get_field("groups").remote_field.through
            group = n.quote(restricted._meta.get_field("group").column)
            roots += (
                f" WHERE {document} NOT IN (SELECT m.{document} FROM {n.table(restricted)} m "
                f"INNER JOIN {n.table(groups)} g ON g.{n.quote('group_id')} = m.{group} "
                f"WHERE g.{n.quote('user_id')} = %s)"
            )
            params.append("member")
        # GROUP BY: the estimate of a range join is far above the truth; grouped by id it is
        # capped at the number of pages, so PostgreSQL keeps the NOT IN a hashed set.
        sql += (
            f" UNION ALL SELECT hp.{page_id} FROM {page} hp INNER JOIN {page} rp "
            f"ON hp.{path} >= rp.{path} AND hp.{path} < rp.{path} || '~' "
            f"WHERE rp.{page_id} IN ({roots}) GROUP BY hp.{page_id}"
        )
    return sql, params


def _matching_sql(n, d, public, filters, status, dates, hash_areas=False):
    """WHERE of the documents `d` the register lists for a shape (with the `excluded` CTE);
    returns the SQL and the names of its params in order. `hash_areas`: see _area_condition."""
    sql = f"{_doc(n, d, 'page_ptr')} NOT IN (SELECT {n.column(Page, 'id')} FROM excluded)"
    params = []
    if public:
        # Written in, not sent as a value: a prepared statement's plan then reads the public
        # documents' partial index (register_count_public) without being planned again.
        sql += f" AND {_doc(n, d, 'publicity')} = '{Publicity.PUBLIC.value}'"
    if "typ" in filters:
        sql += f" AND {_doc(n, d, 'document_type')} = %s"
        params.append("typ")
    if "organ" in filters:
        sql += (
            f" AND {_doc(n, d, 'decision_body')} IN (SELECT {n.column(DecisionBody, 'id')} "
            f"FROM {n.table(DecisionBody)} WHERE {n.column(DecisionBody, 'code')} = %s)"
        )
        params.append("organ")
    if "forvaltning" in filters:
        sql += f" AND {_doc(n, d, 'organisation')} = %s"
        params.append("forvaltning")
    if "omrade" in filters:
        sql += f" AND {_area_condition(n, d, hash_areas)}"
        params.append("omrade")
    if status is not None:
        condition, names = _status_sql(n, d, public, status, dates)
        sql += f" AND {condition}"
        params += names
    return sql, params


def _area_condition(n, d, hashed):
    """The documents `d` in the LIS area whose number is the param.

    `hashed` (for a page beyond the first few, on PostgreSQL): the condition is kept from
    becoming a join, so PostgreSQL hashes the area's documents once and tests each document it
    reads in the register's order against the hash. As a join it probes the through table's
    index once per document read: cheapest for the first pages, which stop after a few dozen,
    but page 20 at 10,000 documents reads some 2,400 of them (1.2–1.7 ms more)."""
    field = Styrdokument._meta.get_field("lis_areas")
    through = n.quote(field.remote_field.through._meta.db_table)
    condition = (
        f"{_doc(n, d, 'page_ptr')} IN (SELECT t.{n.quote(field.m2m_column_name())} "
        f"FROM {through} t WHERE t.{n.quote(field.m2m_reverse_name())} = "
        f"(SELECT a.{n.column(LisArea, 'id')} FROM {n.table(LisArea)} a "
        f"WHERE a.{n.column(LisArea, 'number')} = %s))"
    )
    if hashed and n.vendor == "postgresql":
        return f"({condition}) IS TRUE"
    return condition


def _row_columns_sql(n, d, p, public):
    """The columns of a shown row (ROW_VALUES, then the sort keys), and their params' names."""
    field = Styrdokument._meta.get_field("lis_areas")
    through = n.quote(field.remote_field.through._meta.db_table)
    number = f"a.{n.column(LisArea, 'number')}"
    joined = (
        f"STRING_AGG(CAST({number} AS text), ',')"
        if n.vendor == "postgresql"
        else f"GROUP_CONCAT({number}, ',')"
    )
    columns = [
        f"{_doc(n, d, 'page_ptr')} AS {n.quote('pk')}",
        *(f"{_page_column(n, p, name)} AS {n.quote(name)}" for name in ("title", "url_path")),
        *(
            f"{_doc(n, d, name)} AS {n.quote(name)}"
            for name in (
                "publicity",
                "document_type",
                "decision_date",
                "diarienummer",
                "next_review",
                "review_flagged_at",
            )
        ),
        f"(SELECT {joined} FROM {through} t INNER JOIN {n.table(LisArea)} a "
        f"ON a.{n.column(LisArea, 'id')} = t.{n.quote(field.m2m_reverse_name())} "
        f"WHERE t.{n.quote(field.m2m_column_name())} = {_doc(n, d, 'page_ptr')}) "
        f"AS {n.quote('lis_area_text')}",
        f"b.{n.column(DecisionBody, 'name')} AS {n.quote('decision_body_name')}",
        f"o.{n.column(Organisation, 'name')} AS {n.quote('organisation_name')}",
    ]
    params = []
    if not public:
        user = get_user_model()
        columns += [
            f"{_workflow_sql(n, d)} AS {n.quote('in_workflow')}",
            f"u.{n.column(user, 'is_active')} AS {n.quote('owner_active')}",
        ]
        params.append("workflow")
    columns += [f"{_doc(n, d, name)} AS {n.quote(name)}" for name in SORT_KEYS]
    return ", ".join(columns), params


# The sort keys of SORTS that ROW_VALUES lacks, read with each row to order the page.
SORT_KEYS = ("type_rank", "sort_title")


# A statement per shape, and per day for the shapes with a review status (their dates are
# written in): the oldest days' are let go.
@functools.lru_cache(maxsize=1024)
def _statement(
    alias, register, public, hidden, member, filters, status, sort, dates=None, deep=False
):
    """The register's statement for one shape, written once per process: the matching count
    (a CTE read twice, so computed once) and the page's rows, whose ids are the sorted
    matching documents from the page asked for; a page number outside 1…last reads the last
    page, as the paginator did. `register` is the register page's (path, id); `dates` the
    (today, soon) a review status filter compares with; `deep` whether the page asked for is
    beyond DEEP_PAGE (the LIS area condition is then hashed, see _area_condition). Returns the
    SQL and the names of its params in order."""
    n = _names(alias)
    order = SORTS[sort][1]
    excluded, excluded_params = _excluded_sql(n, hidden, member, register)
    dates = dict(zip(("today", "soon"), dates, strict=True)) if dates else None
    count_where, count_params = _matching_sql(n, "c", public, filters, status, dates)
    window_where, window_params = _matching_sql(n, "w", public, filters, status, dates, deep)
    columns, column_params = _row_columns_sql(n, "d", "p", public)
    documents = n.table(Styrdokument)
    user = get_user_model()
    owner = (
        ""
        if public
        else f" LEFT OUTER JOIN {n.table(user)} u "
        f"ON u.{n.column(user, 'id')} = {_doc(n, 'd', 'responsible')}"
    )
    pages = f"CASE WHEN total.n = 0 THEN 1 ELSE (total.n + {PAGE_SIZE - 1}) / {PAGE_SIZE} END"
    sql = (
        f"WITH excluded AS ({excluded}), "
        f"total AS (SELECT COUNT(*) AS n FROM {documents} c WHERE {count_where}) "
        f"SELECT total.n, r.* FROM total LEFT OUTER JOIN ("
        f"SELECT {columns} FROM {documents} d INNER JOIN {n.table(Page)} p "
        f"ON {_page_column(n, 'p', 'id')} = {_doc(n, 'd', 'page_ptr')} "
        f"LEFT OUTER JOIN {n.table(DecisionBody)} b "
        f"ON b.{n.column(DecisionBody, 'id')} = {_doc(n, 'd', 'decision_body')} "
        f"LEFT OUTER JOIN {n.table(Organisation)} o "
        f"ON o.{n.column(Organisation, 'id')} = {_doc(n, 'd', 'organisation')}{owner} "
        f"WHERE {_doc(n, 'd', 'page_ptr')} IN (SELECT {_doc(n, 'w', 'page_ptr')} "
        f"FROM {documents} w WHERE {window_where} "
        f"ORDER BY {_order_sql(n, 'w', order)} LIMIT {PAGE_SIZE} OFFSET ("
        f"SELECT {PAGE_SIZE} * (CASE WHEN %s >= 1 AND %s <= {pages} THEN %s "
        f"ELSE {pages} END - 1) FROM total))"
        f") r ON 1 = 1 ORDER BY {_order_sql(n, 'r', order, output=True)}"
    )
    params = (
        excluded_params + count_params + column_params + window_params + ["page", "page", "page"]
    )
    return sql, params


def _params(names, by_name):
    """The statement's values in order: `by_name`'s, and the open decision runs' for
    "workflow"."""
    params = []
    for name in names:
        if name == "workflow":
            params += _workflow_params()
        else:
            params.append(by_name[name])
    return params


def _read_page(request, register_page, values, public, today, warning_days, number):
    """(the number of matching documents, the page's rows as dicts) in one statement;
    `number` is the page asked for (any integer: outside 1…last means the last page)."""
    alias = router.db_for_read(Styrdokument)
    user = None if public else getattr(request, "user", None)
    hidden = not _sees_everything(user)
    # Nobody's groups count on the public site; an inactive or anonymous user is no member.
    member = as_member(user) if hidden else None
    status = ReviewStatus(values["status"]) if "status" in values else None
    filters = tuple(name for name in ("typ", "organ", "forvaltning", "omrade") if name in values)
    sort = values.get("sortering", DEFAULT_SORT)
    register = (register_page.path, register_page.pk)
    dates = (today, today + timedelta(days=warning_days)) if status is not None else None
    # Only the LIS area filter is written differently for a deep page.
    deep = "omrade" in filters and number > DEEP_PAGE
    sql, names = _statement(
        alias, register, public, hidden, member is not None, filters, status, sort, dates, deep
    )
    by_name = {
        "member": member.pk if member is not None else None,
        "page": max(0, min(number, 2**31 - 1)),
        **{name: values[name] for name in filters},
    }
    if "forvaltning" in by_name:
        by_name["forvaltning"] = int(by_name["forvaltning"])
    params = _params(names, by_name)
    # Prepared: PostgreSQL took longer to plan the statement (about 1.5 ms at 10,000
    # documents) than to run its count; its text is the same for every request of one shape.
    with preparing_cursor(alias) as cursor:
        cursor.execute(sql, params)
        fields = [column[0] for column in cursor.description]
        fetched = cursor.fetchall()
    total = fetched[0][0] if fetched else 0
    rows = [dict(zip(fields[1:], row[1:], strict=True)) for row in fetched if row[1] is not None]
    return total, rows


def _page_number(raw_page, notices):
    """The page asked for, as Paginator.validate_number reads it: not a whole number means
    the first page, with a notice (a number outside 1…last is noted once the count is known)."""
    try:
        return int(raw_page)
    except (TypeError, ValueError):
        notices.append(
            _("Sidnumret ”%(value)s” är inte ett tal; visar första sidan.")
            % {"value": raw_page[:20]}
        )
        return 1


def _as_date(value):
    """A date column as read by a bare cursor (SQLite gives the text)."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


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


def _rows(fetched, public, today, warning_days, register_url, register_page):
    """The page's rows as the register shows them: their addresses are the register's own
    followed by their path below it, and their review status is applied here to the ~25 rows
    (with_review_status's precedence) rather than computed by the statement for every row."""
    result = []
    soon = today + timedelta(days=warning_days)
    for values in fetched:
        values["decision_date"] = _as_date(values["decision_date"])
        values["next_review"] = _as_date(values["next_review"])
        row = RegisterRow(values, register_url, register_page.url_path)
        row.date_review_status = date_review_status(row.next_review, today, soon)
        if not public:
            row.review_status = staff_review_status(row)
        result.append(row)
    return result


# Six columns, the decision's organ, date and diarienummer in one, so that the table fits a
# 768 px screen without scrolling sideways; under that each row is a card, its cells named by
# their data-label (static/css/styrdok.css). The review status stays in the last cell.
ROW_HTML = (
    '\n    <tr>\n      <td class="register-table__title"><a href="{}">{}</a>{}</td>'
    '\n      <td data-label="Dokumenttyp">{}</td>'
    '\n      <td data-label="Beslut"><span class="register-table__line">{}</span>'
    '<span class="register-table__line nowrap">{}</span>'
    '<span class="register-table__line">Dnr <span class="nowrap">{}</span></span></td>'
    '\n      <td data-label="Förvaltning">{}</td>'
    '\n      <td data-label="LIS-område">{}</td>'
    '\n      <td data-label="Revideras senast"><span class="nowrap">{}</span> {}</td>'
    "\n    </tr>"
)
BADGE_HTML = '<span class="status status--{}">{}</span>'


def _row_cells(row, public, marks, area_names):
    """The cells of one row, in ROW_HTML's order, as markup: text escaped as format_html would
    escape it (dates have nothing to escape), the tag and badges as made. The LIS areas are
    shown by name, in the order of their numbers."""
    escape = html.escape
    missing = marks["missing"]
    badge = marks[row.date_review_status if public else row.review_status]
    if not public and row.review_flagged_at:
        badge += marks["flagged"]
    areas = ", ".join(area_names.get(number, str(number)) for number in row.lis_area_numbers)
    return (
        escape(row.url),
        escape(row.title),
        marks["internal"] if not public and row.publicity == "internal" else "",
        marks["types"][row.document_type] if row.document_type else "",
        escape(row.decision_body_name) if row.decision_body_name else missing,
        row.decision_date.isoformat() if row.decision_date else missing,
        escape(row.diarienummer) if row.diarienummer else missing,
        escape(row.organisation_name) if row.organisation_name else marks["common"],
        escape(areas) or missing,
        row.next_review.isoformat() if row.next_review else missing,
        badge,
    )


@functools.lru_cache(maxsize=64)
def _marks(warning_days, language):
    """The review status badges, the tag and the stand-ins of empty cells, as markup: made once
    per warning period and language rather than once per row, as the review_status tag does."""
    marks = {
        status: format_html(BADGE_HTML, status.value, review_status_label(status, warning_days))
        for status in ReviewStatus
    }
    marks.update(
        flagged=format_html(" " + BADGE_HTML, "oversyn", _("Översyn behövs")),
        internal=format_html(' <span class="tag">{}</span>', _("Intern")),
        missing=html.escape(_("–")),
        common=html.escape(_("Kommungemensam")),
        types={kind.value: html.escape(str(kind.label)) for kind in DocumentType},
    )
    return marks


def rows_html(rows, public, warning_days, area_names):
    """The table rows of one page of the register, written here rather than by the template:
    the same markup at a fraction of the template's cost. `area_names` is {LIS number: name}."""
    marks = _marks(warning_days, get_language())
    return mark_safe(
        "".join(ROW_HTML.format(*_row_cells(row, public, marks, area_names)) for row in rows)
    )


def lis_area_names(choices):
    """{number: name} of the LIS areas, from the filter's choices read for this request (their
    labels are "number. name", _stored_choices): the rows name their areas with no query."""
    return {int(value): label[len(value) + 2 :] for value, label in choices["omrade"] if value}


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

    raw_page = request.GET.get("sida", "1")
    number = _page_number(raw_page, notices)
    total, fetched = _read_page(request, register_page, values, public, today, warning_days, number)
    paginator = Paginator([], PAGE_SIZE)
    paginator.count = total
    if not 1 <= number <= paginator.num_pages:
        notices.append(
            _("Sidan %(value)s finns inte; visar sista sidan (%(last)s).")
            % {"value": raw_page[:20], "last": paginator.num_pages}
        )
        number = paginator.num_pages
    # Every listed document lies below the register, so its address is the register's and
    # its path below it (no page on the way is a site root of its own).
    register_url = register_page.get_url(request) or register_page.url_path
    page = PaginatorPage(
        _rows(fetched, public, today, warning_days, register_url, register_page),
        number,
        paginator,
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
        # The form as shown: as the visitor sent it, minus the values that were ignored (built
        # only if asked for; the template reads filter_fields).
        "filter_form": SimpleLazyObject(lambda: RegisterFilterForm(initial=values, **form_options)),
        "filter_fields": filter_fields(form, selected=values),
        "documents": page,
        "rows_html": rows_html(
            page.object_list, public, warning_days, lis_area_names(form_options["choices"])
        ),
        "paginator": paginator,
        "notices": notices,
        "base_query": query.urlencode(),
        "active_filters": active_filters,
        "current_sort": sort,
        "columns": register_columns(sort),
    }


def register_columns(sort):
    """[(header, aria-sort or "")] for the register table's column headers under `sort`."""
    column, direction = SORT_COLUMNS[sort]
    return [
        (header, direction if index == column else "")
        for index, header in enumerate(REGISTER_COLUMNS)
    ]
