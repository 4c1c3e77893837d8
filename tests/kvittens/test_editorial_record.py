"""The decision step's "kräver inte ny kvittens" is part of the record: the intranet's version
table and Beslutshistorik mark the version as a redaktionell ändring; the public site, which
shows neither kvittens nor the history, does not."""

import pytest
from django.test import Client

from governance.history import decision_history
from policies.decisions import register_existing_decision
from policies.models import Publicity, RutinPage
from tests.factories import INTRANET_HOST, PUBLIC_HOST, days_ago, make_document, make_user, path_of
from tests.shared import build_once

MARK = "redaktionell ändring"


def build():
    page = make_document(
        RutinPage, title="Rutin för behörigheter", slug="behorigheter", publicity=Publicity.PUBLIC
    )
    page = RutinPage.objects.get(pk=page.pk)
    page.version = "1.1"
    register_existing_decision(
        page,
        body=page.decision_body,
        decision_date=days_ago(1),
        diarienummer=page.diarienummer,
        comment="Rättad stavning",
        editorial_change=True,
    )
    return {"page": RutinPage.objects.get(pk=page.pk), "reader": make_user("lasaren")}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build)


@pytest.fixture
def w(world, db):
    return world


def rows_of(html, heading):
    """The text of the section that starts at `heading` (its table)."""
    start = html.index(heading)
    return html[start : html.index("</table>", start)]


def test_the_intranet_marks_the_editorial_version_and_its_decision(w):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(w["reader"])
    html = client.get(path_of(w["page"])).content.decode()

    versions = rows_of(html, "Fastställda versioner")
    history = rows_of(html, "Beslutshistorik")
    assert versions.count(MARK) == 1 and 'Version 1.1</a> <span class="tag">' + MARK in versions
    assert history.count(MARK) == 1


def test_the_history_row_of_the_decision_carries_the_choice(w):
    decided = [row for row in decision_history(w["page"]) if row.is_decision]
    assert [row.editorial_change for row in decided] == [False, True]


def test_the_public_site_does_not_show_it(w):
    html = Client(HTTP_HOST=PUBLIC_HOST).get(path_of(w["page"])).content.decode()
    assert "Fastställda versioner" in html and "Version 1.1" in html
    assert MARK not in html.lower()
