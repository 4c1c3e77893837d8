"""The leak test: nothing internal, restricted or unadopted ever reaches the public website.

Every hidden document carries unique markers in its title, summary, body, address and in its
uploaded file (see conftest.build_scene). An anonymous visitor on the public host then follows
every link from the start page, reads the API, the feed, the sitemap and the search, and tries
each hidden address directly. No marker may appear in any response, and every direct address of
hidden content is a 404 (never a 403, which would confirm that something is there).
"""

import re

import pytest
from django.test import Client

from policies.models import RiktlinjePage
from tests.channels.conftest import (
    api_detail_url,
    archive_url,
    body_of,
    client_for,
    crawl,
    leaks_in,
    needles_for,
    soup,
    text_of,
    versions_of,
)
from tests.factories import INTRANET_HOST, PUBLIC_HOST, get_register, make_live_documents, path_of

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


def hidden_addresses(scene, names, file_names):
    """Every address of the named documents and files: pages, archived versions, API, files."""
    addresses = set()
    for name in names:
        page = scene.page(name)
        addresses.update({path_of(page), api_detail_url(page)})
        addresses.update(
            archive_url(version)
            for version in versions_of(page)
            # Version 1.0 of a document that has since become internal was public in its day.
            if version.publicity == "internal" or name in scene.hidden_from_staff
        )
    addresses.update(scene.files[name].url for name in file_names)
    return addresses


def public_hidden_addresses(scene):
    return hidden_addresses(
        scene, scene.hidden_from_public, scene.hidden_files + scene.restricted_files
    )


def leak_report(fetched, needles, addresses, echoed=()):
    """[(url, what leaked)] for responses that show a needle or a hidden address."""
    report = []
    for item in fetched:
        found = leaks_in(item.body, needles, echoed=echoed)
        found += sorted(address for address in addresses if address in item.body)
        location = item.response.get("Location", "")
        found += sorted(address for address in addresses if address and address in location)
        if found:
            report.append((item.url, found))
    return report


@pytest.fixture
def anonymous():
    return Client(HTTP_HOST=PUBLIC_HOST)


def test_crawl_from_the_start_page_meets_no_hidden_content(scene, anonymous):
    # Enough public documents for the register to need a second page.
    make_live_documents(RiktlinjePage, 26, title="Riktlinje nummer {n:02d}")

    fetched = crawl(anonymous, ["/"])

    broken = [
        (item.url, item.status, item.source) for item in fetched.values() if item.status != 200
    ]
    assert broken == []
    # The crawl went everywhere a visitor can go: the register with its second page and its
    # filters, every kind of page, the feed, the sitemap, archived versions and the public file.
    register = path_of(get_register())
    visited = set(fetched)
    for name in ("policy", "offentlig", "offentligrutin", "information", "tillganglighet"):
        assert scene.path(name) in visited, name
    assert {register, f"{register}?sida=2", f"{register}?sortering=-titel"} <= visited
    assert {f"{register}?typ=rutin", f"{register}?status=forsenad", "/feed/"} <= visited
    assert scene.files["offentlig"].url in visited
    public_versions = (
        versions_of(scene.page("offentlig")) + versions_of(scene.page("forrpublik"))[:1]
    )
    assert {archive_url(version) for version in public_versions} <= visited
    assert len(fetched) > 60

    leaks = leak_report(
        fetched.values(), needles_for(scene.markers), public_hidden_addresses(scene)
    )
    assert leaks == []


