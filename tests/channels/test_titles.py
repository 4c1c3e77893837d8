"""The browser tab's title names the kommun once, on every page type of both channels."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from policies.models import (
    AdoptedVersion,
    ContentPage,
    HomePage,
    PolicyPage,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
)
from tests.factories import INTRANET_HOST, get_register, make_document, make_user, path_of
from tests.shared import build_once

KOMMUN = "Exempelkommun"


def build_world():
    policy = make_document(PolicyPage, title="Informationssäkerhetspolicy", slug="policy")
    riktlinje = make_document(RiktlinjePage, title="Riktlinje för loggning", slug="loggning")
    rutin = make_document(RutinPage, parent=riktlinje, title="Rutin för granskning", slug="rutin")
    stod = make_document(
        StodanvisningPage, parent=riktlinje, title="Stödanvisning för loggar", slug="stod"
    )
    home = HomePage.objects.get()
    about = home.add_child(
        instance=ContentPage(title=f"Om {KOMMUN}s webbplats", slug="om-webbplatsen")
    )
    about.save_revision().publish()
    return {
        "home": home,
        "register": get_register(),
        "policy": policy,
        "riktlinje": riktlinje,
        "rutin": rutin,
        "stod": stod,
        "about": ContentPage.objects.get(pk=about.pk),
        "version": AdoptedVersion.objects.filter(document=policy).get(),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


def title_of(response):
    assert response.status_code in (200, 404), response.status_code
    return " ".join(BeautifulSoup(response.content, "html.parser").title.get_text().split())


PAGE_TITLES = {
    "register": "Styrdokument",
    "policy": "Informationssäkerhetspolicy",
    "riktlinje": "Riktlinje för loggning",
    "rutin": "Rutin för granskning",
    "stod": "Stödanvisning för loggar",
}


@pytest.mark.parametrize("name", list(PAGE_TITLES))
def test_a_page_is_titled_page_then_site(w, name, public_client, intranet_client):
    path = path_of(w[name])

    assert title_of(public_client.get(path)) == f"{PAGE_TITLES[name]} – {KOMMUN}"
    assert title_of(intranet_client.get(path)) == f"{PAGE_TITLES[name]} – {KOMMUN} intranät"


def test_the_start_page_names_the_site_once(w, public_client, intranet_client):
    assert w["home"].title == KOMMUN

    assert title_of(public_client.get("/")) == KOMMUN
    assert title_of(intranet_client.get("/")) == f"{KOMMUN} intranät"


def test_a_title_that_names_the_kommun_is_not_followed_by_it(w, public_client, intranet_client):
    path = path_of(w["about"])

    assert title_of(public_client.get(path)) == f"Om {KOMMUN}s webbplats"
    assert title_of(intranet_client.get(path)) == f"Om {KOMMUN}s webbplats – intranät"


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/sok/", "Sök"),
        ("/sok/?q=loggning", "Sök: loggning"),
        ("/finns-inte-alls/", "Sidan finns inte"),
    ],
)
def test_pages_without_a_page_record_name_the_site_once(
    w, url, title, public_client, intranet_client
):
    assert title_of(public_client.get(url)) == f"{title} – {KOMMUN}"
    assert title_of(intranet_client.get(url)) == f"{title} – {KOMMUN} intranät"


def test_an_archived_version_names_the_site_once(w, public_client, intranet_client):
    url = f"/arkiv/{w['version'].pk}/"

    for client in (public_client, intranet_client):
        title = title_of(client.get(url))
        assert title.startswith("Informationssäkerhetspolicy, version ")
        assert title.count(KOMMUN) == 1


def test_the_login_page_names_the_site_once(w, anonymous_intranet_client):
    assert title_of(anonymous_intranet_client.get("/logga-in/")) == f"Logga in – {KOMMUN} intranät"


def test_no_title_on_either_channel_repeats_the_site_name(w, public_client, intranet_client):
    """Every page of the world, both channels: the kommun once, no dangling dash."""
    paths = ["/", "/sok/", "/finns-inte-alls/", f"/arkiv/{w['version'].pk}/"] + [
        path_of(page) for page in w.values() if hasattr(page, "url_path")
    ]
    for client in (public_client, intranet_client):
        for path in paths:
            title = title_of(client.get(path))
            assert title.count(KOMMUN) == 1, (path, title)
            assert not title.startswith("–") and not title.endswith("–"), (path, title)


def test_the_admin_report_repeats_nothing(w):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(make_user("titeladmin", superuser=True))

    response = client.get("/admin/rapporter/revisionsplan/")

    assert response.status_code == 200
    title = title_of(response)
    parts = [part.strip() for part in title.split(" - ")]
    assert parts[0] == "Revisionsplan"
    assert len(parts) == len(set(parts))
    assert KOMMUN not in title
