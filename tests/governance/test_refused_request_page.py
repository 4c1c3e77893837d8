"""A request the admin refuses (PermissionDenied) gets the site's own 403 page in Swedish, in
the intranet's layout, rather than Django's bare English "403 Forbidden"."""

import pytest
from bs4 import BeautifulSoup

from tests.governance.workflow_helpers import client_for, current_task_state, make_draft, start

pytestmark = pytest.mark.django_db

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
