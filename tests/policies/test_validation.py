"""Every rule of Styrdokument.clean(), with the Swedish message an editor sees."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.models import DecisionBody
from policies.dates import add_months
from policies.models import AdoptedVersion, PolicyPage, RiktlinjePage, RutinPage, StodanvisningPage
from tests.factories import days_ago, get_body, make_document, update_settings

pytestmark = pytest.mark.django_db


def validation_errors(page):
    """The errors full_clean() reports, by field; {} when the page is valid."""
    try:
        page.full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


@pytest.fixture
def draft():
    """A riktlinje saved as a draft, to be given a decision by each test."""
    return make_document(RiktlinjePage, publish=False, title="Riktlinje för loggning")


# -- which body may adopt which document type ----------------------------------------------------


def test_policy_adopted_by_ks_is_refused():
    policy = make_document(PolicyPage, publish=False)
    policy.decision_body = get_body("ks")

    errors = validation_errors(policy)

    assert errors["decision_body"] == [
        "Kommunstyrelsen får inte fastställa en policy. Tillåtna beslutande organ för "
        "dokumenttypen: Kommunfullmäktige."
    ]


def test_riktlinje_adopted_by_kf_is_refused(draft):
    draft.decision_body = get_body("kf")

    errors = validation_errors(draft)

    assert errors["decision_body"] == [
        "Kommunfullmäktige får inte fastställa en riktlinje. Tillåtna beslutande organ för "
        "dokumenttypen: Kommunstyrelsen, Kommundirektör."
    ]


def test_rutin_adopted_by_ks_is_refused(draft):
    rutin = make_document(RutinPage, parent=draft, publish=False)
    rutin.decision_body = get_body("ks")

    errors = validation_errors(rutin)

    assert errors["decision_body"] == [
        "Kommunstyrelsen får inte fastställa en rutin. Tillåtna beslutande organ för "
        "dokumenttypen: Kommundirektör, Stabschef, Förvaltningschef, Verksamhetschef."
    ]


@pytest.mark.parametrize(
    ("page_class", "body_code"),
    [
        (PolicyPage, "kf"),
        (RiktlinjePage, "ks"),
        (RiktlinjePage, "kommundirektor"),
        (RutinPage, "kommundirektor"),
        (RutinPage, "stabschef"),
        (RutinPage, "forvaltningschef"),
        (RutinPage, "verksamhetschef"),
        (StodanvisningPage, "verksamhetschef"),
    ],
)
def test_allowed_decision_bodies_pass(page_class, body_code):
    parent = None
    if page_class in (RutinPage, StodanvisningPage):
        parent = make_document(RiktlinjePage)

    page = make_document(page_class, parent=parent, decision_body=get_body(body_code))

    assert page.live
    assert page.decision_body.code == body_code


def test_what_a_body_may_adopt_is_configured_in_the_database():
    policy = make_document(PolicyPage, publish=False)
    policy.decision_body = get_body("ks")
    assert "decision_body" in validation_errors(policy)

    DecisionBody.objects.filter(code="ks").update(document_types=["riktlinje", "policy"])
    policy.decision_body = get_body("ks")
    assert validation_errors(policy) == {}

    DecisionBody.objects.filter(code="ks").update(document_types=[])
    riktlinje = make_document(RiktlinjePage, publish=False)
    riktlinje.decision_body = get_body("ks")
    assert validation_errors(riktlinje)["decision_body"] == [
        "Kommunstyrelsen får inte fastställa en riktlinje. Tillåtna beslutande organ för "
        "dokumenttypen: Kommundirektör."
    ]


# -- diarienummer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("KS-2025-542", "KS-2025-542"),
        ("KS 2025/542", "KS-2025-542"),
        ("KS-2025-542-1", "KS-2025-542-1"),
        ("KF 2024-12", "KF-2024-12"),
    ],
)
def test_valid_diarienummer_is_accepted_in_the_canonical_form(draft, value, stored):
    draft.diarienummer = value

    assert validation_errors(draft) == {}
    assert draft.diarienummer == stored


def test_lowercase_diarienummer_is_normalised_to_uppercase(draft):
    draft.diarienummer = "  ks   2025/542 "

    assert validation_errors(draft) == {}
    assert draft.diarienummer == "KS-2025-542"


@pytest.mark.parametrize("value", ["2025-542", "KS-25-1", "KS_2025_542"])
def test_invalid_diarienummer_is_refused_with_an_example(draft, value):
    draft.diarienummer = value

    errors = validation_errors(draft)

    assert errors["diarienummer"] == [
        f"Diarienumret ”{value}” har inte kommunens format. Skriv det till exempel som KS-2025-542."
    ]


def test_blank_diarienummer_is_allowed_on_a_draft(draft):
    draft.diarienummer = ""

    assert validation_errors(draft) == {}


def test_custom_diarienummer_pattern_changes_what_is_accepted(draft):
    update_settings(diarienummer_pattern=r"^\d{4}/\d{1,5}$", diarienummer_example="2025/0123")

    draft.diarienummer = "KS-2025-542"
    assert validation_errors(draft)["diarienummer"] == [
        "Diarienumret ”KS-2025-542” har inte kommunens format. Skriv det till exempel som "
        "2025/0123."
    ]

    draft.diarienummer = "2025/77"
    assert validation_errors(draft) == {}


# -- dates -----------------------------------------------------------------------------------


def test_decision_date_in_the_future_is_refused(draft):
    draft.decision_date = timezone.localdate() + datetime.timedelta(days=1)

    assert validation_errors(draft)["decision_date"] == ["Beslutsdatum kan inte ligga i framtiden."]


def test_decision_date_today_is_accepted(draft):
    draft.decision_date = timezone.localdate()

    assert validation_errors(draft) == {}


@pytest.mark.parametrize("offset", [-1, 0])
def test_next_review_on_or_before_the_decision_is_refused(draft, offset):
    draft.decision_date = datetime.date(2025, 3, 10)
    draft.next_review = draft.decision_date + datetime.timedelta(days=offset)

    assert validation_errors(draft)["next_review"] == [
        "Nästa revision måste ligga efter beslutsdatum (2025-03-10)."
    ]


def test_valid_from_before_the_decision_is_refused(draft):
    draft.decision_date = datetime.date(2025, 3, 10)
    draft.valid_from = datetime.date(2025, 3, 9)

    assert validation_errors(draft)["valid_from"] == [
        "Giltig från (2025-03-09) kan inte vara före beslutsdatum (2025-03-10)."
    ]


def test_valid_from_on_the_decision_date_is_accepted(draft):
    draft.decision_date = datetime.date(2025, 3, 10)
    draft.valid_from = datetime.date(2025, 3, 10)

    assert validation_errors(draft) == {}


@pytest.mark.parametrize("valid_until", [datetime.date(2025, 4, 1), datetime.date(2025, 3, 31)])
def test_valid_until_not_after_valid_from_is_refused(draft, valid_until):
    draft.valid_from = datetime.date(2025, 4, 1)
    draft.valid_until = valid_until

    assert validation_errors(draft)["valid_until"] == [
        "Gäller till måste vara ett datum efter giltig från."
    ]


def test_next_review_later_than_the_interval_needs_a_reason(draft):
    draft.decision_date = datetime.date(2025, 1, 15)
    draft.review_interval_months = 12
    draft.next_review = datetime.date(2026, 6, 1)

    assert validation_errors(draft)["next_review_reason"] == [
        "Nästa revision (2026-06-01) är senare än beslutsdatum plus granskningsintervallet "
        "(2026-01-15). Ange skälet till den senare revisionen, eller välj ett tidigare datum."
    ]

    draft.next_review_reason = "Väntar på den nya cybersäkerhetslagen."
    assert validation_errors(draft) == {}


def test_next_review_earlier_than_the_interval_is_accepted(draft):
    draft.decision_date = datetime.date(2025, 1, 15)
    draft.next_review = datetime.date(2025, 9, 1)

    assert validation_errors(draft) == {}
    assert draft.next_review == datetime.date(2025, 9, 1)


def test_blank_next_review_is_derived_from_decision_and_interval(draft):
    draft.decision_date = datetime.date(2025, 1, 15)
    draft.review_interval_months = 24
    draft.next_review = None

    assert validation_errors(draft) == {}
    assert draft.next_review == datetime.date(2027, 1, 15)


def test_derived_next_review_is_clamped_to_the_end_of_the_month(draft):
    draft.decision_date = datetime.date(2024, 1, 31)
    draft.review_interval_months = 1
    draft.next_review = None

    assert validation_errors(draft) == {}
    assert draft.next_review == datetime.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2025, 1, 31), 1, datetime.date(2025, 2, 28)),
        (datetime.date(2025, 3, 31), 1, datetime.date(2025, 4, 30)),
        (datetime.date(2025, 11, 15), 3, datetime.date(2026, 2, 15)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2025, 5, 20), -14, datetime.date(2024, 3, 20)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_saved_document_gets_its_next_review_from_the_decision():
    page = make_document(RiktlinjePage, decision_date=days_ago(10), review_interval_months=6)

    assert page.next_review == add_months(days_ago(10), 6)


# -- version and supersedes ------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "2.0", "2.1", "1.0.3", "10.12"])
def test_valid_version_numbers(draft, value):
    draft.version = value

    assert validation_errors(draft) == {}


@pytest.mark.parametrize("value", ["v2", "2,1", "1.2.3.4", "utkast"])
def test_invalid_version_is_refused(draft, value):
    draft.version = value

    assert validation_errors(draft)["version"] == [
        "Ange versionen som siffror, t.ex. 1, 2.0 eller 2.1."
    ]


def test_blank_version_is_refused(draft):
    draft.version = ""

    assert validation_errors(draft)["version"] == ["Detta fält får inte vara tomt."]


def test_a_document_cannot_supersede_itself(draft):
    draft.supersedes = draft

    assert validation_errors(draft)["supersedes"] == ["Ett dokument kan inte ersätta sig självt."]


def test_a_document_may_supersede_another(draft):
    older = make_document(RiktlinjePage, title="Äldre riktlinje")
    draft.supersedes = older

    assert validation_errors(draft) == {}


def test_an_invalid_decision_is_never_published():
    """Saving a revision and publishing validate too, so an invalid decision never goes live."""
    with pytest.raises(ValidationError) as excinfo:
        make_document(RiktlinjePage, decision_body=get_body("kf"))

    assert "decision_body" in excinfo.value.message_dict
    assert not RiktlinjePage.objects.live().exists()
    assert not AdoptedVersion.objects.exists()
