"""Routing a request to its page in two queries, whatever the page's depth.

Wagtail walks the tree one level at a time: for each slug in the address a query for the child
and another for its specific row, then one more pair for the page's view restrictions, and a
template asking for the breadcrumbs reads the ancestors again. The start page routes instead:
one query reads every candidate page on the address (by slug, depth and place in the tree) with
whether a view restriction sits on it, the walk happens in Python with Wagtail's rules, and one
query reads the page found with what it shows (ServedPage.serving_queryset). The ancestors read
on the way answer the view-restriction check and the breadcrumbs.

Wagtail's semantics are kept: only the page at the end of the address must be live; a page on
the way whose class routes by itself (a routable page) gets the rest of the address; an alias
is checked against its source's restrictions (Wagtail's own check runs whenever an alias or a
restriction is on the way).
"""

from django.db import models
from django.http import Http404
from wagtail.models import Page, PageViewRestriction
from wagtail.url_routing import RouteResult

CHAIN_ATTR = "_styrdok_route_chain"
UNRESTRICTED_ATTR = "_styrdok_unrestricted"
# The live pages under the start page marked "show in menus" with no view restriction on them
# or above them, read while routing; policies.channels picks the menus from them.
MENU_ATTR = "_styrdok_menu_candidates"


def _candidates(root, path_components, hidden_roots):
    """In one query: the pages that may lie on the address below `root`, `root` and its
    ancestors, the live menu pages directly under `root` (for the site's menus) and the roots of
    the subtrees hidden from the reader (`hidden_roots`, a queryset, or None if none are)."""
    steplen = Page.steplen
    own_line = [root.path[:end] for end in range(steplen, len(root.path) + 1, steplen)]
    depths = range(root.depth + 1, root.depth + len(path_components) + 1)
    on_address = models.Q(
        slug__in=set(path_components), depth__in=list(depths), path__startswith=root.path
    )
    in_menu = models.Q(
        depth=root.depth + 1, path__startswith=root.path, live=True, show_in_menus=True
    )
    wanted = models.Q(path__in=own_line) | on_address | in_menu
    hidden = models.Q(pk__in=hidden_roots.values("pk")) if hidden_roots is not None else None
    rows = Page.objects.filter(wanted | hidden if hidden is not None else wanted).annotate(
        view_restricted=models.Exists(
            PageViewRestriction.objects.filter(page_id=models.OuterRef("pk"))
        ),
        publicity=models.F("styrdokument__publicity"),
        hidden_root=models.ExpressionWrapper(
            hidden if hidden is not None else models.Value(False),
            output_field=models.BooleanField(),
        ),
    )
    return list(rows.order_by("path"))


def _read_along(root, request, path_components):
    """The candidate rows; the reader's hidden roots and the menu go onto the request."""
    from ..visibility import hidden_roots, prime_hidden_paths, reader_of

    user, sees_everything = reader_of(request)
    rows = _candidates(root, path_components, None if sees_everything else hidden_roots(user))
    if not sees_everything:
        prime_hidden_paths(request, user, tuple(row.path for row in rows if row.hidden_root))
    setattr(request, MENU_ATTR, _menu_candidates(rows, root))
    return rows


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


def _served(row, request):
    """The specific page for `row`, read with what its page shows (one query)."""
    page_class = row.specific_class
    if page_class is None or page_class is type(row):
        return row
    queryset = getattr(page_class, "serving_queryset", None)
    queryset = queryset(request) if queryset is not None else page_class._default_manager.all()
    page = queryset.filter(pk=row.pk).first()
    return page if page is not None else row


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


class ServedPage:
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
