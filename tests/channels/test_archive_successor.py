"""An archived version names its successor only where the successor may be read."""

import pytest

from policies.models import RiktlinjePage
from tests.channels.conftest import archive_url, build_once_in, soup, text_of, versions_of
from tests.factories import adopt_new_version, days_ago, make_document, path_of

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Riktlinje för loggning i skyddade nät"


def banner(response):
    assert response.status_code == 200
    return soup(response).select_one(".version-banner")


def build_made_internal():
    """Adopted as public (1.0), then re-adopted as internal (2.0) under another title."""
    page = make_document(
        RiktlinjePage,
        title="Riktlinje för loggning",
        slug="loggning",
        version="1.0",
        decision_date=days_ago(200),
    )
    adopt_new_version(
        page, title=SECRET_TITLE, publicity="internal", version="2.0", decision_date=days_ago(5)
    )
    return page.pk


@pytest.fixture(scope="module")
def made_internal_pk(django_db_setup, django_db_blocker, tmp_path_factory):
    """The document, once for the module; rolled back after its last test."""
    folder = tmp_path_factory.mktemp("archive-successor")
    yield from build_once_in(folder, django_db_blocker, build_made_internal)


@pytest.fixture
def made_internal(made_internal_pk, db):
    return RiktlinjePage.objects.get(pk=made_internal_pk)


def test_a_version_replaced_by_an_internal_one_says_only_ersatt_publicly(
    made_internal, public_client
):
    first, _second = versions_of(made_internal)

    response = public_client.get(archive_url(first))
    notice = banner(response)

    assert text_of(notice).startswith("Ersatt. Den här versionen gäller inte längre.")
    assert "version 2.0" not in text_of(notice)
    assert notice.select("a") == []
    page_text = response.content.decode()
    assert SECRET_TITLE not in page_text
    assert f'href="{path_of(made_internal)}"' not in page_text


def test_staff_see_which_version_replaced_it(made_internal, intranet_client):
    first, _second = versions_of(made_internal)

    notice = banner(intranet_client.get(archive_url(first)))

    assert "Ersatt av version 2.0" in text_of(notice)
    assert notice.select_one("a")["href"] == path_of(made_internal)


def test_a_public_successor_is_still_named_and_linked_publicly(public_client):
    page = make_document(RiktlinjePage, slug="losenord", version="1.0", decision_date=days_ago(90))
    adopt_new_version(page, version="2.0", decision_date=days_ago(3))
    first, _second = versions_of(page)

    notice = banner(public_client.get(archive_url(first)))

    assert "Ersatt av version 2.0" in text_of(notice)
    assert f"beslutad {days_ago(3):%Y-%m-%d}" in text_of(notice)
    assert notice.select_one("a")["href"] == path_of(page)
