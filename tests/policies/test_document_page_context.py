"""The document page's lean lists and its serving query (issue 17).

The child list and the versions table read only what they show and still show all of it,
without a query per row; the serving query depends on nothing but the class and its variant
(the channel), and tells staff whether the document is in a decision run.
"""

import pytest
from bs4 import BeautifulSoup
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Workflow, WorkflowState

from policies.models import PolicyPage, Publicity, RiktlinjePage, RutinPage
from tests.factories import (
    PUBLIC_HOST,
    adopt_new_version,
    make_document,
    make_live_document,
    make_organisation,
    make_user,
    path_of,
)
from tests.shared import build_once


def build_world():
    organisation = make_organisation("Socialförvaltningen")
    policy = make_document(PolicyPage, title="Policy för informationssäkerhet")
    policy = adopt_new_version(policy, diarienummer="KS-2026-99")
    riktlinje = make_document(
        RiktlinjePage,
        parent=policy,
        title="Riktlinje för lösenord",
        organisation=organisation,
    )
    in_run = make_document(RiktlinjePage, title="Riktlinje under beslut")
    # A run in progress, as the workflow leaves it (the run's own rules are tested elsewhere).
    WorkflowState.objects.create(
        content_type=in_run.content_type,
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=str(in_run.pk),
        workflow=Workflow.objects.first(),
        requested_by=make_user("chef", superuser=True),
        status=WorkflowState.STATUS_IN_PROGRESS,
    )
    children = [
        make_live_document(RutinPage, parent=riktlinje, title=title, organisation=organisation)
        for title in ("Rutin för byte av lösenord", "Rutin för glömt lösenord")
    ]
    internal = make_live_document(
        RutinPage, parent=riktlinje, title="Intern rutin", publicity=Publicity.INTERNAL
    )
    return {
        "policy": policy,
        "riktlinje": riktlinje,
        "in_run": in_run,
        "children": children,
        "internal": internal,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return world


def _staff():
    """The serving variant of an intranet reader (the content type its workflow check names)."""
    return ContentType.objects.get_for_model(Page).pk


def test_staff_see_the_decision_run(w):
    staff = RiktlinjePage.serving_queryset_for(_staff())
    assert staff.get(pk=w["in_run"].pk).in_workflow is True
    assert staff.get(pk=w["riktlinje"].pk).in_workflow is False
    assert not hasattr(
        RiktlinjePage.serving_queryset_for(None).get(pk=w["in_run"].pk), "in_workflow"
    )


def test_the_child_list_shows_what_it_did(w, public_client):
    response = public_client.get(path_of(w["riktlinje"]), HTTP_HOST=PUBLIC_HOST)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    items = soup.select(".document-list__item")
    assert [item.a.get_text() for item in items] == [
        "Rutin för byte av lösenord",
        "Rutin för glömt lösenord",
    ]
    assert [item.a["href"] for item in items] == [path_of(child) for child in w["children"]]
    meta = items[0].select_one(".document-list__meta").get_text()
    assert meta.startswith("Rutin")
    assert "Socialförvaltningen" in meta
    assert w["children"][0].decision_date.strftime("%Y-%m-%d") in meta
    assert "Intern rutin" not in response.content.decode()


def test_the_versions_table_names_the_version_that_replaced(w, public_client):
    response = public_client.get(path_of(w["policy"]), HTTP_HOST=PUBLIC_HOST)
    soup = BeautifulSoup(response.content, "html.parser")
    rows = soup.select(".versions tbody tr")
    assert len(rows) == 2
    statuses = sorted(row.select("td")[5].get_text() for row in rows)
    assert statuses == ["Ersatt av version 1.1", "Gällande"]
    # The archival PDF offered is the current version's.
    assert "version 1.1" in soup.select_one(".pdf-download a").get_text()
