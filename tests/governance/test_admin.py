"""The governance snippets and settings in the admin."""

import html

import pytest
from django.contrib.messages import get_messages
from wagtail.test.utils.form_data import querydict_from_html

from governance.models import DecisionBody, Organisation, StyrdokSettings
from policies.models import PolicyPage
from tests.factories import get_body, make_document, make_kommun

pytestmark = pytest.mark.django_db

SNIPPETS = "/admin/snippets/governance"


@pytest.mark.parametrize(
    ("model", "heading", "listed"),
    [
        ("organisation", "Organisation", "Exempelkommun"),
        ("role", "Roller", "Informationssäkerhetssamordnare"),
        ("decisionbody", "Beslutande organ", "Kommunfullmäktige"),
        ("targetgroup", "Målgrupper", None),
        ("lisarea", "LIS-områden", "Incidenthantering"),
        ("assignment", "Uppdrag", None),
    ],
)
def test_governance_snippet_lists_load(admin_client_intranet, model, heading, listed):
    make_kommun()

    response = admin_client_intranet.get(f"{SNIPPETS}/{model}/")

    assert response.status_code == 200
    page_html = response.content.decode()
    assert heading in page_html
    if listed:
        assert listed in page_html


def test_the_styrning_menu_lists_the_snippets(admin_client_intranet):
    response = admin_client_intranet.get("/admin/")

    assert response.status_code == 200
    assert "Styrning" in response.content.decode()


def _edit_form_data(client, url):
    """The form's current values, as the browser would post them back."""
    response = client.get(url)
    assert response.status_code == 200
    return querydict_from_html(response.content.decode(), form_id="w-editor-form")


def _post(client, url, data):
    # The test client posts only the last value of a QueryDict key; send every checkbox.
    return client.post(url, {key: data.getlist(key) for key in data})


def test_decision_body_document_types_are_edited_with_checkboxes(admin_client_intranet):
    ks = get_body("ks")
    url = f"{SNIPPETS}/decisionbody/edit/{ks.pk}/"
    data = _edit_form_data(admin_client_intranet, url)
    assert data.getlist("document_types") == ["riktlinje"]

    data.setlist("document_types", ["policy", "riktlinje"])
    response = _post(admin_client_intranet, url, data)

    assert response.status_code == 302
    messages = [html.unescape(str(m)) for m in get_messages(response.wsgi_request)]
    assert any("Kommunstyrelsen" in message for message in messages)
    assert DecisionBody.objects.get(pk=ks.pk).document_types == ["policy", "riktlinje"]
    # What the body may adopt changes at once: a policy adopted by KS is now valid.
    policy = make_document(PolicyPage, decision_body=get_body("ks"))
    assert policy.live


def test_decision_body_may_not_be_left_without_a_name(admin_client_intranet):
    ks = get_body("ks")
    url = f"{SNIPPETS}/decisionbody/edit/{ks.pk}/"
    data = _edit_form_data(admin_client_intranet, url)
    data["name"] = ""

    response = _post(admin_client_intranet, url, data)

    assert response.status_code == 200
    assert "Det här fältet är obligatoriskt" in response.content.decode()
    assert get_body("ks").name == "Kommunstyrelsen"


def test_organisation_without_parent_is_refused_in_the_admin(admin_client_intranet):
    make_kommun()
    data = _edit_form_data(admin_client_intranet, f"{SNIPPETS}/organisation/add/")
    data.update({"name": "Socialförvaltningen", "kind": "forvaltning", "parent": ""})

    response = _post(admin_client_intranet, f"{SNIPPETS}/organisation/add/", data)

    assert response.status_code == 200
    assert "Ange vilken enhet som Socialförvaltningen hör till." in response.content.decode()
    assert not Organisation.objects.filter(name="Socialförvaltningen").exists()


def test_organisation_with_parent_is_created_in_the_admin(admin_client_intranet):
    kommun = make_kommun()
    data = _edit_form_data(admin_client_intranet, f"{SNIPPETS}/organisation/add/")
    data.update({"name": "Socialförvaltningen", "kind": "forvaltning", "parent": str(kommun.pk)})

    response = _post(admin_client_intranet, f"{SNIPPETS}/organisation/add/", data)

    assert response.status_code == 302
    assert Organisation.objects.get(name="Socialförvaltningen").parent == kommun


def test_settings_refuse_an_invalid_pattern_in_the_admin(admin_client_intranet):
    url = f"/admin/settings/governance/styrdoksettings/{StyrdokSettings.load().pk}/"
    data = _edit_form_data(admin_client_intranet, url)
    data["diarienummer_pattern"] = "^KS-(\\d{4}"

    response = _post(admin_client_intranet, url, data)

    assert response.status_code == 200
    assert "Mönstret är inte ett giltigt reguljärt uttryck" in response.content.decode()
    assert StyrdokSettings.load().diarienummer_pattern != "^KS-(\\d{4}"


def test_redaktor_may_view_but_not_change_decision_bodies(redaktor_client):
    ks = get_body("ks")

    listing = redaktor_client.get(f"{SNIPPETS}/decisionbody/")
    assert listing.status_code == 200
    assert "Kommunstyrelsen" in listing.content.decode()

    response = redaktor_client.get(f"{SNIPPETS}/decisionbody/edit/{ks.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    messages = [html.unescape(str(m)).strip() for m in get_messages(response.wsgi_request)]
    assert messages == ["Ledsen, du saknar rättigheter att tillträda detta område."]
