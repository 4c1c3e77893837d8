"""A contact e-mail address cannot add parameters to its mailto: link.

Django's EmailValidator accepts a quoted local part ("a?cc=x@y.se"@kommun.se) and the
characters ? & # % = / in a plain one; written into href="mailto:…" they add a cc, a bcc, a
subject or a body. Such addresses are refused on every guarded model (governance.text_input),
and the links percent-encode what an address stored earlier might still hold.
"""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from governance.models import Organisation, TargetGroup
from governance.text_input import mailto_url
from policies.models import RiktlinjePage
from tests.factories import make_document
from tests.policies.test_admin_forms import add_url, error_texts, riktlinje_post_data

pytestmark = pytest.mark.django_db

MESSAGE = (
    "E-postadressen kan inte användas: skriv den utan citattecken och utan tecknen ? & # % = / "
    "före @, till exempel informationssakerhet@kommun.se."
)
UNSAFE = [
    '"a?cc=evil@x.se"@kommun.se',
    '"a&bcc=evil@x.se"@kommun.se',
    "a?subject=Hej@kommun.se",
    "a%3Fcc%3Devil@kommun.se",
    "info#x@kommun.se",
]


@pytest.mark.parametrize("address", UNSAFE)
def test_an_address_that_adds_mailto_parameters_is_refused(address):
    with pytest.raises(ValidationError) as raised:
        Organisation.objects.create(name="Kommunstyrelseförvaltningen", email=address)
    assert raised.value.message_dict["email"] == [MESSAGE]


def test_ordinary_addresses_are_accepted():
    for address in ["informationssakerhet@exempelkommun.se", "anna.o'brien+ks@kommun.se"]:
        Organisation.objects.create(name=address, email=address)


def test_the_page_editor_refuses_the_address(redaktor_client, register):
    target_groups = [TargetGroup.objects.create(name="Alla medarbetare")]
    response = redaktor_client.post(
        add_url(register),
        riktlinje_post_data(target_groups, contact_email='"a?cc=evil@x.se"@kommun.se'),
    )

    assert response.status_code == 200
    assert MESSAGE in error_texts(response)
    assert not RiktlinjePage.objects.filter(slug="riktlinje-for-mobila-enheter").exists()


def test_the_link_percent_encodes_the_address():
    assert mailto_url("webb@kommun.se") == "mailto:webb@kommun.se"
    assert mailto_url('"a?cc=evil@x.se"@kommun.se') == (
        "mailto:%22a%3Fcc%3Devil%40x.se%22@kommun.se"
    )
    rendered = Template('{% load styrdok_tags %}<a href="{{ e|mailto }}">').render(
        Context({"e": '"a?cc=evil@x.se"@kommun.se'})
    )
    assert rendered == '<a href="mailto:%22a%3Fcc%3Devil%40x.se%22@kommun.se">'


def test_a_stored_address_is_linked_safely_on_the_page(public_client):
    page = make_document(RiktlinjePage, contact_email="webb@exempelkommun.se")
    # Stored before the validator existed: written past the model's checks.
    RiktlinjePage.objects.filter(pk=page.pk).update(contact_email='"a?cc=evil@x.se"@kommun.se')

    html = public_client.get(page.url).content.decode()

    assert 'href="mailto:%22a%3Fcc%3Devil%40x.se%22@kommun.se"' in html
    assert "mailto:&quot;" not in html
