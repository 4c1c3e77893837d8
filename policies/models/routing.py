"""Routing a request to its page in two queries, whatever the page's depth.

Wagtail walks the tree one level at a time: for each slug in the address a query for the child
and another for its specific row, then one more pair for the page's view restrictions, and a
template asking for the breadcrumbs reads the ancestors again. The start page routes instead:
one query reads every candidate page on the address (by slug, depth and place in the tree) with
whether a view restriction sits on it, the walk happens in Python with Wagtail's rules, and one
query reads the page found with what it shows (ServedPage.serving_queryset). The ancestors read
on the way answer the view-restriction check and the breadcrumbs.

That query, and the document page's other queries of the same shape on every request (its child
documents, its versions), are compiled to SQL once per process (CompiledQuery): building and
compiling them with the ORM cost more than running them. The served page is read from its
parent's table when its class adds no field of its own, so PostgreSQL plans one join fewer. On
PostgreSQL they are prepared statements (preparing_cursor): planned once per connection, not on
every request.

Wagtail's semantics are kept: only the page at the end of the address must be live; a page on
the way whose class routes by itself (a routable page) gets the rest of the address; an alias
is checked against its source's restrictions (Wagtail's own check runs whenever an alias or a
restriction is on the way).
"""

import contextlib
import functools

from django.db import connection, connections, models, router
from django.db.models.query import get_related_populators
from django.http import Http404
from wagtail.models import Page, PageViewRestriction
from wagtail.url_routing import RouteResult

from ..creation import SerialChildren
from ..editing import AutosaveGuard
from ..slugs import TransliteratedSlug

CHAIN_ATTR = "_styrdok_route_chain"
UNRESTRICTED_ATTR = "_styrdok_unrestricted"
# The live pages under the start page marked "show in menus" with no view restriction on them
# or above them, read while routing; policies.channels picks the menus from them.
MENU_ATTR = "_styrdok_menu_candidates"


class CompiledQuery:
    """A queryset compiled to SQL once and then run with new values in marked parameters.

    The page's own queries (the served page, its child documents, its versions) have the same
    shape on every request but another page's id or path: building and compiling them with the
    ORM cost more than running them. `queryset` is built once with marker values where a
    request's values go (`slots`: name -> the marker as it appears among the compiled params);
    `run(**values)` executes the same SQL with the values in their place and builds the
    instances as the queryset's own iteration would (select_related rows, annotations), so the
    SQL is Django's own, never written by hand. Only for querysets without prefetching.

    Every value that depends on the request must come from a marker, each exactly once (checked
    here): Wagtail's child_of(page), for one, also bakes page.depth into a `depth >=` condition,
    so a caller writes such filters out itself. Whatever else the queryset holds is part of the
    SQL for good, so the key it is cached under (compiled_query) names it.

    `prepare=False` plans the statement for each run's values instead of once per connection
    (see _cursor)."""

    def __init__(self, queryset, prepare=True, **slots):
        self.db, self.prepare = queryset.db, prepare
        compiler = queryset.query.get_compiler(using=self.db)
        sql, params = compiler.as_sql()
        params = list(params)
        self.positions = {}
        for name, marker in slots.items():
            # A text marker may sit inside a parameter (a LIKE pattern: the marker and "%").
            # An integer keeps the type the ORM gave it (psycopg's Int4 for a positive field).
            positions = [
                (index, param.split(marker) if isinstance(marker, str) else type(param))
                for index, param in enumerate(params)
                if param == marker
                or (isinstance(marker, str) and isinstance(param, str) and marker in param)
            ]
            if len(positions) != 1:
                raise ValueError(f"the marker for {name!r} is not once among the parameters")
            self.positions[name] = positions[0]
        self.sql, self.params, self.compiler = sql, params, compiler
        # What results_iter would work out again on every run: the columns' converters.
        self.columns = [column[0] for column in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(self.columns)
        self.composite = compiler.has_composite_fields(self.columns)
        klass_info, select = compiler.klass_info, compiler.select
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, self.db)
        self.annotations = tuple(compiler.annotation_col_map.items())
        self.layouts = {self.model: (self.init_list, None)}

    def _layout(self, model):
        """How to build `model`, a subclass of the queried model that adds no field but its
        parent link, from a row: its fields in its own order, each link from the row's pk."""
        layout = self.layouts.get(model)
        if layout is None:
            positions = {name: index for index, name in enumerate(self.init_list)}
            pk_position = positions[self.model._meta.pk.attname]
            order = []
            for field in model._meta.concrete_fields:
                if field.attname in positions:
                    order.append(positions[field.attname])
                elif getattr(field.remote_field, "parent_link", False):
                    order.append(pk_position)
                else:
                    raise ValueError(f"{model.__name__}.{field.name} is not in the query")
            layout = self.layouts[model] = ([f.attname for f in model._meta.concrete_fields], order)
        return layout

    def _cursor(self):
        """A preparing cursor, unless the statement was made with prepare=False: one whose best
        plan depends on its values (how many rows a word matches), which PostgreSQL's generic
        plan for a prepared statement cannot know."""
        if self.prepare:
            return preparing_cursor(self.db)
        return connections[self.db].cursor()

    def _converted(self, rows):
        """The compiler's results_iter for fetched rows, with the converters found once."""
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.composite:
            rows = self.compiler.composite_fields_to_tuples(rows, self.columns)
        return rows

    def run(self, as_model=None, **values):
        """The rows for `values`, as instances of the queried model or of `as_model`."""
        model = as_model or self.model
        init_list, order = self._layout(model)
        params = list(self.params)
        for name, value in values.items():
            index, kind = self.positions[name]
            params[index] = value.join(kind) if isinstance(kind, list) else kind(value)
        with self._cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        objects = []
        for row in self._converted(rows):
            values = row[self.start : self.end]
            if order is not None:
                values = [values[index] for index in order]
            obj = model.from_db(self.db, init_list, values)
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


