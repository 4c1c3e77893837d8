"""Invisible control characters are refused where text comes in (governance.text_input):
the page editor, snippets, documents, plain forms, and saves outside a form (imports, shell)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from governance.models import DecisionBody, Organisation, TargetGroup
from governance.text_input import first_control_character, strip_control_characters
from policies.models import RiktlinjePage
from search.models import SynonymGroup
from tests.factories import INTRANET_HOST, make_document
from tests.policies.test_admin_forms import add_url, error_texts, riktlinje_post_data

pytestmark = pytest.mark.django_db

MESSAGE = (
    "Texten innehåller osynliga styrtecken (till exempel U+202E). Ta bort dem och försök igen."
)
RLO = "\u202e"


@pytest.mark.parametrize(
    "char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\u200b", "\u200d", "\u2060"]
)
def test_controls_and_invisible_characters_are_found(char):
    assert first_control_character(f"KS-2026{char}-700") == char


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", RLO, "\u2066", "\u2069"])
def test_every_bidi_embedding_override_and_isolate_is_found(char):
    assert first_control_character(f"rapport{char}fdp.exe", multiline=True) == char


def test_ordinary_swedish_text_and_word_copy_paste_pass():
    text = "Åtgärd – för ärenden\u00a0§ 12 «é» o\u00adpti\u00admal “citat” 😀 ½"
    assert first_control_character(text) is None
    assert first_control_character("Rad 1\r\nRad 2\tkolumn", multiline=True) is None
    # One line only: a line break or tab in a title or a name is refused.
    assert first_control_character("Rad 1\nRad 2") == "\n"
    assert first_control_character("Rad 1\u2028Rad 2", multiline=True) == "\u2028"


def test_strip_keeps_the_visible_text():
    assert strip_control_characters(f"rapport{RLO}fdp.exe") == "rapportfdp.exe"


def test_names_from_the_identity_provider_lose_invisible_characters():
    from styrdok.sso.backends import _truncate

    assert _truncate(f" Maja{RLO}\u200b ", "first_name") == "Maja"


def test_the_page_editor_refuses_a_title_with_an_override(redaktor_client, register):
    target_groups = [TargetGroup.objects.create(name="Alla medarbetare")]
    response = redaktor_client.post(
        add_url(register),
        riktlinje_post_data(
            target_groups, title=f"Riktlinje {RLO}rof", contact_name=f"Anna{RLO} Berg"
        ),
    )

    assert response.status_code == 200
    assert error_texts(response).count(MESSAGE) == 2
    assert not RiktlinjePage.objects.filter(slug="riktlinje-for-mobila-enheter").exists()


def test_a_page_saved_from_the_shell_is_refused(register):
    with pytest.raises(ValidationError) as raised:
        make_document(RiktlinjePage, publish=False, diarienummer=f"KS-2026-7{RLO}01")
    assert "diarienummer" in raised.value.message_dict


def test_a_snippet_saved_outside_a_form_is_refused():
    with pytest.raises(ValidationError) as raised:
        Organisation.objects.create(name=f"Socialförvaltningen{RLO}")
    assert raised.value.message_dict == {"name": [MESSAGE]}
    with pytest.raises(ValidationError):
        SynonymGroup.objects.create(terms=f"lösenord\nfras{RLO}ord")
    # A line break in a text of several lines is fine.
    SynonymGroup.objects.create(terms="lösenord, lösen\nincident, händelse")


def test_the_snippet_form_shows_the_message(admin_client_intranet):
    response = admin_client_intranet.post(
        "/admin/snippets/governance/targetgroup/add/",
        {"name": f"Chefer{RLO}", "description": ""},
    )

    assert response.status_code == 200
    assert MESSAGE in " ".join(response.content.decode().split())
    assert not TargetGroup.objects.filter(name__startswith="Chefer").exists()


def test_an_organ_renamed_with_a_control_character_is_refused():
    body = DecisionBody.objects.first()
    name = body.name
    body.name = f"{name}\x1b"
    with pytest.raises(ValidationError):
        body.save()
    body.name = name
    body.save(update_fields=["name"])


def test_the_user_form_refuses_a_spoofed_name(admin_client_intranet, staff_user):
    client: Client = admin_client_intranet
    response = client.post(
        f"/admin/users/edit/{staff_user.pk}/",
        {
            "username": staff_user.username,
            "email": staff_user.email,
            "first_name": f"Maja{RLO}",
            "last_name": "Medarbetare",
            "is_active": "on",
        },
        HTTP_HOST=INTRANET_HOST,
    )

    assert response.status_code == 200
    assert MESSAGE in " ".join(response.content.decode().split())
    staff_user.refresh_from_db()
    assert staff_user.first_name == "Maja"


def test_a_diarienummer_form_field_refuses_an_override_but_reads_a_tab_as_a_separator():
    from governance.fields import DiarienummerFormField

    assert DiarienummerFormField().clean("KS\t2026/700\n") == "KS-2026-700"
    with pytest.raises(ValidationError):
        DiarienummerFormField().clean(f"KS-2026-7{RLO}00")
