"""The project's own error views, where Django's defaults do not fit."""

from django.http import HttpResponseBadRequest
from django.template import loader


def bad_request(request, exception):
    """400: templates/400.html, rendered without the request.

    Django's own view renders 400.html with the request, which runs the context processors; they
    ask the request for its host (the channel, the site), and a request refused for its Host
    header (DisallowedHost) would fail again there and end as a server error. The page needs
    nothing from the request."""
    return HttpResponseBadRequest(loader.get_template("400.html").render())
