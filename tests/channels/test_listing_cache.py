"""The sitemap and the feed: Styrdok's own sitemap view lists exactly what Wagtail's would, and
the public site's sitemap and feed are kept between changes, never the intranet's.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.sitemaps import views as wagtail_sitemap_views

from policies.channels import LISTING_PREFIX
from policies.repeal import register_existing_repeal
from policies.sitemaps import ChannelSitemap, sitemap
from tests.channels.conftest import body_of
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    adopt_new_version,
    days_ago,
    get_body,
    path_of,
    reader_request,
)
from tests.shared import run_commit_callbacks

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


@pytest.fixture
def listings_kept(settings):
    """The page cache's invalidation on (and with it the kept listings), the cache empty."""
    settings.STYRDOK_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def wagtails_sitemap(host, user, path="/sitemap.xml"):
    response = wagtail_sitemap_views.sitemap(
        reader_request(host, user, path), sitemaps={"wagtail": ChannelSitemap}
    )
    return response.render()


def kept_listings():
    return [key for key in cache._cache if LISTING_PREFIX in key]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def reader_on_public_site(user):
    """A member of staff reading the public site: a session cookie, so no page cache."""
    client = Client(HTTP_HOST=PUBLIC_HOST)
    client.force_login(user)
    return client


# -- the same sitemap as Wagtail's ---------------------------------------------------------------


@pytest.mark.parametrize("reader", ["anonymous", "staff", "member"])
@pytest.mark.parametrize("host", [PUBLIC_HOST, INTRANET_HOST])
def test_the_sitemap_is_wagtails_byte_for_byte(scene, staff_user, member, host, reader):
    user = {"anonymous": None, "staff": staff_user, "member": member}[reader]

    expected = wagtails_sitemap(host, user)
    response = sitemap(reader_request(host, user, "/sitemap.xml"))

    assert response.status_code == expected.status_code == 200
    assert response.content.decode() == expected.content.decode()
    for header in ("Content-Type", "Last-Modified", "X-Robots-Tag"):
        assert response.get(header) == expected.get(header), header


def test_a_page_with_a_view_restriction_and_its_subtree_stay_out_as_in_wagtails(scene, staff_user):
    """Wagtail's public(): the information page behind a password is in neither sitemap."""
    from wagtail.models import PageViewRestriction

    information = scene.page("information")
    PageViewRestriction.objects.create(
        page=information, restriction_type=PageViewRestriction.PASSWORD, password="hemligt"
    )

    response = sitemap(reader_request(PUBLIC_HOST, path="/sitemap.xml"))

    assert path_of(information) not in response.content.decode()
    assert response.content == wagtails_sitemap(PUBLIC_HOST, None).content


@pytest.mark.parametrize("page", ["2", "abc", "0"])
def test_a_sitemap_page_that_does_not_exist_is_404_as_in_wagtails(scene, public_client, page):
    assert public_client.get(f"/sitemap.xml?p={page}").status_code == 404


# -- kept for the public site --------------------------------------------------------------------


def test_the_public_sitemap_and_feed_are_kept_until_a_change(scene, listings_kept, staff_user):
    client = reader_on_public_site(staff_user)
    for url in ("/sitemap.xml", "/feed/"):
        first, first_queries = queries_for(client, url)
        second, second_queries = queries_for(client, url)

        assert first.status_code == second.status_code == 200
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]
        assert second_queries < first_queries, url
    assert len(kept_listings()) == 2


def test_a_repealed_document_leaves_the_kept_sitemap_once_it_commits(
    scene, listings_kept, staff_user
):
    client = reader_on_public_site(staff_user)
    document = scene.page("offentlig")
    listed = f"<loc>http://{PUBLIC_HOST}{path_of(document)}</loc>"
    assert listed in body_of(client.get("/sitemap.xml"))

    register_existing_repeal(
        document,
        body=get_body("kommundirektor"),
        decision_date=days_ago(1),
        diarienummer="KS-2026-98",
    )
    before_commit = body_of(client.get("/sitemap.xml"))
    run_commit_callbacks()

    assert listed in before_commit  # nothing has changed for anybody until it commits
    assert listed not in body_of(client.get("/sitemap.xml"))


def test_a_new_version_shows_in_the_kept_feed_once_it_commits(scene, listings_kept, staff_user):
    client = reader_on_public_site(staff_user)
    client.get("/feed/")

    adopt_new_version(scene.page("policy"), title="Informationssäkerhetspolicy, andra utgåvan")
    run_commit_callbacks()

    assert "Informationssäkerhetspolicy, andra utgåvan" in body_of(client.get("/feed/"))


def test_the_intranet_sitemap_is_never_kept(scene, listings_kept, intranet_client, member_client):
    """What the intranet lists depends on the reader's groups."""
    restricted = path_of(scene.page("begransad"))

    assert restricted not in body_of(intranet_client.get("/sitemap.xml"))
    assert restricted in body_of(member_client.get("/sitemap.xml"))
    assert restricted not in body_of(intranet_client.get("/sitemap.xml"))
    intranet_client.get("/feed/")
    assert kept_listings() == []
    assert "no-store" in intranet_client.get("/sitemap.xml")["Cache-Control"]


def test_nothing_is_kept_while_the_page_cache_is_off(scene, settings, staff_user):
    settings.STYRDOK_PAGE_CACHE = False
    cache.clear()
    client = reader_on_public_site(staff_user)

    client.get("/sitemap.xml")
    client.get("/feed/")

    assert kept_listings() == []
