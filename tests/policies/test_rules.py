"""policies.rules: each rule for a styrdokument, in-process, as a table of cases.

The editor form, the model's clean() and the decision step all run these predicates; the tests
here pin what each one says (field and Swedish message) and when it says nothing. The last tests
show the decision step running the same rules (the body's entitlement and hidden links are new
there).
"""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import TaskState

from governance.workflows import apply_decision
from policies import rules
from policies.models import Publicity, RiktlinjePage, RutinPage
from tests.factories import (
    get_body,
    get_register,
    make_document,
    make_live_document,
    make_user,
    paragraph,
)

PUBLIC = Publicity.PUBLIC
INTERNAL = Publicity.INTERNAL
TODAY = datetime.date(2026, 3, 10)
D = datetime.date

PERSONNUMMER = "811218-9876"
SAMORDNINGSNUMMER = "701063-2391"


def internal_parent(title="Intern policy"):
    return SimpleNamespace(publicity=INTERNAL, title=title)


def public_parent(title="Offentlig policy"):
    return SimpleNamespace(publicity=PUBLIC, title=title)


def workflow(active=True):
    return SimpleNamespace(workflow=SimpleNamespace(active=active))


def run(name, **values):
    return rules.check([name], values)


# -- rules that need no database ---------------------------------------------------------------

NO_WORKFLOW = (
    "Välj ett beslutande organ med ett arbetsflöde innan dokumentet skickas in. "
    "Organet avgör vem som granskar och beslutar."
)

