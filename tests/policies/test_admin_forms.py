"""The page editor as a redaktör sees it: Swedish labels, drafts, edits and validation errors."""

import datetime
import html

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from governance.models import TargetGroup
from policies.models import AdoptedVersion, RiktlinjePage
from tests.factories import get_body, get_lis_area, make_document

pytestmark = pytest.mark.django_db

RICH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


def add_url(parent, model="riktlinjepage"):
    return f"/admin/pages/add/policies/{model}/{parent.pk}/"


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def messages_of(response):
    """The admin's flash messages as plain text (Wagtail stores them HTML-escaped)."""
    return [html.unescape(str(m)).strip() for m in get_messages(response.wsgi_request)]


def error_texts(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(e.get_text(" ").split()) for e in soup.select(".error-message")]


@pytest.fixture
def target_groups():
    return [
        TargetGroup.objects.create(name="Alla medarbetare"),
        TargetGroup.objects.create(name="Chefer"),
    ]


def riktlinje_post_data(target_groups, **overrides):
    """What the add/edit form posts for a riktlinje with a heading, a paragraph and a krav."""
    data = nested_form_data(
        {
            "title": "Riktlinje för mobila enheter",
            "slug": "riktlinje-for-mobila-enheter",
            "summary": "Hur kommunens mobiltelefoner och surfplattor ska skyddas.",
            "body": streamfield(
                [
                    ("heading", {"text": "Skydd av enheten", "level": "h2"}),
                    (
                        "paragraph",
                        rich_text(
                            "<p>Riktlinjen gäller alla mobila enheter.</p>",
                            features=RICH_FEATURES,
                        ),
                    ),
                    (
                        "requirement",
                        {
                            "reference": "",
                            "text": rich_text(
                                "<p>Varje enhet ska vara låst med en kod.</p>",
                                features=RICH_FEATURES,
                            ),
                        },
                    ),
                ]
            ),
            "decision_body": str(get_body("ks").pk),
            "diarienummer": "ks 2025/612",
            "version": "1.0",
            "supersedes": "",
            "supersedes_note": "",
            "responsible": "",
            "responsible_role": "",
            "contact_name": "Informationssäkerhetsfunktionen",
            "contact_email": "informationssakerhet@exempelkommun.se",
            "organisation": "",
            "valid_from": "",
            "valid_until": "",
            "review_interval_months": "12",
            "next_review": "",
            "next_review_reason": "",
            "publicity": "public",
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
        }
    )
    # ParentalManyToMany checkboxes post one value per ticked box.
    data["target_groups"] = [str(group.pk) for group in target_groups]
    data["lis_areas"] = [str(get_lis_area(4).pk), str(get_lis_area(8).pk)]
    data.update(overrides)
    return data


def test_add_form_shows_swedish_labels(redaktor_client, register):
    response = redaktor_client.get(add_url(register))

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    labels = {" ".join(label.get_text(" ").split()).rstrip("*").strip() for label in soup("label")}
    for expected in [
        "Beslutande organ",
        "Diarienummer",
        "Nästa revision",
        "Granskningsintervall (månader)",
        "Skäl till senare revision",
        "Giltig från",
        "Gäller till",
        "Version",
        "Publicering",
        "Beslutsdatum",
        "Protokollsparagraf (§)",
        "6. Incidenthantering",  # one of the LIS-område checkboxes
    ]:
        assert expected in labels, expected
    assert (
        "Fylls i av beslutssteget i arbetsflödet när beslutet fattas." in response.content.decode()
    )


def test_redaktor_creates_a_riktlinje_as_a_draft(redaktor_client, register, target_groups):
    response = redaktor_client.post(add_url(register), riktlinje_post_data(target_groups))

    page = RiktlinjePage.objects.get(slug="riktlinje-for-mobila-enheter")
    assert response.status_code == 302
    assert response["Location"] == edit_url(page)
    assert messages_of(response) == ["Sida 'Riktlinje för mobila enheter' skapad."]
    assert not page.live
    assert page.get_parent().pk == register.pk
    assert page.document_type == "riktlinje"
    assert page.decision_body.code == "ks"
    assert page.diarienummer == "KS-2025-612"  # one canonical spelling
    assert page.decision_date is None
    assert page.publicity == "public"
    assert set(page.target_groups.values_list("name", flat=True)) == {"Alla medarbetare", "Chefer"}
    assert sorted(page.lis_areas.values_list("number", flat=True)) == [4, 8]
    assert [block.block_type for block in page.body] == ["heading", "paragraph", "requirement"]
    assert "Varje enhet ska vara låst med en kod." in page.body[2].value["text"].source
    assert page.get_latest_revision().user.username == "redaktor"

    editor = redaktor_client.get(edit_url(page))
    assert editor.status_code == 200
    assert "KS-2025-612" in editor.content.decode()


