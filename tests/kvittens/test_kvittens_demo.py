"""Kvittens in the demo kommun: a requirement for everyone, one for a förvaltning, home units
and some confirmations, so the tour shows "Att läsa och bekräfta" and the box."""

import pytest
from django.test import Client

from kvittens.models import Acknowledgement, Membership, Requirement
from policies.demo import DEFAULT_FIXTURE, load_demo
from policies.models import Styrdokument
from tests.factories import INTRANET_HOST, PUBLIC_HOST, path_of
from tests.shared import build_once

pytestmark = [
    pytest.mark.demo,
    pytest.mark.skipif(not DEFAULT_FIXTURE.is_file(), reason="no demo file"),
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, load_demo)


@pytest.fixture
def d(demo, db):
    return demo


def client_for(username):
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_demo_has_requirements_home_units_and_confirmations(d):
    assert Requirement.objects.count() == 2
    assert Membership.objects.filter(organisation__name="Socialförvaltningen").exists()
    assert Acknowledgement.objects.count() == 7


def test_a_demo_reader_is_asked_to_read_the_policy(d):
    policy = Styrdokument.objects.get(slug="informationssakerhetspolicy")
    client = client_for("dataskyddsombud")
    start = client.get("/").content.decode()
    assert "Att läsa och bekräfta" in start and "Informationssäkerhetspolicy" in start
    page = client.get(path_of(policy)).content.decode()
    assert "Jag har läst och förstått" in page
    confirmed = client_for("samordnare").get(path_of(policy)).content.decode()
    assert "Du bekräftade version" in confirmed


def test_the_socialforvaltning_routine_reaches_its_units_only(d):
    routine = Styrdokument.objects.get(slug="loggkontroll-socialtjansten")
    assert "Jag har läst och förstått" in client_for("agare").get(path_of(routine)).content.decode()
    assert "Läs och bekräfta" not in client_for("itchef").get(path_of(routine)).content.decode()


def test_the_public_demo_site_shows_no_kvittens(d):
    client = Client(HTTP_HOST=PUBLIC_HOST)
    policy = Styrdokument.objects.get(slug="informationssakerhetspolicy")
    for address in ("/", path_of(policy)):
        text = client.get(address).content.decode().lower()
        assert "bekräfta" not in text and "kvittens" not in text
