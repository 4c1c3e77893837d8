"""Security headers on every response: Content-Security-Policy and Permissions-Policy.

The policies themselves live in settings (STYRDOK_CSP_* and STYRDOK_PERMISSIONS_POLICY); this
module only decides which one a request gets. The public website and the intranet render only
Styrdok's own templates, which load every script and style from files, so they get the strict
policy. Wagtail's admin (and its previews, served under /admin/) needs a little more, listed in
the admin policy, and nothing there is opened up for the other two channels.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings


def is_admin_path(request):
    return request.path_info.startswith(settings.STYRDOK_CSP_ADMIN_PREFIX)


class ChannelCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with one policy for the admin and a stricter one elsewhere.

    A view that sets its own policy with django-csp's decorators still wins: the per-area policy
    only replaces the settings' default.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin_path(request):
            parts.config = settings.STYRDOK_CSP_ADMIN_DIRECTIVES
        return parts

    def process_response(self, request, response):
        # Wagtail's preview runs the page through the middleware on a dummy request that names
        # the page's own path; the admin request around it sets the admin's policy (which lets
        # the editor frame the preview) on the answer that reaches the browser.
        if getattr(request, "is_dummy", False):
            return response
        return super().process_response(request, response)


class PermissionsPolicyMiddleware:
    """Switches off browser features Styrdok never uses (camera, microphone, geolocation …), so
    that no injected or embedded content can ask the reader for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowlist)})"
            for feature, allowlist in settings.STYRDOK_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.header
        return response