def test_redaktor_edits_the_draft(redaktor_client, register, target_groups):
    redaktor_client.post(add_url(register), riktlinje_post_data(target_groups))
    page = RiktlinjePage.objects.get(slug="riktlinje-for-mobila-enheter")

    response = redaktor_client.post(
        edit_url(page),
        riktlinje_post_data(
            target_groups[:1],
            title="Riktlinje för mobila enheter och surfplattor",
            version="1.1",
            lis_areas=[str(get_lis_area(5).pk)],
            next_review_reason="",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == edit_url(page)
    assert messages_of(response)[-1] == (
        "Sida 'Riktlinje för mobila enheter och surfplattor' har blivit uppdaterad."
    )
    latest = RiktlinjePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert latest.title == "Riktlinje för mobila enheter och surfplattor"
    assert latest.version == "1.1"
    assert [area.number for area in latest.lis_areas.all()] == [5]
    assert [group.name for group in latest.target_groups.all()] == ["Alla medarbetare"]
    assert not RiktlinjePage.objects.get(pk=page.pk).live


def test_invalid_diarienummer_and_body_show_swedish_errors(
    redaktor_client, register, target_groups
):
    response = redaktor_client.post(
        add_url(register),
        riktlinje_post_data(
            target_groups, diarienummer="2025-542", decision_body=str(get_body("kf").pk)
        ),
    )

    assert response.status_code == 200
    assert messages_of(response) == ["Sidan kunde inte skapas på grund av valideringsfel."]
    assert error_texts(response) == [
        "Kommunfullmäktige får inte fastställa en riktlinje. Tillåtna beslutande organ för "
        "dokumenttypen: Kommunstyrelsen, Kommundirektör.",
        "Diarienumret ”2025-542” har inte kommunens format. Skriv det till exempel som "
        "KS-2025-542.",
    ]
    assert not RiktlinjePage.objects.exists()


def test_invalid_edit_saves_nothing(redaktor_client, register, target_groups):
    redaktor_client.post(add_url(register), riktlinje_post_data(target_groups))
    page = RiktlinjePage.objects.get(slug="riktlinje-for-mobila-enheter")
    revisions = page.revisions.count()

    response = redaktor_client.post(
        edit_url(page), riktlinje_post_data(target_groups, version="version två")
    )

    assert response.status_code == 200
    assert "Ange versionen som siffror, t.ex. 1, 2.0 eller 2.1." in response.content.decode()
    assert page.revisions.count() == revisions
    assert RiktlinjePage.objects.get(pk=page.pk).get_latest_revision_as_object().version == "1.0"


def test_a_draft_without_a_decision_can_be_saved(redaktor_client, register, target_groups):
    data = riktlinje_post_data(target_groups, decision_body="", diarienummer="")

    response = redaktor_client.post(add_url(register), data)

    assert response.status_code == 302
    page = RiktlinjePage.objects.get(slug="riktlinje-for-mobila-enheter")
    assert page.decision_body is None
    assert page.diarienummer == ""
    assert not page.live


@pytest.mark.parametrize("user_fixture", ["redaktor_client", "admin_client_intranet"])
def test_nobody_publishes_a_new_document_directly(request, register, target_groups, user_fixture):
    """Only the workflow's decision step publishes; "publish" in the editor only saves a draft."""
    client = request.getfixturevalue(user_fixture)
    data = riktlinje_post_data(target_groups, decision_body="", diarienummer="")
    data["action-publish"] = "action-publish"

    response = client.post(add_url(register), data)

    assert response.status_code == 302
    page = RiktlinjePage.objects.get(slug="riktlinje-for-mobila-enheter")
    assert not page.live
    assert not AdoptedVersion.objects.filter(document=page).exists()
    assert client.get("/styrdokument/riktlinje-for-mobila-enheter/").status_code == 404


@pytest.mark.parametrize("user_fixture", ["redaktor_client", "admin_client_intranet"])
def test_nobody_publishes_an_edit_directly(request, target_groups, user_fixture):
    client = request.getfixturevalue(user_fixture)
    page = make_document(RiktlinjePage, title="Riktlinje för mobila enheter", version="1.0")
    data = riktlinje_post_data(
        target_groups, slug=page.slug, version="9.0", diarienummer=page.diarienummer
    )
    data["action-publish"] = "action-publish"

    response = client.post(edit_url(page), data)

    assert response.status_code == 302
    live = RiktlinjePage.objects.get(pk=page.pk)
    assert live.version == "1.0"
    assert live.has_unpublished_changes
    assert live.get_latest_revision_as_object().version == "9.0"


@pytest.mark.parametrize("user_fixture", ["redaktor_client", "admin_client_intranet"])
def test_the_editor_offers_no_publish_button(request, register, user_fixture):
    client = request.getfixturevalue(user_fixture)
    page = make_document(RiktlinjePage)

    for url in (add_url(register), add_url(page, "rutinpage"), edit_url(page)):
        response = client.get(url)
        assert response.status_code == 200
        assert 'name="action-publish"' not in response.content.decode(), url


def test_date_fields_show_iso_dates_in_the_editor(redaktor_client, register):
    """The admin's date pickers show the stored dates as 2025-03-14, never a format pattern."""
    # Adopted with its dates in one recorded decision: nothing is published without one.
    page = make_document(
        RiktlinjePage,
        decision_date=datetime.date(2026, 3, 14),
        valid_from=datetime.date(2026, 4, 1),
    )

    response = redaktor_client.get(edit_url(page))

    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("input", {"name": "valid_from"})["value"] == "2026-04-01"
    assert soup.find("input", {"name": "next_review"})["value"] == "2027-03-14"