def test_api_feed_and_sitemap_meet_no_hidden_content(scene, anonymous):
    seeds = [
        "/api/v2/pages/?limit=100",
        "/api/v2/pages/?type=policies.RiktlinjePage&fields=*&limit=100",
        "/api/v2/pages/?type=policies.RutinPage&fields=*",
        "/api/v2/pages/?type=policies.Styrdokument&fields=*&limit=100",
        f"/api/v2/pages/?child_of={scene.page('offentlig').pk}&fields=*",
        f"/api/v2/pages/?descendant_of={get_register().pk}&limit=100",
        "/feed/",
        "/sitemap.xml",
    ]
    offset = 0
    while offset < 60:
        seeds.append(f"/api/v2/pages/?limit=10&offset={offset}")
        offset += 10

    fetched = crawl(anonymous, seeds, follow=lambda url: url.startswith("/api/"))

    assert [(item.url, item.status) for item in fetched.values() if item.status != 200] == []
    listed = {item["id"] for item in fetched["/api/v2/pages/?limit=100"].response.json()["items"]}
    paged = set()
    for url, item in fetched.items():
        if url.startswith("/api/v2/pages/?limit=10&"):
            paged |= {row["id"] for row in item.response.json()["items"]}
    assert paged == listed
    assert {scene.page(name).pk for name in ("policy", "offentlig", "offentligrutin")} <= listed
    assert not {scene.page(name).pk for name in scene.hidden_from_public} & listed
    children = fetched[seeds[4]].response.json()["items"]
    assert [row["title"] for row in children] == ["Stödanvisning för incidentrapporten"]
    leaks = leak_report(
        fetched.values(), needles_for(scene.markers), public_hidden_addresses(scene)
    )
    assert leaks == []


def test_searching_for_a_marker_finds_nothing_on_the_public_site(scene, anonymous):
    for marker in scene.markers:
        page = anonymous.get("/sok/", {"q": marker})
        api = anonymous.get("/api/v2/pages/", {"search": marker, "fields": "*"})

        assert page.status_code == 200
        html = soup(page)
        assert f"Inga träffar för ”{marker}”." in text_of(html)
        assert api.status_code == 200
        assert api.json()["meta"]["total_count"] == 0
        # "Menade du" may echo the visitor's own words with one of them respelt (TEXT → test);
        # the words it adds must not come from a hidden document.
        needles = needles_for(scene.markers)
        for suggestion in html.select(".did-you-mean"):
            typed = set(re.findall(r"[^\W_]+", marker.lower()))
            added = set(re.findall(r"[^\W_]+", text_of(suggestion).lower())) - typed
            assert leaks_in(" ".join(added), needles) == [], added
            suggestion.decompose()
        assert leaks_in(str(html), needles, echoed=[marker]) == []
        assert leaks_in(body_of(api), needles, echoed=[marker]) == []


def test_the_same_searches_find_the_documents_for_those_allowed_to_read_them(
    scene, superuser_client
):
    """A control for the test above: the markers are searchable, so the public site's empty
    results mean the documents were withheld, not that the search missed them."""
    for name in ("intern", "begransad", "begransadrutin", "internrutin", "forrpublik"):
        page = scene.page(name)
        for part in ("TITEL", "SAMMANFATTNING", "TEXT"):
            marker = scene.marker(f"{name.upper()}-{part}")
            hits = soup(superuser_client.get("/sok/", {"q": marker})).select(
                "ol.search-results .search-result__title > a"
            )
            api = superuser_client.get("/api/v2/pages/", {"search": marker}).json()

            # Compound splitting may add a sibling (INTERNRUTIN contains "intern"), never lose it.
            assert path_of(page) in [a["href"] for a in hits], marker
            assert page.pk in [row["id"] for row in api["items"]], marker


def test_direct_addresses_of_hidden_content_are_404(scene, anonymous):
    hidden = sorted(public_hidden_addresses(scene))
    hidden += [
        f"/api/v2/pages/find/?html_path={scene.path(name)}" for name in scene.hidden_from_public
    ]
    hidden += [f"{scene.path(name)}?format=json" for name in scene.hidden_from_public]
    assert len(hidden) > 25

    responses = {url: anonymous.get(url) for url in hidden}

    assert {url: r.status_code for url, r in responses.items() if r.status_code != 404} == {}
    needles = needles_for(scene.markers)
    assert {url: leaks_in(body_of(r), needles) for url, r in responses.items()} == {
        url: [] for url in responses
    }


def test_the_same_addresses_work_for_staff_who_may_read_them(scene, superuser_client):
    """A control for the 404s above: every one of those addresses exists on the intranet."""
    addresses = hidden_addresses(
        scene,
        [name for name in scene.hidden_from_public if name != "utkast"],  # a draft: not live
        [name for name in scene.hidden_files if name != "utkast"] + scene.restricted_files,
    )

    statuses = {url: superuser_client.get(url).status_code for url in addresses}

    assert statuses == dict.fromkeys(addresses, 200)
    file_body = body_of(superuser_client.get(scene.files["intern"].url))
    assert scene.marker("INTERN-FILINNEHALL") in file_body