# (rule, values, expected {field: [messages]})
CASES = [
    # A public document under an internal one would reveal it through its address.
    (
        "public_under_internal_parent",
        {"publicity": PUBLIC, "parent": internal_parent()},
        {
            "publicity": [
                "Dokumentet kan inte vara offentligt när det ligger under det interna "
                "dokumentet ”Intern policy”: adressen och sökvägen skulle avslöja det. Gör "
                "dokumentet internt eller flytta det."
            ]
        },
    ),
    ("public_under_internal_parent", {"publicity": INTERNAL, "parent": internal_parent()}, {}),
    ("public_under_internal_parent", {"publicity": PUBLIC, "parent": public_parent()}, {}),
    ("public_under_internal_parent", {"publicity": PUBLIC, "parent": None}, {}),
    # Personnummer in a public document: one message per number, naming it and where it is.
    (
        "identity_numbers_in_public_text",
        {
            "publicity": PUBLIC,
            "title": "Rutin",
            "summary": f"Kontakt {PERSONNUMMER}.",
            "body": None,
        },
        {
            "publicity": [
                "Texten i fältet ”Sammanfattning” innehåller ett personnummer (811218-****) i "
                "avsnittet ”…Kontakt 811218-****.…”. Ett offentligt dokument publiceras på den "
                "externa webbplatsen och får inte innehålla personnummer eller "
                "samordningsnummer. Ta bort numret, eller välj publicering Intern."
            ]
        },
    ),
    (
        "identity_numbers_in_public_text",
        {"publicity": INTERNAL, "title": PERSONNUMMER, "summary": "", "body": None},
        {},
    ),
    (
        "identity_numbers_in_public_text",
        {
            "publicity": PUBLIC,
            "title": "Rutin 2026-03-10",
            "summary": "Dnr KS 2025/542",
            "body": None,
        },
        {},
    ),
    # At the decision the approver cannot edit: one message, the first number.
    (
        "identity_numbers_in_public_text",
        {
            "publicity": PUBLIC,
            "title": f"Rutin {SAMORDNINGSNUMMER}",
            "summary": PERSONNUMMER,
            "body": None,
            "stage": rules.DECISION_STAGE,
        },
        {
            "publicity": [
                "Dokumentet är markerat som offentligt men innehåller ett samordningsnummer "
                "(701063-****) i fältet ”Titel”. Det kan inte fastställas och publiceras på den "
                "externa webbplatsen förrän numret är borttaget eller dokumentet är internt."
            ]
        },
    ),
    # Restricted to groups means internal.
    (
        "restricted_is_not_public",
        {"publicity": PUBLIC, "restricted_to": [7]},
        {
            "publicity": [
                "Ett dokument som är begränsat till vissa grupper kan inte vara offentligt."
            ]
        },
    ),
    ("restricted_is_not_public", {"publicity": INTERNAL, "restricted_to": [7]}, {}),
    ("restricted_is_not_public", {"publicity": PUBLIC, "restricted_to": []}, {}),
    ("restricted_is_not_public", {"publicity": PUBLIC, "restricted_to": None}, {}),
    # Submitting needs a body whose workflow is active.
    (
        "submitted_with_workflow",
        {"submitting": True, "decision_body": None},
        {"decision_body": [NO_WORKFLOW]},
    ),
    (
        "submitted_with_workflow",
        {"submitting": True, "decision_body": SimpleNamespace(workflow=None)},
        {"decision_body": [NO_WORKFLOW]},
    ),
    (
        "submitted_with_workflow",
        {"submitting": True, "decision_body": workflow(active=False)},
        {"decision_body": [NO_WORKFLOW]},
    ),
    ("submitted_with_workflow", {"submitting": True, "decision_body": workflow()}, {}),
    ("submitted_with_workflow", {"submitting": False, "decision_body": None}, {}),
    # Dates of the record.
    (
        "decision_date_not_in_future",
        {"decision_date": D(2026, 3, 11), "today": TODAY},
        {"decision_date": ["Beslutsdatum kan inte ligga i framtiden."]},
    ),
    ("decision_date_not_in_future", {"decision_date": TODAY, "today": TODAY}, {}),
    ("decision_date_not_in_future", {"decision_date": None, "today": TODAY}, {}),
    (
        "valid_from_not_before_decision",
        {"decision_date": D(2026, 3, 10), "valid_from": D(2026, 3, 9)},
        {"valid_from": ["Giltig från (2026-03-09) kan inte vara före beslutsdatum (2026-03-10)."]},
    ),
    (
        "valid_from_not_before_decision",
        {"decision_date": D(2026, 3, 10), "valid_from": D(2026, 3, 10)},
        {},
    ),
    ("valid_from_not_before_decision", {"decision_date": None, "valid_from": D(2020, 1, 1)}, {}),
    (
        "valid_until_after_valid_from",
        {"valid_from": D(2026, 1, 1), "valid_until": D(2026, 1, 1)},
        {"valid_until": ["Gäller till måste vara ett datum efter giltig från."]},
    ),
    (
        "valid_until_after_valid_from",
        {"valid_from": D(2026, 1, 1), "valid_until": D(2026, 1, 2)},
        {},
    ),
    ("valid_until_after_valid_from", {"valid_from": None, "valid_until": D(2020, 1, 1)}, {}),
    (
        "next_review_after_decision",
        {"decision_date": D(2026, 3, 10), "next_review": D(2026, 3, 10)},
        {"next_review": ["Nästa revision måste ligga efter beslutsdatum (2026-03-10)."]},
    ),
    (
        "next_review_after_decision",
        {"decision_date": D(2026, 3, 10), "next_review": D(2026, 3, 11)},
        {},
    ),
    # Later than decision + interval needs a reason; earlier is always fine.
    (
        "later_review_has_reason",
        {
            "decision_date": D(2026, 1, 31),
            "review_interval_months": 1,
            "next_review": D(2026, 3, 1),
            "next_review_reason": "  ",
        },
        {
            "next_review_reason": [
                "Nästa revision (2026-03-01) är senare än beslutsdatum plus "
                "granskningsintervallet (2026-02-28). Ange skälet till den senare revisionen, "
                "eller välj ett tidigare datum."
            ]
        },
    ),
    (
        "later_review_has_reason",
        {
            "decision_date": D(2026, 1, 31),
            "review_interval_months": 1,
            "next_review": D(2026, 3, 1),
            "next_review_reason": "Inväntar ny lag.",
        },
        {},
    ),
    (
        "later_review_has_reason",
        {
            "decision_date": D(2026, 1, 31),
            "review_interval_months": 12,
            "next_review": D(2026, 6, 1),
            "next_review_reason": "",
        },
        {},
    ),
    # An aktualitetsprövning restarts the cycle from its date: no reason is owed for that.
    (
        "later_review_has_reason",
        {
            "decision_date": D(2025, 1, 31),
            "review_interval_months": 12,
            "next_review": D(2027, 3, 1),
            "next_review_reason": "",
            "last_reviewed": D(2026, 3, 1),
        },
        {},
    ),
    (
        "later_review_has_reason",
        {
            "decision_date": D(2025, 1, 31),
            "review_interval_months": 12,
            "next_review": D(2027, 6, 1),
            "next_review_reason": "",
            "last_reviewed": D(2026, 3, 1),
        },
        {
            "next_review_reason": [
                "Nästa revision (2027-06-01) är senare än den senaste aktualitetsprövningen "
                "plus granskningsintervallet (2027-03-01). Ange skälet till den senare "
                "revisionen, eller välj ett tidigare datum."
            ]
        },
    ),
    # Not before the decision: that is next_review_after_decision's message, not a second one.
    (
        "later_review_has_reason",
        {
            "decision_date": D(2026, 1, 31),
            "review_interval_months": 12,
            "next_review": D(2026, 1, 1),
            "next_review_reason": "",
        },
        {},
    ),
    (
        "does_not_supersede_itself",
        {"pk": 5, "supersedes_id": 5},
        {"supersedes": ["Ett dokument kan inte ersätta sig självt."]},
    ),
    ("does_not_supersede_itself", {"pk": 5, "supersedes_id": 6}, {}),
    ("does_not_supersede_itself", {"pk": None, "supersedes_id": 6}, {}),
]


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    CASES,
    ids=[f"{name}-{index}" for index, (name, _values, _expected) in enumerate(CASES)],
)
def test_rule(name, values, expected):
    assert run(name, **values) == expected