_COMPILED = {}


def _preparing_cursor_class():
    """Django's server-binding cursor, preparing every statement it runs (psycopg 3 only)."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            result = super().execute(query, params, prepare=True, binary=binary)
            if self._query is None:
                # psycopg keeps no query text for a prepared statement's run; Django's query
                # log (last_executed_query) reads it there.
                self._query = _LoggedQuery(self.connection, query, params)
            return result

    return PreparingCursor


class _LoggedQuery:
    """A prepared statement's run as Django's query log shows any other statement: the SQL with
    its values in place, composed only when the log reads it."""

    def __init__(self, raw_connection, sql, params):
        self.raw_connection, self.sql, self.params = raw_connection, sql, params

    @property
    def query(self):
        from psycopg import ClientCursor

        return ClientCursor(self.raw_connection).mogrify(self.sql, self.params).encode()


@functools.cache
def _cursor_class_for(vendor):
    if vendor != "postgresql":
        return None
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    return _preparing_cursor_class() if is_psycopg3 else None


# Above any count a query reaches: psycopg never prepares on its own (Django's default), only
# where a statement asks to be prepared.
_ONLY_WHEN_ASKED = 2**62


@contextlib.contextmanager
def preparing_cursor(alias):
    """A cursor of `alias` whose statements PostgreSQL plans once per connection.

    The page's compiled queries have the same SQL on every request; PostgreSQL spent longer
    planning the served page's six-table join (1.7 ms) than running it (0.3 ms). A statement
    prepared by psycopg (in the same round trip as its first run, so still one query, logged
    and counted as Django logs any other) is planned from then on by PostgreSQL's plan cache,
    for the connection's lifetime (CONN_MAX_AGE). Django leaves psycopg's prepare_threshold
    unset so that transaction-mode poolers keep working; a deployment behind such a pooler sets
    OPTIONS["prepare_threshold"] to None explicitly, and these statements are then prepared
    no more than the rest. Elsewhere (SQLite, psycopg 2) this is the ordinary cursor."""
    connection_ = connections[alias]
    cursor_class = _cursor_class_for(connection_.vendor)
    if not _prepares(connection_):
        with connection_.cursor() as cursor:
            yield cursor
        return
    connection_.ensure_connection()
    raw = connection_.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    # Django's own cursor (its timezone, query log and execute wrappers) of another class.
    default_factory = raw.cursor_factory
    raw.cursor_factory = cursor_class
    try:
        cursor = connection_.cursor()
    finally:
        raw.cursor_factory = default_factory
    with cursor:
        yield cursor


def plan_prepared_statements_once(sender, connection, **kwargs):
    """connection_created: a new PostgreSQL connection plans each prepared statement once, for
    any values (plan_cache_mode = force_generic_plan).

    Only preparing_cursor's statements are prepared, and only those whose best plan does not
    depend on their values (CompiledQuery(prepare=False) otherwise). Left to choose, PostgreSQL
    kept planning some of them for every run's values, because the generic plan's estimate for
    a range of paths is higher than a custom plan's: the document page's children, 0.05 ms to
    run and 0.37 ms to plan, at every request (docs/performance.md). Statements that are not
    prepared, Django's own, are planned for their values as before: the setting applies to
    prepared statements only. Run on the driver's connection, so outside Django's query log;
    a new connection is in autocommit, so the setting lasts for the connection's lifetime."""
    if _prepares(connection):
        connection.connection.execute("SET plan_cache_mode = force_generic_plan")


