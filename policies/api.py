"""Read-only Wagtail API v2: pages only, and only what the channel's reader may see."""

from django.db import DatabaseError, models, transaction
from django.utils.functional import cached_property
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Site

from .channels import PUBLIC, get_channel
from .expressions import PathUnder
from .models import Publicity, Styrdokument
from .models.documents import MAX_PREFIX_ROOTS, outermost
from .visibility import hidden_page_ids, reader_of, request_hidden_paths

# Where Page._get_site_root_paths keeps the site root paths on a page or a request.
ROOT_PATHS_ATTR = "_wagtail_cached_site_root_paths"
# The highest offset a listing accepts: far beyond any real listing, far below 2**63.
MAX_OFFSET = 1_000_000_000


class ChannelPagesAPIViewSet(PagesAPIViewSet):
    def get_base_queryset(self):
        """Wagtail's live, public pages of the site, less the styrdokument the reader may not
        see: for_request's conditions (publicity on the public site, the reader's hidden
        subtrees) written on the listing's own rows, so a page of results is read without
        comparing every document against every other.

        Built once per request (the view is made anew for each): Wagtail asks for it three
        times in a listing (the queryset, the serializer's class and its context), and each time
        read the view restrictions again and built the same conditions."""
        return self._base_queryset

    @cached_property
    def _base_queryset(self):
        pages = super().get_base_queryset()
        if "search" in self.request.GET:
            # Wagtail's search filters only on indexed fields and primary keys.
            hidden = Styrdokument.objects.exclude(
                pk__in=Styrdokument.objects.for_request(self.request).values("pk")
            )
            return pages.exclude(pk__in=hidden.values("pk"))
        document = models.Q(styrdokument__isnull=False)
        if get_channel(self.request) == PUBLIC:
            pages = pages.exclude(document & ~models.Q(styrdokument__publicity=Publicity.PUBLIC))
        user, sees_everything = reader_of(self.request)
        roots = () if sees_everything else outermost(request_hidden_paths(self.request, user))
        if len(roots) > MAX_PREFIX_ROOTS:
            return pages.exclude(pk__in=hidden_page_ids(user))
        if roots:
            # Each listed row's own path is tested (PathUnder: an IN list per length of root),
            # as for_request does: a prefix comparison per row and per hidden root made the count
            # grow with documents × roots, and NOT IN (the hidden pages, one LIKE per root) cost
            # 1.5 ms to plan and a hash of every page on every listing.
            pages = pages.exclude(document & models.Q(PathUnder("path", roots)))
        return pages

    def get_queryset(self):
        # The rows every listed page's fields read (its locale; a document's deciding body),
        # in the listing's own query rather than one per page.
        queryset = super().get_queryset()
        related = ["locale"]
        if issubclass(queryset.model, Styrdokument):
            related.append("decision_body")
        return queryset.select_related(*related)

    def _site_root_paths(self):
        """Site.get_site_root_paths() once per request, where Wagtail itself keeps it."""
        request = self.request
        if not hasattr(request, ROOT_PATHS_ATTR):
            setattr(request, ROOT_PATHS_ATTR, Site.get_site_root_paths())
        return getattr(request, ROOT_PATHS_ATTR)

    def _share_root_paths(self, pages):
        # Every html_url asks for the site root paths, and a page without them reads them from
        # the cache (with the database cache, one query per listed page).
        paths = self._site_root_paths()
        for page in pages:
            setattr(page, ROOT_PATHS_ATTR, paths)
        return pages

    def paginate_queryset(self, queryset):
        return self._share_root_paths(list(super().paginate_queryset(queryset)))

    def get_object(self):
        # The detail shows the page's html_url and its parent's; get_parent keeps the parent
        # it reads on the page, so the serializer gets the same instance.
        page = super().get_object()
        parent = page.get_parent()
        self._share_root_paths([page] if parent is None else [page, parent])
        return page

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # No parameter needs a NUL character, and PostgreSQL refuses them in a query.
        if any("\x00" in name + "".join(values) for name, values in request.GET.lists()):
            raise BadRequestError("query parameters cannot contain NUL characters")
        # An offset the database cannot hold (OFFSET is a 64-bit integer, and offset + limit
        # must fit too) is bad input like a negative one, not a database error.
        offset = request.GET.get("offset", "")
        if offset.strip().isdecimal() and int(offset) > MAX_OFFSET:
            raise BadRequestError(f"offset cannot be higher than {MAX_OFFSET}")

    def listing_view(self, request):
        # Bad search input is a 400 like any other bad parameter, never a server error.
        if request.GET.get("search_operator") not in (None, "", "and", "or"):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        if "search" not in request.GET:
            return super().listing_view(request)
        try:
            # A savepoint, so a query the search backend cannot parse (e.g. an unbalanced quote
            # on SQLite) leaves no broken transaction behind.
            with transaction.atomic():
                return super().listing_view(request)
        except DatabaseError as exc:
            raise BadRequestError("search could not be understood; try other words") from exc


# Only the pages endpoint: Wagtail's documents and images endpoints list every file title,
# including those that belong to internal documents.
api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ChannelPagesAPIViewSet)
