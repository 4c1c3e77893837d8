"""Validation of the governance model: the organisation tree and the kommun-wide settings."""

import pytest
from django.core.exceptions import ValidationError

from governance.constants import OrganisationKind
from governance.models import DEFAULT_DIARIENUMMER_PATTERN, Organisation, StyrdokSettings
from tests.factories import make_kommun, make_organisation

pytestmark = pytest.mark.django_db


def clean_errors(instance):
    try:
        instance.full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


def test_the_kommun_has_no_parent():
    kommun = make_kommun()
    other = Organisation.objects.create(name="Grannkommun", kind=OrganisationKind.KOMMUN)
    other.parent = kommun

    assert clean_errors(other) == {"parent": ["Kommunen kan inte ha en överordnad enhet."]}


def test_the_kommun_without_parent_is_valid():
    assert clean_errors(Organisation(name="Exempelkommun", kind=OrganisationKind.KOMMUN)) == {}


@pytest.mark.parametrize(
    "kind", [OrganisationKind.FORVALTNING, OrganisationKind.KONTOR, OrganisationKind.ENHET]
)
def test_every_other_unit_needs_a_parent(kind):
    unit = Organisation(name="Socialförvaltningen", kind=kind)

    assert clean_errors(unit) == {"parent": ["Ange vilken enhet som Socialförvaltningen hör till."]}


def test_a_unit_cannot_be_placed_under_itself():
    forvaltning = make_organisation("Kommunledningsförvaltningen")
    forvaltning.parent = forvaltning

    assert clean_errors(forvaltning) == {
        "parent": ["En enhet kan inte ligga under sig själv eller sina underenheter."]
    }


def test_a_unit_cannot_be_placed_under_its_own_subunit():
    forvaltning = make_organisation("Kommunledningsförvaltningen")
    kontor = make_organisation("IT-kontoret", kind=OrganisationKind.KONTOR, parent=forvaltning)
    enhet = make_organisation("Servicedesk", kind=OrganisationKind.ENHET, parent=kontor)
    forvaltning.parent = enhet

    assert clean_errors(forvaltning) == {
        "parent": ["En enhet kan inte ligga under sig själv eller sina underenheter."]
    }


def test_settings_reject_an_invalid_regular_expression():
    site_settings = StyrdokSettings.load()
    site_settings.diarienummer_pattern = r"^[A-Z(+$"

    errors = clean_errors(site_settings)

    assert len(errors["diarienummer_pattern"]) == 1
    assert errors["diarienummer_pattern"][0].startswith(
        "Mönstret är inte ett giltigt reguljärt uttryck: "
    )


def test_settings_default_pattern_and_example():
    site_settings = StyrdokSettings.load()

    assert site_settings.diarienummer_pattern == DEFAULT_DIARIENUMMER_PATTERN
    assert site_settings.diarienummer_is_valid(site_settings.diarienummer_example)
    assert clean_errors(site_settings) == {}