def admin_addresses(scene):
    page = scene.page("intern")
    revision = page.latest_revision
    first = page.revisions.order_by("pk").first()
    file = scene.files["intern"]
    return [
        "/admin/",
        # /admin/login/ redirects to the intranet login (test_login_hardening.py).
        f"/admin/pages/{page.pk}/",
        f"/admin/pages/{page.pk}/edit/",
        f"/admin/pages/{page.pk}/edit/preview/",
        f"/admin/pages/{page.pk}/view_draft/",
        f"/admin/pages/{page.pk}/history/",
        f"/admin/pages/{page.pk}/revisions/{revision.pk}/view/",
        f"/admin/pages/{page.pk}/revisions/compare/{first.pk}...{revision.pk}/",
        f"/admin/pages/{page.pk}/revisions/compare/live...{revision.pk}/",
        f"/admin/documents/edit/{file.pk}/",
        f"/admin/api/main/pages/{page.pk}/",
        "/admin/arenden/1/",
    ]


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "superuser"])
def test_admin_previews_and_revisions_are_not_reachable_on_the_public_host(
    scene, superuser, logged_in
):
    client = client_for(superuser if logged_in else None, host=PUBLIC_HOST)

    responses = {url: client.get(url) for url in admin_addresses(scene)}

    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(responses, 404)
    needles = needles_for(scene.markers)
    assert [url for url, r in responses.items() if leaks_in(body_of(r), needles)] == []


def test_the_revision_views_exist_on_the_intranet(scene, superuser_client):
    """A control: the admin addresses refused above are real ones on the intranet host."""
    page = scene.page("intern")
    revision = page.latest_revision

    view = superuser_client.get(f"/admin/pages/{page.pk}/revisions/{revision.pk}/view/")
    draft = superuser_client.get(f"/admin/pages/{page.pk}/view_draft/")

    assert view.status_code == 200
    assert scene.marker("INTERN-TEXT") in body_of(view)
    assert draft.status_code == 200
    assert scene.marker("INTERN-TEXT") in body_of(draft)


def test_public_document_does_not_name_the_internal_documents_it_refers_to(scene, anonymous):
    response = anonymous.get(scene.path("offentlig"))

    assert response.status_code == 200
    page = soup(response)
    references = [text_of(p) for p in page.select("p.reference")]
    assert references == ["Se även: Informationssäkerhetspolicy – övergripande"]
    ersatter = page.find("dt", string="Ersätter").find_next_sibling("dd")
    assert text_of(ersatter) == "–"
    children = [text_of(a) for a in page.select("section.child-documents li a")]
    assert children == ["Stödanvisning för incidentrapporten"]
    html = body_of(response)
    for name in scene.hidden_from_public:
        assert scene.path(name) not in html
    for note in ("för serverhallen", "för säkerhetsskyddet", "under arbete"):
        assert note not in html
    assert leaks_in(html, needles_for(scene.markers)) == []


def test_staff_outside_the_group_never_meet_restricted_content(scene, intranet_client):
    """The same crawl on the intranet, as staff outside the group the documents are shared with:
    internal documents are theirs to read, restricted ones do not exist for them."""
    seeds = ["/", "/api/v2/pages/?limit=100&fields=*", "/feed/", "/sitemap.xml"]
    seeds += [f"/sok/?q={marker}" for marker in scene.restricted_markers]

    fetched = crawl(
        intranet_client, seeds, host=INTRANET_HOST, skip=("/static/", "/logga-ut/", "/admin/")
    )

    broken = [
        (item.url, item.status, item.source) for item in fetched.values() if item.status != 200
    ]
    assert broken == []
    # Internal documents are there for staff, restricted ones are not.
    assert scene.path("intern") in fetched
    assert scene.marker("INTERN-TEXT") in fetched[scene.path("intern")].body
    addresses = hidden_addresses(scene, scene.hidden_from_staff, scene.restricted_files)
    leaks = []
    for item in fetched.values():
        echoed = [item.url.split("?q=", 1)[1]] if item.url.startswith("/sok/?q=") else []
        leaks += leak_report(
            [item],
            needles_for(scene.restricted_markers, any_marker=False),
            addresses,
            echoed=echoed,
        )
    assert leaks == []
