"""Invisible control characters typed into StreamField blocks are refused as in any other text
field (governance.text_blocks): by the block in the editor, by the page's model validation and
by a save outside a form. Text and rich text blocks keep tabs and line breaks."""

import html
import json

import pytest
from django.core.exceptions import ValidationError
from wagtail.rich_text import RichText

from governance.text_blocks import CharBlock, RichTextBlock, TextBlock
from policies.blocks import DocumentBodyBlock, HeadingBlock
from policies.models import RiktlinjePage
from tests.factories import heading, make_document, paragraph, requirement
from tests.policies.test_admin_forms import add_url, riktlinje_post_data

pytestmark = pytest.mark.django_db

RLO = "\u202e"
MESSAGE = (
    "Texten innehåller osynliga styrtecken (till exempel U+202E). Ta bort dem och försök igen."
)


def test_each_text_block_refuses_the_characters():
    with pytest.raises(ValidationError) as raised:
        CharBlock().clean(f"Rubrik{RLO}")
    assert raised.value.messages == [MESSAGE]
    with pytest.raises(ValidationError):
        CharBlock().clean("Rad 1\nRad 2")
    with pytest.raises(ValidationError):
        TextBlock().clean(f"Ansvar\x0b{RLO}")
    with pytest.raises(ValidationError):
        RichTextBlock().clean(RichText("<p>Krav\u200b</p>"))


def test_text_and_rich_text_blocks_keep_tabs_and_line_breaks():
    assert TextBlock().clean("Rad 1\r\n\tRad 2") == "Rad 1\r\n\tRad 2"
    assert RichTextBlock().clean(RichText("<p>Rad 1\n\tRad 2</p>")).source.startswith("<p>Rad")


def test_the_error_is_on_the_blocks_field():
    body = DocumentBodyBlock()
    value = body.to_python([heading(f"Skydd{RLO}"), paragraph("<p>Text</p>")])
    with pytest.raises(ValidationError) as raised:
        body.clean(value)
    error = raised.value.as_json_data()
    assert error["blockErrors"][0]["blockErrors"]["text"] == {"messages": [MESSAGE]}


def test_the_blocks_are_stored_as_wagtails_own():
    assert HeadingBlock().child_blocks["text"].deconstruct()[0] == "wagtail.blocks.CharBlock"
    assert RichTextBlock().deconstruct()[0] == "wagtail.blocks.RichTextBlock"


def test_full_clean_refuses_a_body_with_the_characters(register):
    page = make_document(RiktlinjePage, title="Riktlinje om lösenord")
    page.body = [requirement(f"<p>Varje konto ska ha{RLO} lösenord.</p>")]
    with pytest.raises(ValidationError) as raised:
        page.full_clean()
    assert raised.value.message_dict["body"] == [MESSAGE]

    page.body = [paragraph("<p>Rad 1\n\tRad 2</p>")]
    page.full_clean()


def test_a_body_saved_from_the_shell_is_refused(register):
    with pytest.raises(ValidationError) as raised:
        make_document(RiktlinjePage, publish=False, body=[heading(f"Skydd{RLO}")])
    assert "body" in raised.value.message_dict


def test_the_page_editor_shows_the_message_on_the_block(redaktor_client, register):
    from governance.models import TargetGroup

    target_groups = [TargetGroup.objects.create(name="Alla medarbetare")]
    data = riktlinje_post_data(target_groups, **{"body-0-value-text": f"Skydd{RLO} av enheten"})
    response = redaktor_client.post(add_url(register), data)

    assert response.status_code == 200
    # The editor's block data carries the error of the heading's text field (block 0).
    errors = '{"0": {"blockErrors": {"text": {"messages": [' + json.dumps(MESSAGE) + "]}}}}"
    assert errors in html.unescape(response.content.decode())
    assert not RiktlinjePage.objects.filter(slug="riktlinje-for-mobila-enheter").exists()