def _prepares(connection_):
    """Whether preparing_cursor prepares on this connection: PostgreSQL with psycopg 3, unless
    the deployment turned prepared statements off (OPTIONS["prepare_threshold"] = None)."""
    if _cursor_class_for(connection_.vendor) is None:
        return False
    options = connection_.settings_dict.get("OPTIONS") or {}
    return not ("prepare_threshold" in options and options["prepare_threshold"] is None)


def compiled_query(key, build):
    """The CompiledQuery for `key` in this process, made by `build()` on first use. A key names
    every constant the queryset bakes into its SQL (the model, the channel, a content type's
    id) and the database alias."""
    query = _COMPILED.get(key)
    if query is None:
        query = _COMPILED[key] = build()
    return query


# Values no page has: where a request's page id, path and depth go in a compiled query.
PK_MARKER = -7_301_517
PATH_MARKER = "STYRDOKPATHMARKER"
PATH_END_MARKER = "STYRDOKLASTPATH"
DEPTH_MARKER = 7_301_517


def children_path_range(path):
    """The bounds (exclusive, inclusive) of the paths one level below `path`: with the child
    depth they select exactly the children (fixed-length paths between `path` and its last
    possible child start with `path`). A range rather than Wagtail's LIKE 'path%': PostgreSQL
    plans a prepared statement with a range once for every page, a LIKE pattern again each time."""
    return path, path + Page.alphabet[-1] * Page.steplen


def _quoted(name):
    return connection.ops.quote_name(name)


@functools.cache
def _statement_parts():
    """The table and column names the candidate statement uses, read from the models once."""
    from django.contrib.auth import get_user_model

    from .documents import Styrdokument

    restricted = Styrdokument._meta.get_field("restricted_to")
    members = get_user_model()._meta.get_field("groups")
    columns = ", ".join(f"p.{_quoted(field.column)}" for field in Page._meta.concrete_fields)
    return {
        "columns": columns,
        "page": _quoted(Page._meta.db_table),
        "restriction": _quoted(PageViewRestriction._meta.db_table),
        "document": _quoted(Styrdokument._meta.db_table),
        "document_pk": _quoted(Styrdokument._meta.pk.column),
        "publicity": _quoted(Styrdokument._meta.get_field("publicity").column),
        "restricted": _quoted(restricted.m2m_db_table()),
        "restricted_page": _quoted(restricted.m2m_column_name()),
        "restricted_group": _quoted(restricted.m2m_reverse_name()),
        "members": _quoted(members.m2m_db_table()),
        "member_user": _quoted(members.m2m_column_name()),
        "member_group": _quoted(members.m2m_reverse_name()),
    }


def _hidden_condition(reader, alias):
    """SQL and params for visibility.hidden_roots(reader) on the page table as `alias`: the
    pages restricted to groups, less those restricted to a group `reader` (a user, or None for
    nobody) belongs to."""
    parts = _statement_parts()
    page, group = parts["restricted_page"], parts["restricted_group"]
    condition = f"{alias}.id IN (SELECT r.{page} FROM {parts['restricted']} r)"
    if reader is None:
        return condition, []
    member_of = (
        f"SELECT m.{page} FROM {parts['restricted']} m INNER JOIN {parts['members']} g "
        f"ON g.{parts['member_group']} = m.{group} WHERE g.{parts['member_user']} = %s"
    )
    return f"({condition} AND NOT ({alias}.id IN ({member_of})))", [reader.pk]


# The hidden roots' paths joined into one text (paths hold letters and digits only).
PATH_SEPARATOR = ","
_AGGREGATE = {
    "postgresql": f"string_agg({{}}, '{PATH_SEPARATOR}')",
    "sqlite": f"group_concat({{}}, '{PATH_SEPARATOR}')",
}


