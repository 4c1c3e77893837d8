"""Every snippet listing in the admin can be searched, sorted or not, without a server error."""

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

SNIPPETS = ("organisation", "role", "assignment", "decisionbody", "targetgroup", "lisarea")
QUERIES = (
    "?q=säkerhetsskydd",
    "?q=kommun&ordering=name",
    "?q=kommun&ordering=-name",
    "?q=a&ordering=sort_order",
    "?q=%27%3B--",
)


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_a_snippet_listing_is_searched_and_sorted(client, snippet):
    client.defaults["HTTP_HOST"] = "intranet.localhost"
    client.force_login(make_user("admin", superuser=True))
    for view in ("list", "list_results"):
        url = reverse(f"wagtailsnippets_governance_{snippet}:{view}")
        for query in QUERIES:
            response = client.get(url + query)
            assert response.status_code == 200, (url + query, response.status_code)


def test_a_part_of_a_name_finds_the_organ(client):
    client.defaults["HTTP_HOST"] = "intranet.localhost"
    client.force_login(make_user("admin", superuser=True))
    url = reverse("wagtailsnippets_governance_decisionbody:list_results")
    response = client.get(url + "?q=styrelse")
    assert "Kommunstyrelsen" in response.content.decode()
    assert "Kommunfullmäktige" not in response.content.decode()
