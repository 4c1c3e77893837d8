"""The Atom feed and the sitemap, read the way feed readers and search engines read them."""

from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree

from tests.channels.conftest import MARKER, body_of, versions_of
from tests.factories import INTRANET_HOST, PUBLIC_HOST, get_register, path_of

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def read_feed(client):
    response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def public_versions(scene):
    """The versions that were adopted as public documents, newest first."""
    versions = [
        version
        for name in ("policy", "offentlig", "offentligrutin", "forrpublik")
        for version in versions_of(scene.page(name))
        if version.publicity == "public"
    ]
    return sorted(versions, key=lambda version: version.adopted_at, reverse=True)


def test_the_feed_lists_the_public_adopted_versions(scene, public_client):
    feed = read_feed(public_client)

    assert feed.feed.title == "Nya och reviderade styrdokument – Exempelkommun"
    expected = public_versions(scene)
    assert [entry.link for entry in feed.entries] == [
        f"http://{PUBLIC_HOST}/arkiv/{version.pk}/" for version in expected
    ]
    assert [entry.title for entry in feed.entries] == [
        f"{version.title} (version {version.version})" for version in expected
    ]
    for entry in feed.entries:
        assert public_client.get(urlsplit(entry.link).path).status_code == 200
        assert MARKER not in entry.title + entry.summary


def test_the_feed_describes_each_version_as_it_was_adopted(scene, public_client):
    """The version that was public describes itself, not the internal document it became."""
    first = versions_of(scene.page("forrpublik"))[0]
    entries = {entry.link: entry for entry in read_feed(public_client).entries}

    entry = entries[f"http://{PUBLIC_HOST}/arkiv/{first.pk}/"]

    assert entry.title == "Riktlinje för loggning (version 1.0)"
    assert entry.summary == (
        f"Vilka loggar som sparas. Beslutad av Kommunstyrelsen "
        f"{first.decision_date:%Y-%m-%d}, dnr KS-2024-11. "
        "Versionen gäller inte längre: Ersatt av version 2.0."
    )


def test_the_intranet_feed_is_the_same_public_feed(scene, public_client, intranet_client):
    """Feed readers do not log in: the feed has public content only, on both hosts."""
    public = read_feed(public_client)
    intranet = read_feed(intranet_client)

    assert [urlsplit(entry.link).path for entry in intranet.entries] == [
        urlsplit(entry.link).path for entry in public.entries
    ]
    assert {urlsplit(entry.link).hostname for entry in intranet.entries} == {INTRANET_HOST}
    assert MARKER not in body_of(intranet_client.get("/feed/"))


def read_sitemap(client, host):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    tree = etree.fromstring(response.content)
    assert tree.tag == f"{{{SITEMAP_NS['sm']}}}urlset"
    locations = tree.xpath("//sm:url/sm:loc/text()", namespaces=SITEMAP_NS)
    assert all(urlsplit(loc).scheme == "http" for loc in locations)
    assert {urlsplit(loc).hostname for loc in locations} == {host}
    return {urlsplit(loc).path for loc in locations}


def test_the_sitemap_lists_the_public_pages_on_the_public_host(scene, public_client):
    paths = read_sitemap(public_client, PUBLIC_HOST)

    assert paths == {
        "/",
        path_of(get_register()),
        "/informationssakerhet/",
        "/tillganglighet/",
        scene.path("policy"),
        scene.path("offentlig"),
        scene.path("offentligrutin"),
    }
    for path in paths:
        assert public_client.get(path).status_code == 200


def test_the_intranet_sitemap_lists_what_the_reader_may_see(scene, intranet_client, member_client):
    staff = read_sitemap(intranet_client, INTRANET_HOST)
    member = read_sitemap(member_client, INTRANET_HOST)

    internal = {scene.path(name) for name in ("intern", "internrutin", "forrpublik")}
    restricted = {scene.path(name) for name in ("begransad", "begransadrutin")}
    assert internal <= staff
    assert not restricted & staff
    assert member == staff | restricted
    assert scene.path("utkast") not in member
