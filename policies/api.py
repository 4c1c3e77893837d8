"""Read-only Wagtail API v2: pages only, and only what the channel's reader may see."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from .models import Styrdokument


class ChannelPagesAPIViewSet(PagesAPIViewSet):
    def get_base_queryset(self):
        hidden = Styrdokument.objects.exclude(
            pk__in=Styrdokument.objects.for_request(self.request).values("pk")
        ).values("pk")
        return super().get_base_queryset().exclude(pk__in=hidden)


# Only the pages endpoint: Wagtail's documents and images endpoints list every file title,
# including those that belong to internal documents.
api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ChannelPagesAPIViewSet)
