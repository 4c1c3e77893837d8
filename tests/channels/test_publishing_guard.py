"""The publishing guard: what the page editor and the decision step refuse to make public.

A public document may not contain a personnummer or samordningsnummer (the editor says which and
where, and saves nothing); a document restricted to groups is never public; a public document
never sits under an internal one; a child document is restricted at least as much as its parent.
The same text in an internal document is fine. The decision step of the approval workflow
refuses to adopt a public document that still contains a number.
"""

import html

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from wagtail.models import TaskState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from governance.workflows import apply_decision
from policies.models import AdoptedVersion, RiktlinjePage, RutinPage, Styrdokument
from tests.channels.conftest import body_of, client_for, soup, text_of
from tests.factories import (
    days_ago,
    get_body,
    get_register,
    make_document,
    make_user,
    paragraph,
    path_of,
)

pytestmark = pytest.mark.django_db

FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]
RULE = (
    "Ett offentligt dokument publiceras på den externa webbplatsen och får inte innehålla "
    "personnummer eller samordningsnummer. Ta bort numret, eller välj publicering Intern."
)


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def add_url(parent, model="riktlinjepage"):
    return f"/admin/pages/add/policies/{model}/{parent.pk}/"


def form_data(page_title, slug, text, publicity="public", summary="Om handläggningen.", **extra):
    """What the page editor posts for a riktlinje with one paragraph."""
    data = nested_form_data(
        {
            "title": page_title,
            "slug": slug,
            "summary": summary,
            "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>", features=FEATURES))]),
            "decision_body": str(get_body("ks").pk),
            "diarienummer": "",
            "version": "1.0",
            "supersedes": "",
            "supersedes_note": "",
            "responsible": "",
            "responsible_role": "",
            "contact_name": "",
            "contact_email": "",
            "organisation": "",
            "valid_from": "",
            "valid_until": "",
            "review_interval_months": "12",
            "next_review": "",
            "next_review_reason": "",
            "publicity": publicity,
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
        }
    )
    data.update(extra)
    return data


def error_texts(response):
    return [text_of(node) for node in soup(response).select(".error-message")]


@pytest.fixture
def draft(redaktor):
    return make_document(
        RiktlinjePage,
        title="Riktlinje för ärendehantering",
        slug="arendehantering",
        publish=False,
        body=[paragraph("<p>Ärenden registreras samma dag.</p>")],
        user=redaktor,
    )


def latest(page):
    return Styrdokument.objects.get(pk=page.pk).specific.get_latest_revision_as_object()


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("811218-9876", "personnummer"),
        ("19811218-9876", "personnummer"),
        ("198112189876", "personnummer"),
        ("701063-2391", "samordningsnummer"),
    ],
)
def test_a_public_document_with_an_identity_number_is_refused(
    redaktor_client, draft, written, kind
):
    revisions = draft.revisions.count()
    text = f"Handläggare: Anna Andersson, {kind} {written}, nås via växeln."

    response = redaktor_client.post(
        edit_url(draft), form_data(draft.title, draft.slug, text, publicity="public")
    )

    assert response.status_code == 200
    (error,) = error_texts(response)
    masked = written[:-4] + "****"
    assert error.startswith(
        f"Texten i fältet ”Innehåll” innehåller ett {kind} ({masked}) i avsnittet ”…"
    )
    assert f"Anna Andersson, {kind} {masked}, nås via växeln.…”. {RULE}" in error
    assert written not in error
    assert error.endswith(RULE)
    assert draft.revisions.count() == revisions
    assert written not in str(latest(draft).body.raw_data)
    assert latest(draft).publicity == "public"


def test_the_same_text_in_an_internal_document_is_saved(redaktor_client, draft):
    text = "Handläggare: Anna Andersson, personnummer 811218-9876, nås via växeln."

    response = redaktor_client.post(
        edit_url(draft), form_data(draft.title, draft.slug, text, publicity="internal")
    )

    assert response.status_code == 302
    assert response["Location"] == edit_url(draft)
    saved = latest(draft)
    assert saved.publicity == "internal"
    assert "811218-9876" in saved.body[0].value.source


def test_a_number_in_the_title_or_summary_is_refused_too(redaktor_client, register):
    response = redaktor_client.post(
        add_url(register),
        form_data(
            "Rutin för 19811218-9876",
            "ny-riktlinje",
            "Inget nummer här.",
            summary="Gäller samordningsnummer 701063-2391.",
        ),
    )

    assert response.status_code == 200
    # Both numbers, each with its passage, under the publicity field.
    (errors,) = error_texts(response)
    messages = [message.strip() for message in errors.split(RULE) if message.strip()]
    assert [message.split(" i avsnittet")[0] for message in messages] == [
        "Texten i fältet ”Titel” innehåller ett personnummer (19811218-****)",
        "Texten i fältet ”Sammanfattning” innehåller ett samordningsnummer (701063-****)",
    ]
    assert "”…Rutin för 19811218-****…”" in messages[0]
    assert not RiktlinjePage.objects.filter(slug="ny-riktlinje").exists()