def _hidden_paths_column(hidden_of):
    """SQL and params for a column holding the paths of the roots hidden from the reader, joined
    by PATH_SEPARATOR: an uncorrelated subquery, which the database runs once for the statement
    (not a row per root, each made into a page object for its path alone)."""
    if hidden_of is None:
        return "NULL", []
    parts = _statement_parts()
    condition, params = _hidden_condition(hidden_of[0], "h")
    aggregate = _AGGREGATE[connection.vendor].format("h.path")
    return f"(SELECT {aggregate} FROM {parts['page']} h WHERE {condition})", params


def _candidates(root, path_components, hidden_of):
    """In one query: (the pages that may lie on the address below `root`, `root` and its
    ancestors and the live menu pages directly under `root` (for the site's menus); the paths of
    the roots of the subtrees hidden from the reader). `hidden_of` is `(reader,)` when some
    subtrees may be hidden from the reader (a user, or None for nobody) and None when the reader
    sees all; the paths are then None, as they are when no row is found.

    A hand-written statement rather than the ORM: this runs on every page request, and building
    and compiling the equivalent queryset (OR'd conditions, an Exists, a hidden-roots subquery)
    cost more than running it. tests/policies/test_routing_candidates.py proves it returns what
    the queryset does."""
    parts = _statement_parts()
    steplen = Page.steplen
    own_line = [root.path[:end] for end in range(steplen, len(root.path) + 1, steplen)]
    under_root = root.path + "%"
    wanted = [f"p.path IN ({', '.join(['%s'] * len(own_line))})"]
    params = list(own_line)
    slugs = sorted(set(path_components))
    if slugs:
        depths = range(root.depth + 1, root.depth + len(path_components) + 1)
        wanted.append(
            f"(p.depth IN ({', '.join(['%s'] * len(depths))}) AND p.path LIKE %s "
            f"AND p.slug IN ({', '.join(['%s'] * len(slugs))}))"
        )
        params += [*depths, under_root, *slugs]
    wanted.append("(p.depth = %s AND p.live AND p.path LIKE %s AND p.show_in_menus)")
    params += [root.depth + 1, under_root]
    hidden, hidden_params = _hidden_paths_column(hidden_of)
    sql = (
        f"SELECT {parts['columns']}, "
        f"EXISTS(SELECT 1 FROM {parts['restriction']} v WHERE v.page_id = p.id) "
        "AS view_restricted, "
        f"d.{parts['publicity']} AS publicity, "
        f"{hidden} AS hidden_paths "
        f"FROM {parts['page']} p LEFT OUTER JOIN {parts['document']} d "
        f"ON p.id = d.{parts['document_pk']} "
        f"WHERE {' OR '.join(wanted)} ORDER BY p.path"
    )
    rows = list(Page.objects.raw(sql, hidden_params + params))
    for row in rows:
        # SQLite answers 0/1: the callers and templates expect booleans as the ORM gave them.
        row.view_restricted = bool(row.view_restricted)
    if hidden_of is None or not rows:
        return rows, None
    joined = rows[0].hidden_paths
    return rows, tuple(joined.split(PATH_SEPARATOR)) if joined else ()


def _read_along(root, request, path_components):
    """The candidate rows; the reader's hidden roots and the menu go onto the request."""
    from ..visibility import as_member, prime_hidden_paths, reader_of

    user, sees_everything = reader_of(request)
    rows, hidden_paths = _candidates(
        root, path_components, None if sees_everything else (as_member(user),)
    )
    if hidden_paths is not None:
        prime_hidden_paths(request, user, hidden_paths)
    setattr(request, MENU_ATTR, _menu_candidates(rows, root))
    return rows


def read_frame(request):
    """For a view that serves no page (the search): the reader's hidden roots and the site's
    menu pages read as page routing reads them, in one statement with the start page's own line,
    instead of a query for each when they are first asked for. Nothing when the site's root is
    not the start page (policies.channels then finds the start page itself)."""
    from wagtail.models import Site

    from .site import HomePage

    site = Site.find_for_request(request)
    root = site.root_page if site is not None else None
    if root is None or root.specific_class is not HomePage:
        return
    _read_along(root, request, [])


def _menu_candidates(rows, root):
    """Live pages directly under `root` marked "show in menus", unless a view restriction sits on
    them, on `root` or above it (Wagtail's public())."""
    if any(row.view_restricted for row in rows if root.path.startswith(row.path)):
        return []
    return [
        row
        for row in rows
        if row.depth == root.depth + 1
        and row.path.startswith(root.path)
        and row.live
        and row.show_in_menus
        and not row.view_restricted
    ]


