"""Adopted versions of a document under a restricted one: the restriction covers the subtree.

A rutin adopted as public keeps its archive address (/arkiv/<id>/), its archival PDF and its entry
in the Atom feed, also after a later version made it internal. When the riktlinje above it is
then restricted to a group, the rutin is as hidden as the riktlinje (policies.visibility), and so
is its history: not on the public site, and on the intranet only for the group's members.
"""

import pytest

from policies.archive import superseded_title
from policies.models import RiktlinjePage, RutinPage
from tests.channels.conftest import (
    RESTRICTED_GROUP,
    archive_url,
    client_for,
    group,
    versions_of,
)
from tests.factories import adopt_new_version, make_document, make_user

pytestmark = pytest.mark.django_db

RUTIN = "Rutin för larmkedjan"


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    settings.STYRDOK_ARCHIVE_ROOT = tmp_path / "arkiv"


@pytest.fixture
def rutin():
    """A rutin adopted as public (1.0), then as internal (2.0), under a riktlinje that was then
    made internal and restricted to a group (what the editor allows once no child is public)."""
    riktlinje = make_document(RiktlinjePage, title="Riktlinje för larm", slug="larm")
    page = make_document(RutinPage, parent=riktlinje, title=RUTIN, slug="larmkedjan")
    page = adopt_new_version(page, publicity="internal", version="2.0")
    adopt_new_version(riktlinje, publicity="internal", restricted_to=[group()], version="2.0")
    return page


def test_the_public_site_hides_the_versions_under_a_restricted_document(rutin, public_client):
    version = versions_of(rutin)[0]
    assert version.publicity == "public"

    assert public_client.get(archive_url(version)).status_code == 404
    assert public_client.get(f"{archive_url(version)}pdf/").status_code == 404
    feed = public_client.get("/feed/").content.decode()
    assert RUTIN not in feed
    assert archive_url(version) not in feed


def test_the_intranet_shows_them_to_the_groups_members_only(rutin, intranet_client):
    version = versions_of(rutin)[0]
    member = client_for(make_user("medlem", groups=[RESTRICTED_GROUP]))

    assert intranet_client.get(archive_url(version)).status_code == 404
    assert intranet_client.get(f"{archive_url(version)}pdf/").status_code == 404
    response = member.get(archive_url(version))
    assert response.status_code == 200
    assert RUTIN in response.content.decode()


def test_a_pdf_does_not_name_a_replaced_document_under_a_restricted_one(rutin):
    successor = make_document(RutinPage, title="Ny rutin", slug="ny-rutin", supersedes=rutin)

    assert superseded_title(successor, public=True) == ""
    assert superseded_title(successor, public=False) == ""
