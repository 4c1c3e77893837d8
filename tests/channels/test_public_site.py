"""The external website: anonymous, and only public adopted documents."""

import pytest

from governance.models import Role
from policies.repeal import register_existing_repeal
from tests.channels.conftest import MARKER, SECURITY_EMAIL, body_of, soup, text_of
from tests.factories import days_ago, get_body, get_role, update_settings

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


PUBLIC_TITLES = {
    "Informationssäkerhetspolicy",
    "Riktlinje för incidenthantering",
    "Stödanvisning för incidentrapporten",
}


def test_the_register_lists_only_public_adopted_documents(scene, public_client):
    response = public_client.get("/styrdokument/")

    assert response.status_code == 200
    rows = soup(response).select("table.register-table tbody tr")
    assert {text_of(row.td.a) for row in rows} == PUBLIC_TITLES
    assert text_of(soup(response).select_one(".result-count")) == "3 dokument"
    assert "Intern" not in [text_of(tag) for tag in soup(response).select(".tag")]


def test_the_start_page_lists_the_latest_public_documents(scene, public_client):
    response = public_client.get("/")

    latest = [text_of(a) for a in soup(response).select("ul.document-list a")]
    assert latest == [
        "Stödanvisning för incidentrapporten",
        "Riktlinje för incidenthantering",
        "Informationssäkerhetspolicy",
    ]


def test_hidden_documents_are_404_not_403(scene, public_client):
    for name in ("intern", "begransad", "begransadrutin", "utkast", "internrutin", "forrpublik"):
        response = public_client.get(scene.path(name))

        assert response.status_code == 404, name
        assert "Sidan finns inte" in text_of(soup(response).h1)
        assert MARKER not in body_of(response)


def test_public_documents_render(scene, public_client):
    for name in ("policy", "offentlig", "offentligrutin"):
        response = public_client.get(scene.path(name))

        assert response.status_code == 200, name
        assert text_of(soup(response).h1) == scene.page(name).title
    file = public_client.get(scene.files["offentlig"].url)
    assert body_of(file) == "Offentlig mall för incidentrapport\n"


def live_parts(response):
    """The information page's live parts: {heading: section}."""
    return {text_of(part.h2): part for part in soup(response).select("section.live-part")}


def test_the_information_page_shows_its_four_live_parts(scene, public_client):
    Role.objects.filter(code="dataskyddsombud").update(show_publicly=False)

    response = public_client.get("/informationssakerhet/")

    assert response.status_code == 200
    assert text_of(soup(response).h1) == "Informationssäkerhet"
    assert "Kommunen arbetar systematiskt med informationssäkerhet." in body_of(response)
    parts = live_parts(response)
    assert list(parts) == [
        "Gällande styrdokument",
        "Roller och ansvar",
        "Kontakta informationssäkerhetsfunktionen",
        "Senast beslutat",
    ]
    # 1. The adopted public documents, in hierarchy order.
    assert [text_of(a) for a in parts["Gällande styrdokument"].select("li a")] == [
        "Informationssäkerhetspolicy",
        "Riktlinje för incidenthantering",
        "Stödanvisning för incidentrapporten",
    ]
    assert [a["href"] for a in parts["Gällande styrdokument"].select("li a")] == [
        scene.path("policy"),
        scene.path("offentlig"),
        scene.path("offentligrutin"),
    ]
    # 2. The roles the kommun describes publicly, with their responsibilities.
    roles = [text_of(dt) for dt in parts["Roller och ansvar"].select("dt")]
    public_roles = Role.objects.filter(show_publicly=True)
    assert roles == [role.name for role in public_roles]
    assert "Informationssäkerhetssamordnare" in roles
    assert "Dataskyddsombud" not in roles
    samordnare = get_role("informationssakerhetssamordnare")
    assert samordnare.description.split()[0] in text_of(parts["Roller och ansvar"])
    # 3. The security contact from the settings.
    contact = parts["Kontakta informationssäkerhetsfunktionen"].select_one("a")
    assert contact["href"] == f"mailto:{SECURITY_EMAIL}"
    assert text_of(contact) == SECURITY_EMAIL
    # 4. The latest public decision (later internal decisions do not count).
    latest = scene.page("offentligrutin").decision_date
    last = parts["Senast beslutat"]
    assert last.time["datetime"] == latest.isoformat()
    assert "Kommunen har 3 gällande offentliga styrdokument." in text_of(last)
    assert MARKER not in body_of(response)


def test_the_information_page_follows_the_register(scene, public_client):
    """Live parts are read from the register on every request, never typed by hand."""
    # Taken off the register the only way there is: a repeal decision.
    register_existing_repeal(
        scene.page("offentligrutin"),
        body=get_body("kommundirektor"),
        decision_date=days_ago(1),
        diarienummer="KS-2026-31",
    )
    update_settings(security_team_email="")

    parts = live_parts(public_client.get("/informationssakerhet/"))

    assert "Stödanvisning för incidentrapporten" not in text_of(parts["Gällande styrdokument"])
    assert parts["Kontakta informationssäkerhetsfunktionen"].select_one("a") is None
    assert (
        parts["Senast beslutat"].time["datetime"]
        == scene.page("offentlig").decision_date.isoformat()
    )


def test_the_accessibility_statement_renders_and_is_linked_from_every_page(scene, public_client):
    response = public_client.get("/tillganglighet/")

    assert response.status_code == 200
    page = soup(response)
    assert text_of(page.h1) == "Tillgänglighetsredogörelse"
    assert text_of(page.select_one("main h2")) == "Brister i tillgängligheten"
    assert "Vi känner inte till några brister." in text_of(page.main)
    for url in ("/", "/styrdokument/", scene.path("offentlig")):
        footer = soup(public_client.get(url)).select_one("footer")
        assert "/tillganglighet/" in [a["href"] for a in footer.select("a")], url
        nav = soup(public_client.get(url)).select_one("nav")
        assert "/informationssakerhet/" in [a["href"] for a in nav.select("a")], url


# /admin/login/ redirects to the intranet login: tests/channels/test_login_hardening.py.
@pytest.mark.parametrize("url", ["/admin/", "/admin/pages/", "/admin/arenden/"])
def test_there_is_no_admin_on_the_public_host(public_client, anonymous_intranet_client, url):
    response = public_client.get(url)

    assert response.status_code == 404
    assert "Sidan finns inte" in body_of(response)
    # The admin lives on the intranet host: there, it asks the visitor to log in.
    assert anonymous_intranet_client.get(url, follow=True).status_code == 200
