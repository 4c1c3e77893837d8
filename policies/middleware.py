"""Hidden documents answer 404 at every admin address that names them.

The permission tester already refuses every action on a document hidden from the user, but
Wagtail answers a refusal with "permission denied", which confirms that the page exists, and a
few of its views (revisions, comparisons, usage) show content before asking. This guard runs
before any admin view: an address that names a hidden page, a hidden page's task, or a file used
only by hidden pages is a 404, as if the id had never been used.
"""

import json

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.defaults import page_not_found
from wagtail.models import Page, TaskState

from .visibility import hidden_file_ids, hidden_paths

# URL keyword arguments that name a page, in Wagtail's routes and Styrdok's own.
PAGE_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk")
# Routes whose `pk` is a page.
PAGE_PK_ROUTES = {
    "wagtailadmin_pages:revisions_compare",
    "wagtailadmin_api:pages:detail",
    "wagtailadmin_api:pages:action",
    "styrdok_cases:compare",
}
FILE_KWARGS = ("document_id", "doc_id")
FILE_PK_ROUTES = {
    "wagtaildocs_chooser:chosen",
    "wagtailadmin_api:documents:detail",
}
TASK_STATE_KWARGS = ("task_state_id",)
# The admin API's answer for an id it does not know, by the model its route names (Wagtail's
# API renders Http404 as this JSON, indented as its renderer does).
API_NOT_FOUND = {"wagtailadmin_api:pages": "Page", "wagtailadmin_api:documents": "Document"}
# Snippets named after the document they point at (their title is the document's), each
# registered by its own app (register_document_snippet): model -> (the field holding the page
# id, the URL namespaces of its viewset and of Wagtail's snippet chooser for it). Their pk at
# those addresses, and their ids in a bulk action, name that document.
DOCUMENT_SNIPPETS = {}
# Fields of Wagtail's own admin forms that name a page: the new parent of a copy (its form's
# error names the page it was sent).
PAGE_FORM_FIELDS = {"wagtailadmin_pages:copy": ("new_parent_page",)}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def register_document_snippet(model, field, namespaces):
    """A snippet model named after the document its `field` points at, administered at the URL
    `namespaces` (called by the app that defines it, from its AppConfig.ready)."""
    DOCUMENT_SNIPPETS[model] = (field, tuple(namespaces))


def snippet_pages(request, match):
    """The documents that the DOCUMENT_SNIPPETS an admin request names point at."""
    kwargs = match.kwargs
    pages = set()
    for model, (field, namespaces) in DOCUMENT_SNIPPETS.items():
        ids = set()
        if match.namespace in namespaces and "pk" in kwargs:
            ids.add(_int(kwargs["pk"]))
        opts = model._meta
        bulk = (kwargs.get("app_label"), kwargs.get("model_name")) == (
            opts.app_label,
            opts.model_name,
        )
        if match.view_name == "wagtail_bulk_action" and bulk:
            ids |= {_int(value) for value in request.GET.getlist("id")}
        ids.discard(None)
        if ids:
            pages |= set(model.objects.filter(pk__in=ids).values_list(field, flat=True))
    return pages


def bulk_ids(request, kwargs):
    """(page ids, file ids) a bulk action names in its query: pages for Wagtail's page
    actions, files for the documents library (a snippet's ids are neither)."""
    ids = {_int(value) for value in request.GET.getlist("id")}
    app_label = kwargs.get("app_label")
    return (ids if app_label == "wagtailcore" else set()), (
        ids if app_label == "wagtaildocs" else set()
    )


def named_ids(request, match):
    """The page and file ids an admin request names, in its path, (bulk actions) its query or
    (a copy) its form."""
    kwargs = match.kwargs
    pages = {_int(kwargs[key]) for key in PAGE_KWARGS if key in kwargs}
    files = {_int(kwargs[key]) for key in FILE_KWARGS if key in kwargs}
    if match.view_name in PAGE_PK_ROUTES:
        pages.add(_int(kwargs.get("pk")))
    if match.view_name in FILE_PK_ROUTES:
        files.add(_int(kwargs.get("pk")))
    pages |= _task_state_pages(kwargs)
    if match.view_name == "wagtailadmin_editing_sessions:ping":
        pages.add(_int(kwargs.get("object_id")))
    if request.method == "POST":
        for key in PAGE_FORM_FIELDS.get(match.view_name, ()):
            pages |= {_int(value) for value in request.POST.getlist(key)}
    pages |= snippet_pages(request, match)
    if match.view_name == "wagtail_bulk_action":
        bulk_pages, bulk_files = bulk_ids(request, kwargs)
        pages |= bulk_pages
        files |= bulk_files
    pages.discard(None)
    files.discard(None)
    return pages, files


def _task_state_pages(kwargs):
    """The pages whose workflow tasks the address names."""
    pages = set()
    for key in TASK_STATE_KWARGS:
        if key in kwargs:
            state = (
                TaskState.objects.filter(pk=_int(kwargs[key]))
                .values_list("workflow_state__object_id", flat=True)
                .first()
            )
            pages.add(_int(state))
    return pages


# The range of a database id (a signed 64-bit integer, PostgreSQL's bigint and SQLite's INTEGER).
LARGEST_ID = 2**63 - 1


class IdRangeMiddleware:
    """An id in the address that no database column can hold names nothing: 404. Django's
    <int:…> accepts any number of digits, and SQLite refuses to compare such a number (an
    OverflowError, a server error) wherever it is looked up through a relation, e.g. the
    pk of a styrdokument (its page_ptr)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        values = [*view_args, *view_kwargs.values()]
        if any(isinstance(value, int) and abs(value) > LARGEST_ID for value in values):
            raise Http404
        return None


def admin_not_found(request, match):
    """The answer the admin gives for an id that was never used, so that a hidden document's
    address cannot be told from an unknown one: Wagtail's admin 404 page (its views turn Http404
    into it, wagtail.admin.urls.display_custom_404), or the admin API's JSON. A bare Http404 from
    here would render the site's own 404 page instead, a different answer for hidden ids."""
    model = API_NOT_FOUND.get(match.namespace)
    if model is not None:
        body = json.dumps({"message": f"No {model} matches the given query."}, indent=4)
        response = HttpResponse(body, status=404, content_type="application/json")
    else:
        response = page_not_found(request, Http404(), template_name="wagtailadmin/404.html")
    add_never_cache_headers(response)
    return response


class HiddenDocumentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        user = getattr(request, "user", None)
        if match is None or user is None or not user.is_authenticated or user.is_superuser:
            return None
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return None
        if not user.has_perm("wagtailadmin.access_admin"):
            # Wagtail sends them to the login page at every admin address; a 404 here alone
            # would tell them that a hidden document has this id.
            return None
        pages, files = named_ids(request, match)
        if pages:
            roots = hidden_paths(user)
            if roots:
                paths = Page.objects.filter(pk__in=pages).values_list("path", flat=True)
                if any(path.startswith(root) for path in paths for root in roots):
                    return admin_not_found(request, match)
        if files and files & hidden_file_ids(user):
            return admin_not_found(request, match)
        return None
