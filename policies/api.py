"""Read-only Wagtail API v2: pages only, and only what the channel's reader may see."""

from django.db import DatabaseError, transaction
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from .models import Styrdokument


class ChannelPagesAPIViewSet(PagesAPIViewSet):
    def get_base_queryset(self):
        hidden = Styrdokument.objects.exclude(
            pk__in=Styrdokument.objects.for_request(self.request).values("pk")
        ).values("pk")
        return super().get_base_queryset().exclude(pk__in=hidden)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # No parameter needs a NUL character, and PostgreSQL refuses them in a query.
        if any("\x00" in name + "".join(values) for name, values in request.GET.lists()):
            raise BadRequestError("query parameters cannot contain NUL characters")

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
