"""The page editor loads the script that holds a submission while an autosave is under way
(static/js/autosave_guard.js; the race itself is played in tests/browser/test_autosave_browser.py).
"""

import pytest
from django.test import Client

from policies.models import RiktlinjePage
from tests.factories import INTRANET_HOST, get_register, make_live_document, make_user

pytestmark = pytest.mark.django_db

SCRIPT = "/static/js/autosave_guard.js"


@pytest.fixture
def editor_client():
    client = Client(HTTP_HOST=INTRANET_HOST)
    client.force_login(make_user("redaktor-autosave", groups=["Redaktörer"]))
    return client


def test_a_new_pages_editor_loads_the_autosave_guard(editor_client):
    register = get_register()
    response = editor_client.get(f"/admin/pages/add/policies/riktlinjepage/{register.pk}/")
    assert response.status_code == 200
    assert SCRIPT in response.content.decode()


def test_a_saved_pages_editor_loads_it_too(editor_client):
    document = make_live_document(RiktlinjePage, title="Riktlinje för loggning")
    response = editor_client.get(f"/admin/pages/{document.pk}/edit/")
    assert response.status_code == 200
    assert SCRIPT in response.content.decode()


def test_the_script_is_served():
    from django.contrib.staticfiles import finders

    assert finders.find("js/autosave_guard.js")
