from wagtail.contrib.sitemaps import Sitemap

from .models import Styrdokument


class ChannelSitemap(Sitemap):
    """Wagtail's sitemap without the documents this channel's reader may not see."""

    def items(self):
        hidden = Styrdokument.objects.exclude(
            pk__in=Styrdokument.objects.for_request(self.request).values("pk")
        ).values("pk")
        return super().items().exclude(pk__in=hidden)
