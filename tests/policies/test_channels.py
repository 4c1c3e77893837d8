"""The two channels: the public website and the intranet for logged-in staff."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from policies.models import RiktlinjePage
from tests.factories import INTRANET_HOST, PASSWORD, make_live_document, make_user, path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents():
    return {
        "public": make_live_document(
            RiktlinjePage, title="Riktlinje för e-post", publicity="public"
        ),
        "internal": make_live_document(
            RiktlinjePage, title="Riktlinje för serverhallen", publicity="internal"
        ),
    }


@pytest.mark.parametrize("path", ["/", "/styrdokument/", "/sok/?q=riktlinje"])
def test_anonymous_visitor_on_the_intranet_is_sent_to_the_login_page(
    anonymous_intranet_client, path
):
    response = anonymous_intranet_client.get(path)

    assert response.status_code == 302
    assert response["Location"] == "/logga-in/?next=" + quote(path)


def test_anonymous_redirect_to_a_document_keeps_the_path(anonymous_intranet_client, documents):
    url = path_of(documents["internal"])

    response = anonymous_intranet_client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/logga-in/?next={url}"
    assert "Riktlinje för serverhallen" not in response.content.decode()


def test_staff_read_internal_documents_on_the_intranet(intranet_client, documents):
    response = intranet_client.get(path_of(documents["internal"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Riktlinje för serverhallen" in html
    assert "Intranät" in html
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def test_the_register_on_the_intranet_lists_internal_documents(intranet_client, documents):
    html = intranet_client.get("/styrdokument/").content.decode()

    assert "Riktlinje för serverhallen" in html
    assert "Riktlinje för e-post" in html


def test_internal_document_does_not_exist_on_the_public_site(public_client, documents):
    assert public_client.get(path_of(documents["internal"])).status_code == 404
    assert public_client.get(path_of(documents["public"])).status_code == 200


def test_public_site_answers_404_in_swedish(public_client, documents):
    response = public_client.get(path_of(documents["internal"]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "Sidan finns inte" in html
    assert "Riktlinje för serverhallen" not in html


@pytest.mark.parametrize("host", ["localhost", INTRANET_HOST])
def test_responses_vary_on_host(client, documents, host):
    client.force_login(make_user("lasare"))

    response = client.get(path_of(documents["public"]), HTTP_HOST=host)

    assert response.status_code == 200
    assert "Host" in [v.strip() for v in response["Vary"].split(",")]


def test_login_page_is_reachable_anonymously_on_the_intranet(anonymous_intranet_client):
    response = anonymous_intranet_client.get("/logga-in/?next=/styrdokument/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Logga in på intranätet" in html
    assert 'name="next" value="/styrdokument/"' in html


def test_login_with_the_right_password_leads_to_the_intranet(anonymous_intranet_client, documents):
    make_user("anna")

    response = anonymous_intranet_client.post(
        "/logga-in/",
        {"username": "anna", "password": PASSWORD, "next": path_of(documents["internal"])},
    )

    assert response.status_code == 302
    assert response["Location"] == path_of(documents["internal"])
    page = anonymous_intranet_client.get(response["Location"])
    assert page.status_code == 200
    assert "Riktlinje för serverhallen" in page.content.decode()


def test_login_with_a_wrong_password_shows_a_swedish_error(anonymous_intranet_client):
    make_user("anna")

    response = anonymous_intranet_client.post(
        "/logga-in/", {"username": "anna", "password": "fel-losenord", "next": "/"}
    )

    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord. Försök igen." in response.content.decode()
    assert "_auth_user_id" not in anonymous_intranet_client.session


@pytest.fixture
def restricted():
    """An internal document only the Beslutsfattare group may read."""
    return make_live_document(
        RiktlinjePage,
        title="Riktlinje för säkerhetsskydd",
        publicity="internal",
        restricted_to=[Group.objects.get(name="Beslutsfattare")],
    )


def test_document_restricted_to_a_group_is_hidden_from_other_staff(intranet_client, restricted):
    assert intranet_client.get(path_of(restricted)).status_code == 404
    register = intranet_client.get("/styrdokument/").content.decode()
    assert "Riktlinje för säkerhetsskydd" not in register


@pytest.mark.parametrize("groups", [["Beslutsfattare"], ["Beslutsfattare", "Redaktörer"]])
def test_document_restricted_to_a_group_is_read_by_its_members(restricted, groups):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(make_user("direktor", groups=groups))

    assert client.get(path_of(restricted)).status_code == 200
    assert "Riktlinje för säkerhetsskydd" in client.get("/styrdokument/").content.decode()


def test_document_restricted_to_a_group_never_reaches_the_public_site(public_client, restricted):
    assert public_client.get(path_of(restricted)).status_code == 404


def test_start_page_lists_the_latest_documents_per_channel(
    public_client, intranet_client, documents
):
    public_html = public_client.get("/").content.decode()
    intranet_html = intranet_client.get("/").content.decode()

    assert "Exempelkommuns styrdokument" in public_html
    assert "Senast beslutade" in public_html
    assert "Riktlinje för e-post" in public_html
    assert "Riktlinje för serverhallen" not in public_html
    assert "Styrdokument för medarbetare i Exempelkommun" in intranet_html
    assert "Riktlinje för serverhallen" in intranet_html


def test_the_admin_is_not_served_on_the_public_site(public_client):
    assert public_client.get("/admin/").status_code == 404
    # Its login form redirects to the intranet's (tests/channels/test_login_hardening.py).
    assert public_client.get("/admin/login/")["Location"].startswith("http://intranet.localhost/")
