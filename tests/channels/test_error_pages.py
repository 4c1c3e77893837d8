"""The error pages a reader can meet are the site's own, in Swedish: a request Django refuses
outright (400) gets a page of its own, not Django's English "Bad Request (400)"; with the site's
layout a refused Host header ended as a server error. The 404, the refused form (403_csrf.html)
and the refused request (403) are tested with the rest of their pages
(tests/channels/test_public_site.py, tests/browser/test_accessibility.py,
tests/governance/test_refused_request_page.py)."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.views.defaults import server_error

from tests.factories import INTRANET_HOST, PUBLIC_HOST, make_user

pytestmark = pytest.mark.django_db


def page_of(response):
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return soup.html.get("lang"), soup.title.get_text(strip=True), soup.h1.get_text(strip=True)


@pytest.mark.parametrize("host", [PUBLIC_HOST, INTRANET_HOST])
def test_a_request_with_too_many_parameters_gets_a_swedish_400(host, settings):
    """More parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS: Django refuses the request, and the
    reader gets a Swedish page rather than "Bad Request (400)"."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    query = "&".join(f"f{index}=1" for index in range(60))
    client = Client(HTTP_HOST=host)
    client.force_login(make_user("lasare"))

    response = client.get(f"/sok/?q=lösenord&{query}")

    assert response.status_code == 400
    assert page_of(response) == ("sv", "Felaktig förfrågan", "Felaktig förfrågan")
    assert "Bad Request" not in response.content.decode()


@pytest.mark.parametrize("host", ["angripare.example", "localhost.angripare.example", "a b"])
def test_an_unknown_host_name_gets_the_swedish_400_not_a_server_error(host):
    """A Host header that names neither site (ALLOWED_HOSTS) is refused with the same page. The
    site's layout asks the request for its host, so rendering it here was a server error."""
    response = Client(raise_request_exception=False).get("/", HTTP_HOST=host)

    assert response.status_code == 400
    assert page_of(response) == ("sv", "Felaktig förfrågan", "Felaktig förfrågan")


def test_the_server_error_page_fits_a_phone_and_leads_back_to_the_site(rf):
    """500.html stands alone (the layout may be what failed). Without a viewport a phone draws it
    980 px wide and shrinks the text to fit (WCAG 1.4.4, 1.4.10); the reader also gets a way back
    to the start page."""
    response = server_error(rf.get("/", HTTP_HOST=PUBLIC_HOST))

    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert response.status_code == 500
    assert page_of(response) == ("sv", "Tekniskt fel", "Något gick fel")
    viewport = soup.find("meta", attrs={"name": "viewport"})
    assert viewport is not None and "width=device-width" in viewport["content"]
    assert [(a.get_text(), a["href"]) for a in soup.main.find_all("a")] == [("startsidan", "/")]
