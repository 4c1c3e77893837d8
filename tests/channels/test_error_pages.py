"""The error pages a reader can meet are the site's own, in Swedish: a refused request (403) in
the site's layout, and a request Django refuses outright (400) on a page of its own. Django's
built-in pages are English ("403 Forbidden", "Bad Request (400)"), and with the site's layout a
refused Host header ended as a server error. The 404 and the refused form (403_csrf.html) are
tested with the rest of their pages (tests/channels/test_public_site.py,
tests/browser/test_accessibility.py)."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.factories import INTRANET_HOST, PUBLIC_HOST, make_user
from tests.governance import conftest as governance_fixtures
from tests.governance.workflow_helpers import client_for, current_task_state, make_draft, start

pytestmark = pytest.mark.django_db

people = governance_fixtures.people
redaktor2 = governance_fixtures.redaktor2
for _name in (
    "admin",
    "agare",
    "forvaltningschef",
    "kommundirektor",
    "samordnare",
    "sekreterare",
    "stabschef",
    "verksamhetschef",
):
    globals()[_name] = getattr(governance_fixtures, _name)

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def page_of(response):
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return soup.html.get("lang"), soup.title.get_text(strip=True), soup.h1.get_text(strip=True)


def test_a_refused_workflow_action_is_explained_in_swedish_in_the_sites_layout(people):
    """The editor who submitted a rutin tries to approve it through Wagtail's own action
    address, as the admin's dialog asks it: a 403 in Swedish with the intranet's header and a
    way back, nothing decided."""
    page = make_draft("rutin", "stabschef", user=people.redaktor)
    start(page, people.redaktor)
    task_state = current_task_state(page)

    response = client_for(people.redaktor).post(
        f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/", {}, **XHR
    )

    assert response.status_code == 403
    assert page_of(response) == ("sv", "Åtkomst nekad – Exempelkommun intranät", "Åtkomst nekad")
    text = response.content.decode()
    assert "Du har inte behörighet" in text
    assert 'href="/styrdokument/"' in text
    assert "Forbidden" not in text
    assert current_task_state(page).pk == task_state.pk  # still waiting for the stabschef


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