def test_every_rule_is_in_a_set_and_every_set_names_existing_rules():
    in_sets = set(rules.EDITOR) | set(rules.RECORD) | set(rules.DECISION)
    assert in_sets == set(rules.RULES)


def test_check_merges_messages_per_field_in_the_order_of_the_set():
    values = {
        "publicity": PUBLIC,
        "parent": internal_parent(),
        "restricted_to": [1],
        "title": PERSONNUMMER,
        "summary": "",
        "body": None,
    }

    errors = rules.check(
        [
            "public_under_internal_parent",
            "restricted_is_not_public",
            "identity_numbers_in_public_text",
        ],
        values,
    )

    assert list(errors) == ["publicity"]
    assert [message.split(" ")[0:3] for message in errors["publicity"]] == [
        ["Dokumentet", "kan", "inte"],
        ["Ett", "dokument", "som"],
        ["Texten", "i", "fältet"],
    ]


def test_a_rule_gets_only_what_it_declares_and_none_for_what_is_missing():
    # Only valid_until is given: the rule sees valid_from=None and holds.
    assert rules.check(["valid_until_after_valid_from"], {"valid_until": D(2020, 1, 1)}) == {}


def test_lazy_values_are_computed_only_when_a_rule_asks():
    asked = []

    def parent():
        asked.append("parent")
        return internal_parent()

    values = {"publicity": PUBLIC, "parent": rules.Lazy(parent), "restricted_to": []}

    assert rules.check(["restricted_is_not_public"], values) == {}
    assert asked == []
    assert "publicity" in rules.check(["public_under_internal_parent"], values)
    assert asked == ["parent"]


# -- rules that read the database --------------------------------------------------------------


@pytest.mark.django_db
class TestRulesOnStoredDocuments:
    def test_body_may_adopt_type_names_the_bodies_that_may(self):
        assert (
            run("body_may_adopt_type", decision_body=get_body("ks"), document_type="riktlinje")
            == {}
        )
        assert run("body_may_adopt_type", decision_body=None, document_type="policy") == {}
        assert run("body_may_adopt_type", decision_body=get_body("ks"), document_type="policy") == {
            "decision_body": [
                "Kommunstyrelsen får inte fastställa en policy. Tillåtna beslutande organ för "
                "dokumenttypen: Kommunfullmäktige."
            ]
        }

    def test_links_to_hidden_documents(self):
        hidden = make_live_document(RutinPage, title="Intern rutin", publicity=INTERNAL)
        shown = make_live_document(RutinPage, title="Öppen rutin")
        link = f'<p><a id="{hidden.pk}" linktype="page">rutinen</a></p>'
        body = RiktlinjePage(body=[paragraph(link)]).body
        open_body = RiktlinjePage(
            body=[paragraph(f'<p><a id="{shown.pk}" linktype="page">x</a></p>')]
        ).body

        assert run("links_to_hidden_documents", publicity=INTERNAL, body=body) == {}
        assert run("links_to_hidden_documents", publicity=PUBLIC, body=open_body) == {}
        assert run("links_to_hidden_documents", publicity=PUBLIC, body=body) == {
            "body": [
                "Texten länkar till dokument som inte är offentliga (Intern rutin). En länk i ett "
                "offentligt dokument skulle avslöja dem på den externa webbplatsen. Ta bort "
                "länkarna, använd en hänvisning till styrdokument (den visas bara för den som får "
                "läsa dokumentet) eller välj publicering Intern."
            ]
        }
        assert run(
            "links_to_hidden_documents", publicity=PUBLIC, body=body, stage=rules.DECISION_STAGE
        ) == {
            "body": [
                "Dokumentet är markerat som offentligt men länkar till dokument som inte är "
                "offentliga (Intern rutin). Det kan inte fastställas och publiceras på den "
                "externa webbplatsen förrän länkarna är borttagna eller dokumentet är internt."
            ]
        }

    def test_restricted_like_parent(self):
        hr, it = Group.objects.create(name="HR"), Group.objects.create(name="IT")
        parent = make_live_document(
            RiktlinjePage, title="Begränsad riktlinje", publicity=INTERNAL, restricted_to=[hr]
        )
        open_parent = make_live_document(RiktlinjePage, publicity=INTERNAL)
        message = {
            "restricted_to": [
                "Dokumentet ligger under ”Begränsad riktlinje”, som bara vissa grupper får läsa. "
                "Begränsa dokumentet till samma grupper (eller färre)."
            ]
        }

        assert run("restricted_like_parent", restricted_to=[hr], parent=parent) == {}
        assert run("restricted_like_parent", restricted_to=[], parent=parent) == message
        assert run("restricted_like_parent", restricted_to=[hr, it], parent=parent) == message
        assert run("restricted_like_parent", restricted_to=[], parent=open_parent) == {}
        assert run("restricted_like_parent", restricted_to=[], parent=get_register()) == {}

    def test_internal_without_public_children(self):
        parent = make_live_document(RiktlinjePage, title="Riktlinje med barn", publicity=PUBLIC)
        make_live_document(RutinPage, parent=parent, title="Offentlig rutin", publicity=PUBLIC)
        lonely = make_live_document(RiktlinjePage, publicity=PUBLIC)

        assert run("internal_without_public_children", publicity=INTERNAL, page=parent) == {
            "publicity": [
                "Dokumentet har offentliga underliggande dokument (Offentlig rutin). Gör dem "
                "interna först."
            ]
        }
        assert run("internal_without_public_children", publicity=PUBLIC, page=parent) == {}
        assert run("internal_without_public_children", publicity=INTERNAL, page=lonely) == {}
        assert run("internal_without_public_children", publicity=INTERNAL, page=None) == {}

    def test_values_of_a_page_feed_the_record_rules(self):
        page = make_live_document(RiktlinjePage, title="Riktlinje", publicity=PUBLIC)
        page.valid_until = page.valid_from = timezone.localdate()

        values = rules.values_of(page)

        assert values["pk"] == page.pk
        assert values["decision_body"] == get_body("ks")
        assert rules.check(rules.RECORD, values) == {
            "valid_until": ["Gäller till måste vara ett datum efter giltig från."]
        }


