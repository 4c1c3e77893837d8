"""A kvittenskrav is named after its document ("Kvittens: <title>"), so the requirement of a
document restricted to groups must not exist in the admin for anyone outside those groups: not
in the Kvittenskrav listing, not at its own addresses, not in Wagtail's snippet chooser (open to
anyone with admin access). Members and superusers see it."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.log_actions import log

from kvittens.models import Acknowledgement
from policies.models import RiktlinjePage
from tests.factories import INTRANET_HOST, make_document, make_user
from tests.kvittens.helpers import requirement

MARKER = "Kvastfening"


@pytest.fixture
def scene(db):
    group = Group.objects.create(name="Säkerhetsskydd")
    users = {
        "samordnare": make_user("samordnare", groups=["Informationssäkerhetssamordnare"]),
        "redaktor": make_user("redaktor", groups=["Redaktörer"]),
        "medlem": make_user("medlem", groups=["Informationssäkerhetssamordnare", "Säkerhetsskydd"]),
        "admin": make_user("admin", superuser=True),
    }
    page = make_document(
        RiktlinjePage,
        title=f"Riktlinje {MARKER}",
        publicity="internal",
        restricted_to=[group],
    )
    hidden = requirement(document=page, everyone=True)
    return users, hidden


def client_for(user):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(user)
    return client


def body(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


LISTINGS = (
    ("kvittens_requirements:list", ()),
    ("kvittens_requirements:list_results", ()),
    ("wagtailsnippetchoosers_kvittens_requirement:choose", ()),
    ("wagtailsnippetchoosers_kvittens_requirement:choose_results", ()),
)
OBJECT_ROUTES = (
    "kvittens_requirements:edit",
    "kvittens_requirements:delete",
    "kvittens_requirements:usage",
    "kvittens_requirements:history",
    "kvittens_requirements:copy",
    "wagtailsnippetchoosers_kvittens_requirement:chosen",
)


@pytest.mark.parametrize("role", ["samordnare", "redaktor"])
def test_a_hidden_documents_requirement_is_not_listed_or_chosen(scene, role):
    users, _hidden = scene
    client = client_for(users[role])
    for name, args in LISTINGS:
        response = client.get(reverse(name, args=args))
        assert MARKER not in body(response), (role, name)


@pytest.mark.parametrize("role", ["samordnare", "redaktor"])
def test_a_hidden_documents_requirement_has_no_address(scene, role):
    users, hidden = scene
    client = client_for(users[role])
    for name in OBJECT_ROUTES:
        response = client.get(reverse(name, args=[hidden.pk]))
        assert response.status_code == 404, (role, name, response.status_code)
        assert MARKER not in body(response), (role, name)


@pytest.mark.parametrize("role", ["medlem", "admin"])
def test_members_and_superusers_still_see_the_requirement(scene, role):
    users, hidden = scene
    client = client_for(users[role])
    assert MARKER in body(client.get(reverse("kvittens_requirements:list")))
    response = client.get(reverse("kvittens_requirements:edit", args=[hidden.pk]))
    assert response.status_code == 200
    assert MARKER in body(response)


def site_history_urls():
    report = reverse("wagtailadmin_reports:site_history")
    return (report, reverse("wagtailadmin_reports:site_history_results"), f"{report}?export=csv")


@pytest.fixture
def logged(scene):
    """A member edited the requirement and confirmed the document: two entries whose stored
    labels carry the document's title."""
    users, hidden = scene
    log(instance=hidden, action="wagtail.edit", user=users["medlem"])
    page = hidden.document.specific
    version = page.adopted_versions.get(superseded_at__isnull=True)
    confirmation = Acknowledgement.objects.create(
        user=users["medlem"], user_name="Medlem", document=page, version=version
    )
    log(instance=confirmation, action="kvittens.confirm", user=users["medlem"])
    return users


@pytest.mark.parametrize("role", ["samordnare", "redaktor"])
def test_wagtails_site_history_does_not_name_a_hidden_documents_kvittens(logged, role):
    client = client_for(logged[role])
    for url in site_history_urls():
        response = client.get(url)
        assert response.status_code == 200, (role, url)
        assert MARKER not in body(response), (role, url)


@pytest.mark.parametrize("role", ["medlem", "admin"])
def test_members_and_superusers_find_the_kvittens_in_the_site_history(logged, role):
    client = client_for(logged[role])
    text = body(client.get(reverse("wagtailadmin_reports:site_history")))
    assert f"Kvittens: Riktlinje {MARKER}" in text
    if role == "admin":  # Wagtail shows confirmations to those who may change them
        assert f"bekräftade Riktlinje {MARKER}" in text