@pytest.mark.parametrize(
    "text",
    [
        "Fel kontrollsiffra: 811218-9875.",
        "Omöjligt datum: 991301-1234.",
        "Tio siffror i följd med fel kontrollsiffra: 8112189875.",
        "Diarienummer KS-2025-1234.",
        "Ring 070-123 45 67 eller 08-123 456 78.",
    ],
)
def test_numbers_that_are_not_identity_numbers_are_saved_as_public(redaktor_client, draft, text):
    response = redaktor_client.post(edit_url(draft), form_data(draft.title, draft.slug, text))

    assert response.status_code == 302, error_texts(response)
    assert latest(draft).publicity == "public"


def test_an_adopted_public_document_keeps_its_public_text(redaktor_client):
    """Editing a live public document: nothing is saved, and the public page stays as it was."""
    page = make_document(
        RiktlinjePage,
        title="Riktlinje för arkivering",
        slug="arkivering",
        body=[paragraph("<p>Handlingar arkiveras efter två år.</p>")],
    )
    revisions = page.revisions.count()
    data = form_data(
        page.title,
        page.slug,
        "Fråga 811218-9876 om arkivet.",
        diarienummer=page.diarienummer,
    )

    response = redaktor_client.post(edit_url(page), data)

    assert response.status_code == 200
    assert (
        "Texten i fältet ”Innehåll” innehåller ett personnummer (811218-****)"
        in error_texts(response)[0]
    )
    assert page.revisions.count() == revisions
    public = client_for(None, host="localhost").get(path_of(page))
    assert "811218-9876" not in body_of(public)
    assert "Handlingar arkiveras efter två år." in body_of(public)


# -- restrictions in the editor ------------------------------------------------------------


def test_a_restricted_document_cannot_be_public(redaktor_client, register):
    group = Group.objects.get(name="Beslutsfattare")
    data = form_data("Riktlinje för säkerhetsskydd", "sakerhetsskydd", "Text.")
    data["restricted_to"] = [str(group.pk)]

    response = redaktor_client.post(add_url(register), data)

    assert response.status_code == 200
    assert error_texts(response) == [
        "Ett dokument som är begränsat till vissa grupper kan inte vara offentligt."
    ]
    data["publicity"] = "internal"
    assert redaktor_client.post(add_url(register), data).status_code == 302
    page = RiktlinjePage.objects.get(slug="sakerhetsskydd")
    assert list(page.restricted_to.all()) == [group]


def test_a_public_document_cannot_sit_under_an_internal_one(redaktor_client):
    parent = make_document(RiktlinjePage, title="Intern riktlinje", publicity="internal")
    data = form_data("Rutin för larm", "larm", "Text.")
    data["decision_body"] = str(get_body("kommundirektor").pk)

    response = redaktor_client.post(add_url(parent, "rutinpage"), data)

    assert response.status_code == 200
    assert error_texts(response) == [
        "Dokumentet kan inte vara offentligt när det ligger under det interna dokumentet "
        "”Intern riktlinje”: adressen och sökvägen skulle avslöja det. Gör dokumentet internt "
        "eller flytta det."
    ]
    assert not RutinPage.objects.filter(slug="larm").exists()


@pytest.mark.parametrize(
    "groups", [[], ["Redaktörer"], ["Beslutsfattare", "Redaktörer"]], ids=["none", "other", "more"]
)
def test_a_child_is_restricted_at_least_as_much_as_its_parent(redaktor, redaktor_client, groups):
    # Only a member of the parent's group knows the parent exists (for anyone else its add
    # view is a 404), so the redaktör writing the rutin is one.
    redaktor.groups.add(Group.objects.get(name="Beslutsfattare"))
    parent = make_document(
        RiktlinjePage,
        title="Riktlinje för säkerhetsskydd",
        publicity="internal",
        restricted_to=[Group.objects.get(name="Beslutsfattare")],
    )
    data = form_data("Rutin för besök", "besok", "Text.", publicity="internal")
    data["decision_body"] = str(get_body("kommundirektor").pk)
    data["restricted_to"] = [str(Group.objects.get(name=name).pk) for name in groups]

    response = redaktor_client.post(add_url(parent, "rutinpage"), data)

    assert response.status_code == 200
    assert error_texts(response) == [
        "Dokumentet ligger under ”Riktlinje för säkerhetsskydd”, som bara vissa grupper får "
        "läsa. Begränsa dokumentet till samma grupper (eller färre)."
    ]


