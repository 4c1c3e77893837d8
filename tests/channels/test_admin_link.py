"""The intranet's header links to the admin ("Redigera") only for those who may use it
(wagtailadmin.access_admin, granted to the editing groups in setup): for other staff it led to
a login page asking for an account they already use. Whether they may is read at login, not on
every page, and reading it never writes the session (which would renew its lifetime:
tests/channels/test_login_hardening.py)."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from policies.channels import ADMIN_ACCESS_KEY
from tests.factories import INTRANET_HOST, PUBLIC_HOST, make_user

pytestmark = pytest.mark.django_db


def header_links(response):
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return [link.get_text(strip=True) for link in soup.select("header a")]


def client_for(user, host=INTRANET_HOST):
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("groups", "shown"),
    [
        ((), False),  # staff reading the intranet
        (("Dokumentansvariga",), True),
        (("Redaktörer",), True),
        (("Beslutsfattare",), True),
    ],
)
def test_the_admin_link_is_shown_to_those_who_may_use_the_admin(groups, shown):
    user = make_user("person", groups=groups)
    assert user.has_perm("wagtailadmin.access_admin") is shown

    links = header_links(client_for(user).get("/styrdokument/"))

    assert ("Redigera" in links) is shown
    assert "Styrdokument" in links


def test_a_permission_given_directly_counts_too():
    user = make_user("person")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))

    assert "Redigera" in header_links(client_for(user).get("/"))


def test_the_public_site_and_anonymous_readers_have_no_admin_link():
    editor = make_user("redaktor", groups=["Redaktörer"])
    assert "Redigera" not in header_links(client_for(editor, PUBLIC_HOST).get("/"))
    assert "Redigera" not in header_links(Client(HTTP_HOST=PUBLIC_HOST).get("/"))


def test_the_permission_is_read_at_login_not_on_every_page():
    client = client_for(make_user("redaktor", groups=["Redaktörer"]))
    assert client.session[ADMIN_ACCESS_KEY] is True

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/styrdokument/")

    assert "Redigera" in header_links(response)
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]


def test_a_session_from_before_login_kept_it_asks_without_writing_the_session():
    client = client_for(make_user("redaktor", groups=["Redaktörer"]))
    session = client.session
    del session[ADMIN_ACCESS_KEY]
    session.save()

    response = client.get("/styrdokument/")

    assert "Redigera" in header_links(response)
    assert ADMIN_ACCESS_KEY not in client.session
