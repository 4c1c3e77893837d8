"""Caching: the same path serves different content per host, and nothing intranet is stored.

Every response says Vary: Host, so a shared cache keys on the host; every intranet response
says Cache-Control: private, no-store, so no shared cache (or disk cache) keeps it.
"""

import pytest

from tests.channels.conftest import header_values, versions_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(scene_once, db):
    """The scene, built once for the module; its pages read again for each test."""
    return scene_once.reloaded()


@pytest.fixture
def media_root(scene_once):
    """The scene's files stay in the module's folder rather than a new one per test."""


@pytest.fixture
def archive_root(scene_once):
    """Likewise the archival PDFs of the scene's versions."""


def addresses(scene):
    return [
        "/",
        "/styrdokument/",
        "/styrdokument/?typ=riktlinje&sida=abc",
        scene.path("offentlig"),
        scene.path("intern"),
        "/informationssakerhet/",
        "/sok/?q=incident",
        "/api/v2/pages/",
        f"/api/v2/pages/{scene.page('offentlig').pk}/",
        "/api/v2/pages/?limit=abc",
        "/feed/",
        "/sitemap.xml",
        f"/arkiv/{versions_of(scene.page('offentlig'))[0].pk}/",
        "/arkiv/999999/",
        scene.files["offentlig"].url,
        scene.files["intern"].url,
        "/finns-inte/",
        "/admin/",
    ]


def test_every_response_varies_on_host(
    scene, public_client, anonymous_intranet_client, intranet_client
):
    missing = {}
    for client in (public_client, anonymous_intranet_client, intranet_client):
        for url in addresses(scene):
            response = client.get(url)
            if "host" not in header_values(response, "Vary"):
                host = client.defaults["HTTP_HOST"]
                missing[host, url] = (response.status_code, response.get("Vary"))

    assert missing == {}


def test_every_intranet_response_is_private_and_not_stored(
    scene, anonymous_intranet_client, intranet_client
):
    cacheable = {}
    statuses = set()
    for client in (anonymous_intranet_client, intranet_client):
        for url in addresses(scene) + ["/logga-in/"]:
            response = client.get(url)
            statuses.add(response.status_code)
            cache_control = header_values(response, "Cache-Control")
            if not {"private", "no-store"} <= cache_control or "public" in cache_control:
                cacheable[url] = (response.status_code, response.get("Cache-Control"))

    assert cacheable == {}
    # Pages, files, redirects to the login page and errors alike.
    assert statuses == {200, 302, 400, 404}


def test_public_responses_may_be_cached(scene, public_client):
    """The public site is the same for everyone: it is not marked private or no-store."""
    for url in ("/", scene.path("offentlig"), "/feed/", "/sitemap.xml", "/api/v2/pages/"):
        cache_control = header_values(public_client.get(url), "Cache-Control")

        assert not {"private", "no-store"} & cache_control, url