def test_a_child_restricted_to_the_same_group_is_saved(redaktor, redaktor_client):
    group = Group.objects.get(name="Beslutsfattare")
    redaktor.groups.add(group)
    parent = make_document(
        RiktlinjePage, title="Riktlinje", publicity="internal", restricted_to=[group]
    )
    data = form_data("Rutin för besök", "besok", "Text.", publicity="internal")
    data["decision_body"] = str(get_body("kommundirektor").pk)
    data["restricted_to"] = [str(group.pk)]

    response = redaktor_client.post(add_url(parent, "rutinpage"), data)

    assert response.status_code == 302, error_texts(response)
    assert list(RutinPage.objects.get(slug="besok").restricted_to.all()) == [group]


# -- the decision step ---------------------------------------------------------------------


@pytest.fixture
def samordnare(db):
    return make_user("samordnare", groups=["Informationssäkerhetssamordnare"])


@pytest.fixture
def kommundirektor(db):
    user = make_user("kommundirektor", groups=["Beslutsfattare"], first_name="Karin")
    body = get_body("kommundirektor")
    body.official = user
    body.save(update_fields=["official"])
    return user


def submitted(redaktor, publicity, text):
    """A riktlinje for the kommundirektör to decide, submitted by the redaktör.

    The editor would not have saved this text as public; the scene is set through the models
    (as an import or an older draft would), to show the decision step's own guard.
    """
    page = make_document(
        RiktlinjePage,
        title="Riktlinje för handläggning",
        slug="handlaggning",
        publish=False,
        publicity=publicity,
        decision_body=get_body("kommundirektor"),
        body=[paragraph(f"<p>{text}</p>")],
        user=redaktor,
    )
    page.get_workflow().start(page, redaktor)
    return page


def current_step(page):
    return TaskState.objects.filter(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    ).get()


def case_url(task_state):
    return f"/admin/arenden/{task_state.pk}/"


def review_and_decide(page, samordnare, kommundirektor):
    """The samordnare approves the review; the kommundirektör posts the decision."""
    review = current_step(page)
    response = client_for(samordnare).post(
        case_url(review), {"action": "approve", "approve-comment": ""}
    )
    assert response.status_code == 302
    decision = current_step(page)
    assert decision.task.name == "Kommundirektörens beslut"
    client = client_for(kommundirektor)
    response = client.post(
        case_url(decision),
        {
            "action": "approve",
            "approve-decision_date": str(days_ago(1)),
            "approve-diarienummer": "KS-2025-77",
        },
    )
    return client, decision, response


def test_the_decision_step_refuses_to_adopt_a_public_document_with_a_personnummer(
    redaktor, samordnare, kommundirektor
):
    page = submitted(redaktor, "public", "Kontakt: 811218-9876.")

    client, decision, response = review_and_decide(page, samordnare, kommundirektor)

    assert response.status_code == 302
    assert response["Location"] == case_url(decision)
    case = client.get(case_url(decision))
    assert (
        "Dokumentet är markerat som offentligt men innehåller ett personnummer (811218-****) "
        "i fältet ”Innehåll”. Det kan inte fastställas och publiceras på den externa "
        "webbplatsen förrän numret är borttaget eller dokumentet är internt. Inget har ändrats."
    ) in html.unescape(body_of(case))
    # Nothing changed: the step still waits, nothing is adopted or published.
    decision.refresh_from_db()
    assert decision.status == TaskState.STATUS_IN_PROGRESS
    page = Styrdokument.objects.get(pk=page.pk)
    assert not page.live
    assert page.decision_date is None
    assert not AdoptedVersion.objects.filter(document_id=page.pk).exists()
    assert client_for(None, host="localhost").get(path_of(page)).status_code == 404


def test_the_same_document_as_internal_is_adopted(redaktor, samordnare, kommundirektor):
    page = submitted(redaktor, "internal", "Kontakt: 811218-9876.")

    _client, decision, response = review_and_decide(page, samordnare, kommundirektor)

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == TaskState.STATUS_APPROVED
    page = Styrdokument.objects.get(pk=page.pk)
    assert page.live
    assert page.decision_date == days_ago(1)
    assert client_for(None, host="localhost").get(path_of(page)).status_code == 404


def test_apply_decision_raises_a_swedish_validation_error(redaktor, samordnare, kommundirektor):
    page = submitted(redaktor, "public", "Samordningsnummer 701063-2391 i texten.")
    client_for(samordnare).post(
        case_url(current_step(page)), {"action": "approve", "approve-comment": ""}
    )
    decision = current_step(page)
    revisions = page.revisions.count()

    with pytest.raises(ValidationError) as refused:
        apply_decision(
            decision,
            kommundirektor,
            body=get_body("kommundirektor"),
            decision_date=days_ago(1),
            diarienummer="KS-2025-77",
        )

    assert refused.value.messages == [
        "Dokumentet är markerat som offentligt men innehåller ett samordningsnummer "
        "(701063-****) i fältet ”Innehåll”. Det kan inte fastställas och publiceras på den "
        "externa webbplatsen förrän numret är borttaget eller dokumentet är internt."
    ]
    assert page.revisions.count() == revisions
    assert get_register().get_children().live().filter(pk=page.pk).count() == 0
