"""The intranet: for logged-in staff only; documents restricted to groups exist only for them.

A restricted document is shown to the members of its groups (and superusers) and to nobody
else, everywhere a reader could meet it: its page, the register, the start page, its parent's
list of child documents, references and "Ersätter" in other documents, search, the API, the
sitemap, its archived versions and its files.
"""

from urllib.parse import quote

import pytest

from policies.models import RiktlinjePage
from tests.channels.conftest import (
    MARKER,
    body_of,
    client_for,
    file_link,
    make_file,
    soup,
    text_of,
    versions_of,
)
from tests.factories import PUBLIC_HOST, days_ago, make_document, make_user, paragraph, path_of

pytestmark = pytest.mark.django_db


# The restricted documents' tests read the scene, built once for the module (scene_once). The
# tests of `internal` come first in the file: they count a register without the scene in it.


@pytest.fixture
def scene(scene_once, db):
    """The scene, built once for the module; its pages read again for each test."""
    return scene_once.reloaded()


@pytest.fixture
def media_root(request, settings, tmp_path):
    """A test of the scene reads its files from the module's folder; the others upload into a
    folder of their own, as everywhere else."""
    if "scene_once" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def archive_root(request, settings, tmp_path):
    """Likewise the archival PDFs."""
    if "scene_once" not in request.fixturenames:
        settings.STYRDOK_ARCHIVE_ROOT = tmp_path / "arkiv"


@pytest.fixture
def internal():
    file = make_file("Serverhallens larmlista", "Larmlista för serverhallen\n", "larm.txt")
    page = make_document(
        RiktlinjePage,
        title="Riktlinje för serverhallen",
        slug="serverhallen",
        publicity="internal",
        body=[paragraph(f"<p>Larmlistan: {file_link(file)}.</p>")],
    )
    return page, file