def _child(rows, parent, slug):
    """Wagtail's parent.get_children().get(slug=slug), from the rows read."""
    for row in rows:
        if row.depth == parent.depth + 1 and row.slug == slug and row.path.startswith(parent.path):
            return row
    raise Http404


def _routes_itself(page_class):
    route = getattr(page_class, "route", Page.route)
    return route is not Page.route and not getattr(route, "styrdok_one_query_route", False)


def _read_class(page_class):
    """The class whose table the serving query reads for `page_class`: its parent when it adds
    no field of its own but the link to it (policy, riktlinje, rutin, stödanvisning are all
    styrdokument), so PostgreSQL plans one join fewer: with the rows the page shows that one
    join cost more to plan than the whole query to run."""
    parents = [parent for parent in page_class._meta.parents if parent is not None]
    own_fields = [
        field
        for field in page_class._meta.local_concrete_fields
        if not getattr(field.remote_field, "parent_link", False)
    ]
    if len(parents) == 1 and not own_fields and hasattr(parents[0], "serving_queryset_for"):
        return parents[0]
    return page_class


def _served(row, request):
    """The specific page for `row`, read with what its page shows (one query)."""
    page_class = row.specific_class
    if page_class is None or page_class is type(row):
        return row
    if hasattr(page_class, "serving_queryset_for"):
        # Its SQL depends on the class and the variant alone: compiled once per process.
        read_class = _read_class(page_class)
        variant = page_class.serving_variant(request)
        query = compiled_query(
            ("served", read_class, variant, router.db_for_read(read_class)),
            lambda: CompiledQuery(
                read_class.serving_queryset_for(variant).filter(pk=PK_MARKER), pk=PK_MARKER
            ),
        )
        pages = query.run(as_model=page_class, pk=row.pk)
        return pages[0] if pages else row
    queryset = getattr(page_class, "serving_queryset", None)
    if queryset is not None:
        page = queryset(request).filter(pk=row.pk).first()
        return page if page is not None else row
    # Any other page (the register, an information page): its own row by its class's default
    # manager, in SQL that depends on the class alone, so compiled once per process (built by
    # the ORM on each request it cost the register 0.5–1 ms of Python).
    query = compiled_query(
        ("served-plain", page_class, router.db_for_read(page_class)),
        lambda: CompiledQuery(page_class._default_manager.filter(pk=PK_MARKER), pk=PK_MARKER),
    )
    pages = query.run(pk=row.pk)
    return pages[0] if pages else row


def route_in_one_query(root, request, path_components):
    """Wagtail's Page.route from `root` (the site's start page) for the whole address at once."""
    rows = _read_along(root, request, path_components)
    # root's own line (the tree's root, ..., root), then each page on the address.
    chain = [row for row in rows if root.path.startswith(row.path)]
    current = root
    for index, slug in enumerate(path_components):
        child = _child(rows, current, slug)
        if _routes_itself(child.specific_class):
            # A page that routes by itself (a routable page) gets the rest of the address.
            child = child.specific
            child._cached_parent_obj = current
            return child.route(request, path_components[index + 1 :])
        chain.append(child)
        current = child
    if not current.live:
        raise Http404
    page = _served(current, request)
    page._cached_parent_obj = chain[-2]
    setattr(page, CHAIN_ATTR, chain[:-1])
    setattr(
        page,
        UNRESTRICTED_ATTR,
        not any(row.view_restricted or row.alias_of_id for row in chain),
    )
    return RouteResult(page)


class ServedPage(TransliteratedSlug, AutosaveGuard, SerialChildren):
    """What a page routed by route_in_one_query reuses: its ancestors, read on the way."""

    def get_view_restrictions(self):
        # Nothing on the way was restricted or an alias: Wagtail's own query would find nothing.
        if getattr(self, UNRESTRICTED_ATTR, False):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def breadcrumb_ancestors(self):
        """The ancestors, root first (with `publicity` for styrdokument), for the breadcrumbs."""
        chain = getattr(self, CHAIN_ATTR, None)
        if chain is not None:
            return chain
        return list(
            Page.objects.ancestor_of(self)
            .annotate(publicity=models.F("styrdokument__publicity"))
            .order_by("path")
        )
