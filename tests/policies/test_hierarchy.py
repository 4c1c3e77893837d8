"""Where each kind of document may be placed in the page tree, in the model and in the admin."""

import pytest
from django.contrib.messages import get_messages
from wagtail.models import Page

from policies.models import (
    HomePage,
    PolicyPage,
    RegisterPage,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
    Styrdokument,
)
from tests.factories import make_live_document

pytestmark = pytest.mark.django_db

DOCUMENT_CLASSES = [PolicyPage, RiktlinjePage, RutinPage, StodanvisningPage]


@pytest.fixture
def tree(register):
    policy = make_live_document(PolicyPage, title="Informationssäkerhetspolicy")
    riktlinje = make_live_document(RiktlinjePage, parent=policy, title="Riktlinje för behörigheter")
    rutin = make_live_document(RutinPage, parent=riktlinje, title="Rutin för incidentrapportering")
    stod = make_live_document(StodanvisningPage, parent=riktlinje, title="Mall för riskanalys")
    return {
        "home": HomePage.objects.get(),
        "register": register,
        "policy": policy,
        "riktlinje": riktlinje,
        "rutin": rutin,
        "stodanvisning": stod,
    }


# parent key -> the document classes allowed directly under it
ALLOWED = {
    "home": set(),
    "register": {PolicyPage, RiktlinjePage},
    "policy": {RiktlinjePage},
    "riktlinje": {RutinPage, StodanvisningPage},
    "rutin": set(),
    "stodanvisning": set(),
}


@pytest.mark.parametrize("parent_key", list(ALLOWED))
@pytest.mark.parametrize("page_class", DOCUMENT_CLASSES, ids=lambda c: c.__name__)
def test_where_documents_may_be_created(tree, parent_key, page_class):
    parent = tree[parent_key]
    expected = page_class in ALLOWED[parent_key]

    assert page_class.can_create_at(parent) is expected
    assert page_class.can_exist_under(parent) is expected


def test_the_styrdokument_base_cannot_be_created_anywhere(tree):
    assert Styrdokument.is_creatable is False
    for parent in tree.values():
        assert not Styrdokument.can_create_at(parent)
        assert Styrdokument not in parent.specific_class.creatable_subpage_models()


def test_only_one_home_page_and_one_register(tree):
    root = Page.get_first_root_node()

    assert not HomePage.can_create_at(root)
    assert not RegisterPage.can_create_at(tree["home"])


def test_the_register_offers_policy_and_riktlinje(tree):
    assert set(tree["register"].specific_class.creatable_subpage_models()) == {
        PolicyPage,
        RiktlinjePage,
    }


def _add_url(model_name, parent):
    return f"/admin/pages/add/policies/{model_name}/{parent.pk}/"


def _refused(response):
    """Wagtail turns the refusal into a redirect to the dashboard with a Swedish message."""
    messages = [str(m).strip() for m in get_messages(response.wsgi_request)]
    return (
        response.status_code == 302
        and response["Location"] == "/admin/"
        and "Ledsen, du saknar rättigheter att tillträda detta område." in messages
    )


@pytest.mark.parametrize("parent_key", ["register", "policy"])
def test_admin_refuses_a_rutin_outside_a_riktlinje(redaktor_client, tree, parent_key):
    response = redaktor_client.get(_add_url("rutinpage", tree[parent_key]))

    assert _refused(response), response.status_code


def test_admin_allows_a_rutin_under_a_riktlinje(redaktor_client, tree):
    response = redaktor_client.get(_add_url("rutinpage", tree["riktlinje"]))

    assert response.status_code == 200
    assert "Beslutande organ" in response.content.decode()


def test_admin_refuses_a_policy_under_a_policy(redaktor_client, tree):
    response = redaktor_client.get(_add_url("policypage", tree["policy"]))

    assert _refused(response), response.status_code


def test_admin_refuses_a_second_register(admin_client_intranet, tree):
    response = admin_client_intranet.get(_add_url("registerpage", tree["home"]))

    assert _refused(response), response.status_code


def test_admin_refuses_the_abstract_base(admin_client_intranet, tree):
    response = admin_client_intranet.get(_add_url("styrdokument", tree["register"]))

    assert _refused(response), response.status_code


def test_admin_offers_only_the_allowed_types_under_a_policy(redaktor_client, tree):
    """A policy takes only riktlinjer, so "add child page" goes straight to the riktlinje form."""
    response = redaktor_client.get(f"/admin/pages/{tree['policy'].pk}/add_subpage/")

    assert response.status_code == 302
    assert response["Location"] == _add_url("riktlinjepage", tree["policy"])