def anonymous_intranet_addresses(page, file):
    return [
        "/",
        "/styrdokument/",
        "/styrdokument/?typ=riktlinje&sida=2",
        path_of(page),
        "/sok/?q=serverhallen",
        "/api/v2/pages/",
        f"/api/v2/pages/{page.pk}/",
        "/feed/",
        "/sitemap.xml",
        f"/arkiv/{versions_of(page)[0].pk}/",
        file.url,
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(anonymous_intranet_client, internal):
    page, file = internal

    for url in anonymous_intranet_addresses(page, file):
        response = anonymous_intranet_client.get(url)

        assert response.status_code == 302, url
        assert response["Location"] == "/logga-in/?next=" + quote(url), url
        assert "serverhallen" not in body_of(response).lower()


def test_after_logging_in_the_visitor_comes_back_to_the_document(
    anonymous_intranet_client, staff_user, internal
):
    page, _file = internal
    login = anonymous_intranet_client.get(path_of(page))["Location"]

    anonymous_intranet_client.force_login(staff_user)
    response = anonymous_intranet_client.get(login, follow=True)

    assert response.redirect_chain == [(path_of(page), 302)]
    assert "Riktlinje för serverhallen" in body_of(response)


def test_staff_read_internal_documents_everywhere(intranet_client, internal):
    page, file = internal

    document = intranet_client.get(path_of(page))
    register = intranet_client.get("/styrdokument/")
    home = intranet_client.get("/")
    search = intranet_client.get("/sok/", {"q": "serverhallen"})
    api = intranet_client.get("/api/v2/pages/", {"type": "policies.RiktlinjePage"})

    assert document.status_code == 200
    assert "Riktlinje för serverhallen" in text_of(soup(document).h1)
    assert "Riktlinje för serverhallen Intern" in text_of(soup(register).select_one("tbody"))
    assert "Riktlinje för serverhallen" in text_of(soup(home).select_one("ul.document-list"))
    assert [
        text_of(a) for a in soup(search).select("ol.search-results .search-result__title > a")
    ] == ["Riktlinje för serverhallen"]
    assert [row["title"] for row in api.json()["items"]] == ["Riktlinje för serverhallen"]
    assert body_of(intranet_client.get(file.url)) == "Larmlista för serverhallen\n"
    assert intranet_client.get(f"/arkiv/{versions_of(page)[0].pk}/").status_code == 200


# -- restricted documents ----------------------------------------------------------------


def restricted_places(client, scene):
    """Where the restricted documents show for this reader: {place: shown?}."""
    restricted = scene.page("begransad")
    child = scene.page("begransadrutin")
    title = restricted.title
    marker = scene.marker("BEGRANSAD-SAMMANFATTNING")

    def titles(response, selector):
        return [text_of(node) for node in soup(response).select(selector)]

    def ids(response):
        assert response.status_code == 200
        return {row["id"] for row in response.json()["items"]}

    register = client.get("/styrdokument/", {"sortering": "-beslutsdatum"})
    home = client.get("/")
    parent = client.get(scene.path("intern"))
    referring = client.get(scene.path("offentlig"))
    superseding = client.get(scene.path("internrutin"))
    ersatter = soup(superseding).find("dt", string="Ersätter").find_next_sibling("dd")
    search = client.get("/sok/", {"q": marker})
    api = client.get("/api/v2/pages/", {"limit": 100})
    api_search = client.get("/api/v2/pages/", {"search": marker})
    api_type = client.get("/api/v2/pages/", {"type": "policies.RutinPage", "fields": "*"})
    sitemap = body_of(client.get("/sitemap.xml"))
    versions = versions_of(restricted) + versions_of(child)
    assert all(client.get(scene.path(name)).status_code == 200 for name in ("intern", "offentlig"))
    return {
        "sidan": client.get(path_of(restricted)).status_code == 200,
        "underliggande sidan": client.get(path_of(child)).status_code == 200,
        "registret": title in titles(register, "tbody td a"),
        "startsidans senaste": title in titles(home, "ul.document-list a"),
        "överordnades lista": child.title in titles(parent, "section.child-documents a"),
        "hänvisning": title in text_of(soup(referring).select_one(".document__body")),
        "ersätter": title in text_of(ersatter),
        "sök": title in titles(search, "ol.search-results .search-result__title > a"),
        "api-listan": restricted.pk in ids(api),
        "api-sök": restricted.pk in ids(api_search),
        "api-typ": child.pk in ids(api_type),
        "api-detalj": client.get(f"/api/v2/pages/{restricted.pk}/").status_code == 200,
        "sitemap": path_of(restricted) in sitemap,
        "arkiv": all(client.get(f"/arkiv/{v.pk}/").status_code == 200 for v in versions),
        "filer": all(
            client.get(scene.files[name].url).status_code == 200
            for name in ("begransad", "begransadrutin")
        ),
    }


def test_restricted_documents_do_not_exist_for_staff_outside_the_group(scene, intranet_client):
    places = restricted_places(intranet_client, scene)

    assert places == dict.fromkeys(places, False)
    # Not a 403 either: nothing tells the reader there is something there.
    response = intranet_client.get(scene.path("begransad"))
    assert response.status_code == 404
    assert "Sidan finns inte" in body_of(response)
    assert MARKER not in body_of(response)
    assert intranet_client.get(f"/api/v2/pages/{scene.page('begransad').pk}/").status_code == 404


@pytest.mark.parametrize("reader", ["member_client", "superuser_client"])
def test_restricted_documents_are_there_for_the_group_and_superusers(request, scene, reader):
    places = restricted_places(request.getfixturevalue(reader), scene)

    assert places == dict.fromkeys(places, True)


def test_restricted_documents_never_reach_the_public_site_even_for_members(scene, member):
    """A member logged in on the public host still gets the public site: no restricted content."""
    client = client_for(member, host=PUBLIC_HOST)

    assert client.get(scene.path("begransad")).status_code == 404
    assert scene.page("begransad").title not in body_of(client.get("/styrdokument/"))
    assert client.get(scene.files["begransad"].url).status_code == 404


def test_the_start_page_lists_the_latest_documents_the_reader_may_see(scene, intranet_client):
    """The restricted documents are the most recently decided, so a member sees them first and
    everyone else sees the next ones in their place."""
    assert scene.page("begransad").decision_date == days_ago(1)
    member = client_for(make_user("medlem", groups=["Beslutsfattare"]))

    def latest(client):
        return [text_of(a) for a in soup(client.get("/")).select("ul.document-list a")]

    titles = {name: scene.page(name).title for name in scene.pages}
    assert latest(member)[:2] == [titles["begransad"], titles["begransadrutin"]]
    assert latest(intranet_client) == [
        titles["internrutin"],
        titles["forrpublik"],
        titles["intern"],
        titles["offentligrutin"],
        titles["offentlig"],
    ]
