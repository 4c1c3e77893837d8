"""The rule of governance.text_input for the text typed into StreamField blocks.

- CharBlock, TextBlock and RichTextBlock here refuse the invisible control characters in their
  clean(), so the Wagtail editor shows the message on the block's own field. A text block and a
  rich text block are text of several lines: tab, line feed and carriage return are accepted.
  They are stored and migrated as Wagtail's own blocks (deconstruct), so no migration changes.
- StreamTextValidator applies the same rule to a whole StreamField value: model validation
  (Page.full_clean, which Wagtail's Page.save runs) and the pre_save check of text_input refuse
  a body holding such text, whatever route it came by.
- `walk_block_data` reads a block's stored (JSON) value with the same rule: the validator finds
  the first refused character, governance.stored_text removes them from stored values, and
  `strip_stream_text` from the body of an imported Word file (nobody typed that text, so it
  loses them silently, as a kept file name does).
"""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from wagtail import blocks

from .text_input import (
    MESSAGE,
    code_point,
    first_control_character,
    no_control_characters,
    no_control_characters_multiline,
    strip_control_characters,
)

# Blocks whose text is of several lines (tab and line breaks accepted).
MULTILINE_BLOCKS = (blocks.TextBlock, blocks.RichTextBlock, blocks.RawHTMLBlock)


class ControlCharacterBlockMixin:
    """A text block that refuses invisible control characters (see the module docstring)."""

    wagtail_path = ""

    def clean(self, value):
        value = super().clean(value)
        validator = no_control_characters_multiline if multiline(self) else no_control_characters
        validator(value)
        return value

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return self.wagtail_path, args, kwargs


class CharBlock(ControlCharacterBlockMixin, blocks.CharBlock):
    wagtail_path = "wagtail.blocks.CharBlock"


class TextBlock(ControlCharacterBlockMixin, blocks.TextBlock):
    wagtail_path = "wagtail.blocks.TextBlock"


class RichTextBlock(ControlCharacterBlockMixin, blocks.RichTextBlock):
    wagtail_path = "wagtail.blocks.RichTextBlock"


def multiline(block):
    """Whether `block` holds text of several lines (tab and line breaks accepted)."""
    return isinstance(block, MULTILINE_BLOCKS)


def walk_block_data(block, data, text):
    """`data`, a block's stored value, with `text(leaf, value)` applied to each piece of text in
    it (the value of a char, text or rich text block, a choice, a link address), `leaf` being
    the block that holds it. A struct's values are visited in the order of its blocks.
    policies.text reads a body's text through this walk too."""
    if data is None:
        return data
    if isinstance(block, blocks.StreamBlock):
        return _walk_stream(block, data, text)
    if isinstance(block, blocks.ListBlock):
        return _walk_list(block, data, text)
    if isinstance(block, blocks.StructBlock):
        return _walk_struct(block, data, text)
    if isinstance(data, str):
        return text(block, data)
    return data


def _walk_stream(block, data, text):
    if not isinstance(data, list):
        return data
    walked = []
    for item in data:
        child = block.child_blocks.get(item.get("type")) if isinstance(item, dict) else None
        if child is not None and "value" in item:
            item = {**item, "value": walk_block_data(child, item["value"], text)}
        walked.append(item)
    return walked


def _walk_list(block, data, text):
    if not isinstance(data, list):
        return data
    walked = []
    for item in data:
        if block._item_is_in_block_format(item):
            item = {**item, "value": walk_block_data(block.child_block, item["value"], text)}
        else:
            item = walk_block_data(block.child_block, item, text)
        walked.append(item)
    return walked


def _walk_struct(block, data, text):
    if not isinstance(data, dict):
        return data
    walked = {
        name: walk_block_data(child, data[name], text)
        for name, child in block.child_blocks.items()
        if name in data
    }
    return {**walked, **{name: value for name, value in data.items() if name not in walked}}


def strip_stream_text(field, data):
    """A StreamField's stored value (JSON) without the characters: for text nobody typed, such
    as the body converted from an imported Word file."""
    return walk_block_data(
        field.stream_block,
        data,
        lambda leaf, value: strip_control_characters(value, multiline(leaf)),
    )


def stream_data(field, value):
    """The stored (JSON) form of a StreamField value, whatever it holds now."""
    if isinstance(value, blocks.StreamValue):
        return field.stream_block.get_prep_value(value)
    if isinstance(value, str):
        return field.to_python(value).get_prep_value() if value else []
    return value


def _refuse(leaf, text):
    char = first_control_character(text, multiline(leaf))
    if char is not None:
        raise ValidationError(MESSAGE, code="control_characters", params={"code": code_point(char)})
    return text


@deconstructible
class StreamTextValidator:
    """Refuses a StreamField value that holds invisible control characters in its text."""

    code = "control_characters"

    def __init__(self, field):
        self.field = field

    def __call__(self, value):
        walk_block_data(self.field.stream_block, stream_data(self.field, value), _refuse)

    def __eq__(self, other):
        return isinstance(other, StreamTextValidator) and other.field is self.field

    def __hash__(self):
        return hash((type(self), id(self.field)))
