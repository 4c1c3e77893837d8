"""The documents a policy requires: edited with the policy, kept in its revisions."""

import pytest
from bs4 import BeautifulSoup
from wagtail.test.utils.form_data import inline_formset

from policies.models import PolicyPage, RiktlinjePage
from tests.factories import get_lis_area, make_live_document
from tests.governance.workflow_helpers import page_form_data

pytestmark = pytest.mark.django_db


def policy_post_data(required):
    return page_form_data(
        PolicyPage,
        "Informationssäkerhetspolicy",
        "informationssakerhetspolicy",
        "kf",
        required_documents=inline_formset(required),
    )


def test_the_policy_editor_has_the_required_documents_panel(redaktor_client, register):
    response = redaktor_client.get(f"/admin/pages/add/policies/policypage/{register.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dokument som policyn kräver" in html
    assert "Uppfylls av" in html or "uppfylls av" in html


def test_an_editor_saves_a_policy_with_required_documents(redaktor_client, register):
    existing = make_live_document(RiktlinjePage, title="Riktlinje för incidenter")
    data = policy_post_data(
        [
            {
                "title": "Riktlinje för incidenthantering",
                "document_type": "riktlinje",
                "lis_area": str(get_lis_area(6).pk),
                "document": str(existing.pk),
            },
            {
                "title": "Rutin för intern kontroll",
                "document_type": "rutin",
                "lis_area": str(get_lis_area(10).pk),
                "document": "",
            },
        ]
    )
    response = redaktor_client.post(
        f"/admin/pages/add/policies/policypage/{register.pk}/", data, follow=True
    )
    assert response.status_code == 200
    policy = PolicyPage.objects.get(slug="informationssakerhetspolicy")
    draft = policy.get_latest_revision_as_object()
    titles = [(item.title, item.document_id) for item in draft.required_documents.all()]
    assert titles == [
        ("Riktlinje för incidenthantering", existing.pk),
        ("Rutin för intern kontroll", None),
    ]


def test_a_required_document_without_a_name_cannot_be_submitted(redaktor_client, register):
    data = policy_post_data(
        [
            {
                "title": "",
                "document_type": "rutin",
                "lis_area": str(get_lis_area(6).pk),
                "document": "",
            }
        ]
    )
    # A draft may be incomplete (Wagtail defers required fields); sending it for decision may not.
    data["action-submit"] = "1"
    response = redaktor_client.post(f"/admin/pages/add/policies/policypage/{register.pk}/", data)
    assert response.status_code == 200
    assert not PolicyPage.objects.filter(slug="informationssakerhetspolicy").exists()
    soup = BeautifulSoup(response.content, "html.parser")
    errors = " ".join(e.get_text(" ") for e in soup.select(".error-message"))
    assert "Det här fältet är obligatoriskt" in errors
    # Nothing the editor typed is lost.
    assert soup.find("input", {"name": "title"})["value"] == "Informationssäkerhetspolicy"
