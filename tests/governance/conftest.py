"""People for the approval-workflow tests: one user per role, with the bodies they decide for.

The session baseline (tests/conftest.py) has the groups, the decision bodies and their workflows
but nobody in them; these fixtures add the people. Each test's transaction is rolled back, so the
officials set on the bodies here never leak into other tests.
"""

import pytest
from django.core import mail

from tests.factories import get_body, make_user

from .workflow_helpers import People


def _person(username, first_name, last_name, groups=(), superuser=False):
    return make_user(
        username, groups=groups, superuser=superuser, first_name=first_name, last_name=last_name
    )


def _official(username, first_name, last_name, body_code):
    user = _person(username, first_name, last_name, groups=["Beslutsfattare"])
    body = get_body(body_code)
    body.official = user
    body.save(update_fields=["official"])
    return user


@pytest.fixture
def samordnare(db):
    return _person("samordnare", "Sara", "Samordnare", groups=["Informationssäkerhetssamordnare"])


@pytest.fixture
def kommundirektor(db):
    return _official("kommundirektor", "Karin", "Direktör", "kommundirektor")


@pytest.fixture
def stabschef(db):
    return _official("stabschef", "Stefan", "Stab", "stabschef")


@pytest.fixture
def forvaltningschef(db):
    return _official("forvaltningschef", "Frida", "Förvaltning", "forvaltningschef")


@pytest.fixture
def verksamhetschef(db):
    return _official("verksamhetschef", "Vera", "Verksamhet", "verksamhetschef")


@pytest.fixture
def sekreterare(db):
    return _person("sekreterare", "Nils", "Sekreterare", groups=["Nämndsekreterare"])


@pytest.fixture
def agare(db):
    """The dokumentansvarig; tests set this user as the document's `responsible`."""
    return _person("agare", "Åsa", "Ägare", groups=["Dokumentansvariga"])


@pytest.fixture
def admin(db):
    return _person("admin", "Ada", "Admin", superuser=True)


@pytest.fixture
def redaktor2(db):
    """A second redaktör, so that a run can be submitted by someone outside the roles tested."""
    return _person("redaktor2", "Olle", "Skribent", groups=["Redaktörer"])


@pytest.fixture
def people(
    redaktor,
    redaktor2,
    samordnare,
    kommundirektor,
    stabschef,
    forvaltningschef,
    verksamhetschef,
    sekreterare,
    agare,
    admin,
):
    """Everyone at once; also empties the mail outbox so a test sees only its own mail."""
    mail.outbox.clear()
    return People(
        redaktor=redaktor,
        redaktor2=redaktor2,
        samordnare=samordnare,
        kommundirektor=kommundirektor,
        stabschef=stabschef,
        forvaltningschef=forvaltningschef,
        verksamhetschef=verksamhetschef,
        sekreterare=sekreterare,
        agare=agare,
        admin=admin,
    )
