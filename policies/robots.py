"""robots.txt per channel: the public website invites crawlers, the intranet turns them all away."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .channels import is_intranet


@require_GET
def robots_txt(request):
    """The intranet is behind a login anyway; Disallow keeps well-behaved crawlers from even
    trying (and from listing its login page). The public site points them at the sitemap, which
    lists only what the public may read."""
    if is_intranet(request):
        lines = ["User-agent: *", "Disallow: /"]
    else:
        lines = [
            "User-agent: *",
            "Allow: /",
            f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