# -- the decision step runs the decision rules -------------------------------------------------


@pytest.fixture
def submitted_draft(db):
    """A public rutin for the kommundirektör, submitted, at the decision step."""

    def build(text, body_code="kommundirektor", document_type="rutin"):
        redaktor = make_user("redaktor_r", groups=["Redaktörer"])
        make_user("granskare_r", groups=["Informationssäkerhetssamordnare"])
        official = make_user("direktor_r", groups=["Beslutsfattare"])
        body = get_body(body_code)
        body.official = official
        body.save(update_fields=["official"])
        page = make_document(
            RutinPage,
            title="Rutin för loggning",
            publish=False,
            publicity=PUBLIC,
            document_type=document_type,
            decision_body=get_body(body_code),
            body=[paragraph(f"<p>{text}</p>")],
            user=redaktor,
        )
        page.get_workflow().start(page, redaktor)
        return page

    return build


def current_step(page):
    return TaskState.objects.get(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )


def test_the_decision_refuses_a_body_not_entitled_to_the_type(submitted_draft):
    page = submitted_draft("Loggar sparas i ett år.")
    revisions = page.revisions.count()

    with pytest.raises(ValidationError) as refused:
        apply_decision(
            current_step(page),
            make_user("ks_sekreterare"),
            body=get_body("kf"),
            decision_date=timezone.localdate(),
            diarienummer="KS-2026-1",
        )

    assert refused.value.messages == [
        "Kommunfullmäktige får inte fastställa en rutin. Tillåtna beslutande organ för "
        "dokumenttypen: Kommundirektör, Stabschef, Förvaltningschef, Verksamhetschef."
    ]
    assert page.revisions.count() == revisions


def test_the_decision_refuses_a_public_draft_linking_to_hidden_documents(submitted_draft):
    hidden = make_live_document(RutinPage, title="Intern incidentrutin", publicity=INTERNAL)
    page = submitted_draft(f'Se <a id="{hidden.pk}" linktype="page">incidentrutinen</a>.')
    revisions = page.revisions.count()

    with pytest.raises(ValidationError) as refused:
        apply_decision(
            current_step(page),
            get_body("kommundirektor").official,
            body=get_body("kommundirektor"),
            decision_date=timezone.localdate(),
            diarienummer="KS-2026-2",
        )

    assert refused.value.messages == [
        "Dokumentet är markerat som offentligt men länkar till dokument som inte är offentliga "
        "(Intern incidentrutin). Det kan inte fastställas och publiceras på den externa "
        "webbplatsen förrän länkarna är borttagna eller dokumentet är internt."
    ]
    assert page.revisions.count() == revisions
