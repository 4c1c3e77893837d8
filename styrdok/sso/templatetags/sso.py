from urllib.parse import urlencode

from django import template
from django.urls import reverse

from styrdok.sso import provider

register = template.Library()


@register.simple_tag
def sso_login(next_url=""):
    """What a login page offers: {"enabled", "local_login", "url"} (url keeps `next`)."""
    enabled = provider.sso_enabled()
    url = ""
    if enabled:
        url = reverse("oidc_authentication_init")
        if next_url:
            url = f"{url}?{urlencode({'next': next_url})}"
    return {"enabled": enabled, "local_login": provider.local_login_allowed(), "url": url}
