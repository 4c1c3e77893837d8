"""Absolute links in e-mails, calendar feeds and PDFs, built from the Wagtail Site records.

Mail and feeds are read outside any request, so there is no Host header to go by. The Site
records are the one place where the hostnames and ports of the two channels live (setup writes
them from STYRDOK_INTRANET_URL / STYRDOK_PUBLIC_URL), so every absolute link starts from
`Site.root_url`; the URL settings are only a fallback for a database without sites.

A `SiteLinks` object reads the sites once; a batch job (the reminder run) keeps one for the whole
run so that a thousand documents cost no more queries than one. The module-level functions are
for single messages.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from wagtail.models import Site


def _channel_hostname(intranet):
    return settings.STYRDOK_INTRANET_HOSTNAME if intranet else settings.STYRDOK_PUBLIC_HOSTNAME


def _url_port(url):
    parts = urlsplit(url)
    return parts.port or (443 if parts.scheme == "https" else 80)


def _fallback_root_url(intranet):
    url = settings.STYRDOK_INTRANET_URL if intranet else settings.STYRDOK_PUBLIC_URL
    return url.rstrip("/")


class SiteLinks:
    """The two channels' sites, looked up once and reused for every link built through it."""

    def __init__(self):
        self._sites = {}

    def site(self, intranet=True):
        if intranet not in self._sites:
            sites = list(
                Site.objects.filter(hostname=_channel_hostname(intranet))
                .select_related("root_page")
                .order_by("-is_default_site", "pk")
            )
            # Should a host have sites on several ports, the one the settings name wins.
            port = _url_port(_fallback_root_url(intranet))
            matching = [site for site in sites if site.port == port]
            self._sites[intranet] = (matching or sites or [None])[0]
        return self._sites[intranet]

    def root_url(self, intranet=True):
        site = self.site(intranet)
        if site is None:
            return _fallback_root_url(intranet)
        return site.root_url.rstrip("/")

    def admin(self, path):
        """Admin pages are served on the intranet host."""
        return self.root_url(intranet=True) + path

    def page(self, page, intranet=True):
        """The page's address on the channel, or "" when the page is outside that site."""
        site = self.site(intranet)
        path = page.url_path
        if site is None:
            root_path = "/"
            # Without a site the page tree's home is the first level below the root.
            parts = path.strip("/").split("/")
            path = "/" + "/".join(parts[1:]) + "/" if len(parts) > 1 else "/"
        else:
            root_path = site.root_page.url_path
            if not path.startswith(root_path):
                return ""
            path = "/" + path[len(root_path) :]
        return self.root_url(intranet) + path

    def my_documents(self):
        return self.admin(reverse("styrdok_my_documents:index"))


def site_root_url(intranet=True):
    """E.g. "http://intranet.localhost:8123", without a trailing slash."""
    return SiteLinks().root_url(intranet)


def admin_absolute_url(path):
    return SiteLinks().admin(path)


def intranet_page_url(page):
    return SiteLinks().page(page, intranet=True)


def public_page_url(page):
    return SiteLinks().page(page, intranet=False)


def my_documents_url():
    """The owner's "Mina dokument" page in the admin."""
    return SiteLinks().my_documents()
