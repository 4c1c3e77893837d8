"""Old addresses redirect on the channel they were asked on, and only to what it may show.

Wagtail's RedirectMiddleware builds the target from `page.url`, which knows no request: with
the public site and the intranet sharing one page tree it names the first site's host, so a
member of staff following an old intranet link to an internal document was sent to the public
website's 404. And a redirect answers where a 404 used to, so a redirect to a document the
channel does not show (an internal one on the public site, a group-restricted one for someone
outside the groups) would reveal that it exists. Both redirects kept by the slug migration and
the ones Wagtail creates when a published page's slug changes (WAGTAILREDIRECTS_AUTO_CREATE)
pass through here.
"""

from urllib.parse import urlparse

from django import http
from wagtail.contrib.redirects.middleware import RedirectMiddleware, get_redirect
from wagtail.contrib.redirects.models import Redirect


def _target(request, redirect):
    """The address to send the reader to, on this request's site; None when it may not know."""
    if not redirect.redirect_page_id:
        return redirect.link
    from .models import Styrdokument
    from .visibility import document_shown_to_request

    page = redirect.redirect_page.specific_deferred
    if not page.live:
        return None
    if isinstance(page, Styrdokument) and not document_shown_to_request(page, request):
        return None
    url = page.get_url(request=request)
    if url is None:
        return None
    route = redirect.redirect_page_route_path
    if route:
        try:
            page.resolve_subpage(route)
        except (AttributeError, http.Http404):
            return url
        return url.rstrip("/") + route
    return url


class ChannelRedirectMiddleware(RedirectMiddleware):
    """Wagtail's RedirectMiddleware, with the target resolved for the request's channel."""

    def process_response(self, request, response):
        if response.status_code != 404:
            return response
        path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
        redirect = get_redirect(request, path)
        if redirect is None:
            path_without_query = urlparse(path).path
            if path == path_without_query:
                return response
            redirect = get_redirect(request, path_without_query)
            if redirect is None:
                return response
        target = _target(request, redirect)
        if target is None:
            return response
        if redirect.is_permanent:
            return http.HttpResponsePermanentRedirect(target)
        return http.HttpResponseRedirect(target)
