"""Shared fixtures: the baseline every installation has, created once per test session."""

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import INTRANET_HOST, PUBLIC_HOST, get_register, make_user


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "demo: loads the full demo kommun once for the module (about a second)"
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """LIS areas, roles, decision bodies, groups, workflows and the page tree, once.

    Each test then runs in a transaction that is rolled back, so this baseline stays untouched.
    """
    with django_db_blocker.unblock():
        call_command("setup_styrdok", verbosity=0)


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    """Each test gets its own archive folder for the adopted versions' PDFs."""
    settings.STYRDOK_ARCHIVE_ROOT = tmp_path / "arkiv"
    return settings.STYRDOK_ARCHIVE_ROOT


@pytest.fixture
def register(db):
    return get_register()


# Each client fixture is its own browser, so a test can use several side by side.


@pytest.fixture
def public_client(db):
    """An anonymous visitor on the public website."""
    return Client(HTTP_HOST=PUBLIC_HOST)


@pytest.fixture
def anonymous_intranet_client(db):
    return Client(HTTP_HOST=INTRANET_HOST)


@pytest.fixture
def staff_user(db):
    return make_user("medarbetare", first_name="Maja", last_name="Medarbetare")


@pytest.fixture
def intranet_client(staff_user):
    """A logged-in member of staff (no admin rights) on the intranet."""
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(staff_user)
    return client


@pytest.fixture
def redaktor(db):
    return make_user("redaktor", groups=["Redaktörer"], first_name="Rut", last_name="Redaktör")


@pytest.fixture
def redaktor_client(redaktor):
    """A redaktör in the admin (which is served on the intranet host)."""
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(redaktor)
    return client


@pytest.fixture
def superuser(db):
    return make_user("superadmin", superuser=True)


@pytest.fixture
def admin_client_intranet(superuser):
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(superuser)
    return client
