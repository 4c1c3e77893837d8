"""The demo kommun: loads once, and a second run changes nothing.

The whole module shares one load of the full demo (about a second): a module-scoped fixture
loads it inside a transaction that is rolled back when the module is done, and every test runs
in its own savepoint on top of it.
"""

import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from wagtail.models import Page, Revision

from governance.models import DecisionBody, Organisation
from policies.demo import DEFAULT_FIXTURE, DEMO_PASSWORD, load_demo
from policies.management.commands.load_demo import DEMO_LOGINS
from policies.models import AdoptedVersion, Publicity, ReviewStatus, Styrdokument
from tests.factories import INTRANET_HOST, PUBLIC_HOST, path_of

pytestmark = [
    pytest.mark.demo,
    pytest.mark.skipif(
        not DEFAULT_FIXTURE.is_file(),
        reason=f"the demo file {DEFAULT_FIXTURE} does not exist yet",
    ),
]


def counts():
    return {
        "pages": Page.objects.count(),
        "users": get_user_model().objects.count(),
        "revisions": Revision.objects.count(),
        "adopted_versions": AdoptedVersion.objects.count(),
        "organisations": Organisation.objects.count(),
        "decision_bodies": DecisionBody.objects.count(),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the demo once for the module, through the management command."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = io.StringIO()
            call_command("load_demo", stdout=out)
            loaded = {"output": out.getvalue(), "counts": counts()}
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield loaded
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def demo_db(demo, db):
    return demo


def test_first_load_reports_success_and_the_logins(demo_db):
    output = demo_db["output"]

    assert "Exempelkommun är inläst." in output
    assert f"Demoinloggningar (lösenord för alla: {DEMO_PASSWORD}):" in output
    assert Styrdokument.objects.live().count() > 5


def test_load_demo_twice_changes_nothing(demo_db):
    assert counts() == demo_db["counts"]

    assert load_demo() is False

    assert counts() == demo_db["counts"]


def test_load_demo_command_twice_says_the_data_already_exists(demo_db):
    out = io.StringIO()

    call_command("load_demo", stdout=out)

    assert "Demodata finns redan; inget har ändrats." in out.getvalue()
    assert "Exempelkommun är inläst." not in out.getvalue()
    assert counts() == demo_db["counts"]


@pytest.mark.parametrize("username", [username for username, _role in DEMO_LOGINS])
def test_demo_users_log_in_with_the_demo_password(demo_db, username):
    user = authenticate(username=username, password=DEMO_PASSWORD)

    assert user is not None
    assert user.is_active


def test_demo_redaktor_logs_in_on_the_intranet(demo_db, client):
    response = client.post(
        "/logga-in/",
        {"username": "redaktor", "password": DEMO_PASSWORD, "next": "/styrdokument/"},
        HTTP_HOST=INTRANET_HOST,
    )

    assert response.status_code == 302
    assert response["Location"] == "/styrdokument/"
    register = client.get("/styrdokument/", HTTP_HOST=INTRANET_HOST)
    assert register.status_code == 200


def test_exactly_one_document_is_overdue(demo_db, admin_client_intranet):
    overdue = (
        Styrdokument.objects.live().with_review_status().filter(review_status=ReviewStatus.OVERDUE)
    )
    assert overdue.count() == 1

    response = admin_client_intranet.get("/styrdokument/", {"status": "forsenad"})
    soup = BeautifulSoup(response.content, "html.parser")
    rows = soup.select("table.register-table tbody tr")
    assert [row.td.a.get_text(strip=True) for row in rows] == [overdue.get().title]
    assert "Försenad" in rows[0].get_text()


def test_one_document_has_a_superseded_earlier_version(demo_db, public_client):
    superseded = AdoptedVersion.objects.filter(superseded_at__isnull=False)
    assert superseded.exists()
    earlier = superseded.select_related("document", "superseded_by").first()
    document = earlier.document
    assert earlier.superseded_by.document_id == document.pk
    assert earlier.superseded_by.is_current

    assert document.publicity == Publicity.PUBLIC
    html = public_client.get(path_of(document)).content.decode()
    assert "Fastställda versioner" in html
    assert f"Ersatt av version {earlier.superseded_by.version}" in html


def test_the_policy_lists_the_documents_it_requires_and_one_is_missing(demo_db):
    from policies.models import PolicyPage

    policy = PolicyPage.objects.live().get()
    required = list(policy.required_documents.select_related("document", "lis_area"))
    assert len(required) == 9
    missing = [item.title for item in required if item.document is None]
    assert missing == ["Riktlinje för riskhantering"]
    assert all(item.lis_area is not None for item in required)
    # What the policy requires is part of its adopted text, not a side table.
    assert len(policy.get_latest_revision().content["required_documents"]) == 9


def test_every_demo_document_renders_on_its_channels(demo_db, client):
    client.force_login(get_user_model().objects.get(username="redaktor"))
    for document in Styrdokument.objects.live():
        path = path_of(document)
        assert client.get(path, HTTP_HOST=INTRANET_HOST).status_code == 200, path
        expected = 200 if document.publicity == Publicity.PUBLIC else 404
        assert client.get(path, HTTP_HOST=PUBLIC_HOST).status_code == expected, path


def test_load_demo_refuses_a_missing_file(db):
    with pytest.raises(CommandError, match="Demofilen /finns/inte.json finns inte."):
        call_command("load_demo", fixture="/finns/inte.json")
