"""Which Wagtail site answers a request, in a statement compiled once per process.

Every page, search and API request asks Wagtail for its site (Site.find_for_request). Wagtail
builds that query with the ORM each time: a CASE ranking every site by how well it matches the
host and port, ordered in the database. Building and compiling it cost several times more than
running it. Here the same rows (the sites with the request's hostname, and the default site) are
read by a query compiled once (policies.models.routing.CompiledQuery, prepared on PostgreSQL),
and Wagtail's ranking and its rules for choosing among them are applied to those few rows in
Python. ChannelMiddleware leaves the answer where Wagtail looks for it first
(`request._wagtail_site`), so Wagtail's own views, the page tree, the API and the templates all
use the same site, found once per request.
"""

from django.db import router
from django.db.models import Q
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import (
    MATCH_DEFAULT,
    MATCH_HOSTNAME,
    MATCH_HOSTNAME_DEFAULT,
    MATCH_HOSTNAME_PORT,
)

from .models.routing import CompiledQuery, compiled_query

# A value no hostname has: where the request's hostname goes in the compiled query.
HOSTNAME_MARKER = "STYRDOKHOSTNAMEMARKER"
# Where Wagtail keeps the site it found for a request (Site.find_for_request).
REQUEST_ATTR = "_wagtail_site"


def _candidates_query():
    return CompiledQuery(
        Site.objects.filter(Q(hostname=HOSTNAME_MARKER) | Q(is_default_site=True))
        .select_related("root_page")
        .order_by(),  # ranked in Python (site_for_hostname)
        hostname=HOSTNAME_MARKER,
    )


def _match(site, hostname, port):
    """Wagtail's ranking of a candidate site (get_site_for_hostname's CASE), lowest best."""
    if site.hostname == hostname and site.port == port:
        return MATCH_HOSTNAME_PORT
    if site.hostname == hostname and site.is_default_site:
        return MATCH_HOSTNAME_DEFAULT
    if site.is_default_site:
        return MATCH_DEFAULT
    return MATCH_HOSTNAME


def site_for_hostname(hostname, port):
    """Wagtail's get_site_for_hostname(hostname, port), with None where Wagtail raises
    Site.DoesNotExist (as Site.find_for_request answers then)."""
    query = compiled_query(("site", router.db_for_read(Site)), _candidates_query)
    sites = query.run(hostname=hostname)
    for site in sites:
        site.match = _match(site, hostname, port)
    sites.sort(key=lambda site: site.match)
    if not sites:
        return None
    if len(sites) == 1 or sites[0].match in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        return sites[0]
    if sites[0].match == MATCH_DEFAULT:
        # The default site and other sites of the hostname on other ports: exactly one of
        # those is taken over the default.
        return sites[len(sites) == 2]
    return None


def site_for_request(request):
    """The site for `request` as Wagtail's Site._find_for_request reads the host and port."""
    hostname = split_domain_port(request._get_raw_host())[0]
    return site_for_hostname(hostname, request.get_port())


def find_site_once(request):
    """Leave the request's site where Site.find_for_request looks first, unless it is there.

    Wagtail routes every page request from `site.root_page.specific`, which reads the start
    page's own row again (a query per request) although routing uses only what the site's
    query read with it (its path, depth, liveness). The start page is given to Wagtail in its
    specific class with its own fields deferred instead: read only when something asks for
    them, as the start page's template does."""
    if hasattr(request, REQUEST_ATTR):
        return
    site = site_for_request(request)
    if site is not None and site.root_page_id is not None:
        root = site.root_page
        root.__dict__.setdefault("specific", root.specific_deferred)
    setattr(request, REQUEST_ATTR, site)
