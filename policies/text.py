"""The text of a styrdokument, read one way everywhere.

Search (Wagtail's index of the body and `Styrdokument.search_terms`), the snippets on the
results page, the "Menade du …" vocabulary and the personnummer scan all read a body through
`streamfield_text()`, so a word the index finds is a word a snippet can show and a word the scan
checks. Two readings:

- the reader's text (default): what the page shows as text, rich text without its markup. The
  custom blocks hand this same text to Wagtail's index (`get_searchable_content`, see
  policies.blocks), so Wagtail's body field and our own fields agree;
- `markup=True`: everything the page publishes, rich text as its source (link addresses and the
  links to attached files are in the markup) and every typed value, link addresses included.
  The personnummer scan and the checks of links read this.

Both walk the stored JSON with the block definitions, never the blocks' Python values: those
would fetch every role and document a block points to, one query per block type per document,
for text they do not hold.
"""

import html
import re
import unicodedata
from functools import lru_cache

from wagtail import blocks
from wagtail.rich_text import get_text_for_indexing

from governance.text_blocks import walk_block_data

from .swedish import index_text

TEXT_BLOCKS = (blocks.CharBlock, blocks.TextBlock)
TAG = re.compile(r"<[^>]*>")


# Rich text blocks up to this many characters keep their text in a per-process cache of
# CACHED_BLOCKS entries (at most about 40 MB): a page of search results parses the same blocks
# again on every search that shows them, and parsing is most of what building its snippets costs.
CACHED_HTML_LENGTH = 10_000
CACHED_BLOCKS = 2_000


def html_to_text(source):
    """Rich text as a reader reads it: as Wagtail indexes it (a space after each paragraph,
    heading, list item and line break; entities as characters). Markup that Django's parser
    rejects loses its tags all the same, so odd input is still read and never a 500."""
    source = source or ""
    if isinstance(source, str) and len(source) <= CACHED_HTML_LENGTH:
        return _cached_html_to_text(source)
    return _html_to_text(source)


def _html_to_text(source):
    try:
        return get_text_for_indexing(source)
    except (AssertionError, ValueError):
        return html.unescape(TAG.sub(" ", source)).strip()


# The text depends on the markup alone, so a cached text is never stale.
_cached_html_to_text = lru_cache(maxsize=CACHED_BLOCKS)(_html_to_text)


def streamfield_text(value, markup=False) -> str:
    """The text of a StreamField value, one piece per line (see the module docstring)."""
    return "\n".join(streamfield_texts(value, markup=markup))


def streamfield_texts(value, markup=False) -> list[str]:
    """The pieces of text of a StreamField value, in order."""
    if not value:
        return []
    stream_block = getattr(value, "stream_block", None)
    if stream_block is not None:
        return block_texts(stream_block, stored_value(stream_block, value), markup)
    # A list of bound blocks (a stream being built): each block reads its own value.
    texts = []
    for child in value:
        texts += block_texts(child.block, child.block.get_prep_value(child.value), markup)
    return texts


def block_texts(block, raw, markup=False) -> list[str]:
    """The pieces of text of one block's stored (JSON) value, in order
    (governance.text_blocks.walk_block_data visits them)."""
    texts = []

    def read(leaf, value):
        texts.extend(_field_texts(leaf, value, markup))
        return value

    walk_block_data(block, raw, read)
    return texts


def stored_value(block, value):
    """A block's Python value as stored JSON, without fetching what it points to."""
    raw_data = getattr(value, "raw_data", None)
    return list(raw_data) if raw_data is not None else block.get_prep_value(value)


def _field_texts(block, raw, markup):
    """The text of one stored value (a string) of `block`, as the reading asks."""
    if isinstance(block, blocks.RichTextBlock):
        if markup:
            return [raw]
        return [html_to_text(raw)] if block.search_index else []
    if isinstance(block, blocks.ChooserBlock):
        return []
    if markup:
        return [raw]
    # Choices, link addresses and the like are not text a reader reads.
    return [raw] if isinstance(block, TEXT_BLOCKS) and block.search_index else []


def indexed_text(document) -> str:
    """All the text the search index holds for a document: its title, summary and body, and
    the metadata a reader may search for (diarienummer, type, deciding body, förvaltning)."""
    organisation = getattr(document, "organisation", None) if document.organisation_id else None
    return " ".join(
        [
            document.title or "",
            document.summary or "",
            streamfield_text(getattr(document, "body", None)),
            document.diarienummer or "",
            str(document.document_type_label or ""),
            str(document.decision_body_name or ""),
            organisation.name if organisation else "",
        ]
    )


def normalised_text(text) -> str:
    """The text composed (NFC) with every run of white space one space: as a snippet shows it."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def document_plain_text(summary, body) -> str:
    """`Styrdokument.plain_text`: the summary and the body's text, normalised, which a search
    hit's snippet is taken from."""
    return normalised_text(" ".join([summary or "", streamfield_text(body)]))


def search_terms(document) -> str:
    """`Styrdokument.search_terms`: the document's words with their Swedish forms."""
    return index_text(indexed_text(document))


# What XML 1.0 cannot hold at all, escaped or not: the C0 control characters other than tab,
# line feed and carriage return, and the two non-characters U+FFFE and U+FFFF. A form, a CSV
# import or text pasted from Word (where a manual line break is a vertical tab) can store them
# in a title or summary; the Atom feed and the XMP metadata of an archival PDF are XML.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    """The text with every character XML 1.0 cannot hold written as a space; None stays None."""
    if value is None:
        return None
    return XML_ILLEGAL.sub(" ", str(value))
