"""Security headers on each channel: Content-Security-Policy, Permissions-Policy, robots.txt.

The public website and the intranet get a strict policy (no inline script or style at all);
the admin gets only what Wagtail's editor needs. tests/browser/test_csp_admin.py proves in
Chromium that the admin works under its policy, the editor's preview panel included.
"""

import pytest

from policies.models import RiktlinjePage
from tests.factories import make_live_document, path_of

pytestmark = pytest.mark.django_db


def directives(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_strict_policy(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def assert_permissions_policy(response):
    header = response["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


@pytest.fixture
def document(db):
    return make_live_document(RiktlinjePage, title="Riktlinje för loggning")


def test_a_public_page_has_the_strict_policy(document, public_client):
    response = public_client.get(path_of(document))

    assert response.status_code == 200
    assert "Riktlinje för loggning" in response.content.decode()
    assert_strict_policy(response)
    assert_permissions_policy(response)


def test_an_intranet_page_has_the_strict_policy(document, intranet_client):
    response = intranet_client.get(path_of(document))

    assert response.status_code == 200
    assert "Riktlinje för loggning" in response.content.decode()
    assert_strict_policy(response)
    assert_permissions_policy(response)


def test_the_intranet_login_redirect_carries_the_headers(anonymous_intranet_client):
    """The channel middleware answers this one itself, before any view."""
    response = anonymous_intranet_client.get("/styrdokument/")

    assert response.status_code == 302
    assert_strict_policy(response)
    assert_permissions_policy(response)


def test_an_admin_page_has_the_admin_policy(document, redaktor_client):
    response = redaktor_client.get(f"/admin/pages/{document.pk}/edit/")

    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    # Wagtail's widgets and Draftail need inline script and style, nothing else from outside.
    assert policy["script-src"] == ["'self'", "'unsafe-inline'", "'report-sample'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'", "'report-sample'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    # The editor frames its own preview, and nothing else frames the admin.
    assert policy["frame-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert_permissions_policy(response)


def test_the_admin_login_page_has_the_admin_policy(anonymous_intranet_client):
    response = anonymous_intranet_client.get("/admin/login/")

    assert response.status_code == 200
    assert "'unsafe-inline'" in directives(response)["script-src"]
    assert_permissions_policy(response)


def test_robots_txt_on_the_public_site_allows_crawling_and_names_the_sitemap(public_client):
    response = public_client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    assert "Disallow: /" not in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_robots_txt_on_the_intranet_disallows_everything(anonymous_intranet_client):
    """Answered to anonymous crawlers, not redirected to the login page."""
    response = anonymous_intranet_client.get("/robots.txt")

    assert response.status_code == 200
    assert response.content.decode().splitlines() == ["User-agent: *", "Disallow: /"]
    assert "Sitemap" not in response.content.decode()
