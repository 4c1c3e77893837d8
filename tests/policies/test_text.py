"""policies.text: one reading of a document's body for search, snippets, vocabulary and the
personnummer scan."""

import ast
from pathlib import Path

import pytest

from governance.models import Role
from policies import personnummer
from policies.models import RiktlinjePage, RutinPage, Styrdokument
from policies.text import html_to_text, indexed_text, streamfield_text, streamfield_texts
from tests.factories import (
    block_id,
    definitions,
    heading,
    make_document,
    make_live_document,
    paragraph,
    requirement,
)

ROOT = Path(__file__).resolve().parents[2]


def every_block(role, page):
    return [
        heading("Syfte med rutinen", level="h3"),
        paragraph(
            '<p>Första stycket om <a href="https://exempel.se/larm">larm</a>.</p>'
            "<p>Andra&nbsp;stycket &amp; mer.</p><ul><li>ett</li><li>två</li></ul>"
        ),
        requirement("<p>Varje system <b>ska</b> ha en systemägare.</p>", reference="K4"),
        {
            "type": "responsibility_table",
            "value": {
                "caption": "Vem gör vad",
                "rows": [
                    {
                        "type": "item",
                        "id": block_id(),
                        "value": {"role": role.pk, "responsibility": "Äger systemet"},
                    }
                ],
            },
            "id": block_id(),
        },
        definitions([("Incident", "En oönskad händelse")]),
        {
            "type": "document_reference",
            "value": {"page": page.pk, "note": "Se även riktlinjen"},
            "id": block_id(),
        },
        {
            "type": "legal_reference",
            "value": {
                "title": "Offentlighets- och sekretesslagen",
                "designation": "SFS 2009:400",
                "url": "https://riksdagen.se/osl",
            },
            "id": block_id(),
        },
    ]


@pytest.fixture
def document(db):
    role = Role.objects.order_by("pk").first()
    other = make_live_document(RiktlinjePage, title="Riktlinje för larm")
    page = make_document(RutinPage, title="Rutin för larm", body=every_block(role, other))
    # As the search page and the index read it: from the database, the body not yet decoded.
    return Styrdokument.objects.get(pk=page.pk).specific


READER_TEXT = [
    "Syfte med rutinen",
    "Första stycket om larm. Andra\xa0stycket & mer. ett två",
    "K4",
    "Varje system ska ha en systemägare.",
    "Vem gör vad",
    "Äger systemet",
    "Incident",
    "En oönskad händelse",
    "Se även riktlinjen",
    "Offentlighets- och sekretesslagen",
    "SFS 2009:400",
]


def test_the_reader_text_is_the_words_a_reader_reads(document):
    assert streamfield_texts(document.body) == READER_TEXT
    assert streamfield_text(document.body) == "\n".join(READER_TEXT)


def test_layout_links_and_what_blocks_point_to_are_no_text(document):
    text = streamfield_text(document.body)
    assert "h3" not in text.split()
    assert "Rubrik 3" not in text
    assert "riksdagen" not in text
    assert "exempel.se" not in text
    assert "<" not in text


def test_wagtails_index_reads_the_same_text(document):
    body_field = Styrdokument._meta.get_field("body")
    assert body_field.get_searchable_content(document.body) == READER_TEXT


def test_the_markup_reading_holds_everything_the_page_publishes(document):
    text = streamfield_text(document.body, markup=True)
    assert 'href="https://exempel.se/larm"' in text
    assert "https://riksdagen.se/osl" in text
    assert "<b>ska</b>" in text
    assert "Äger systemet" in text
    assert personnummer.block_texts(document.body) == text


def test_reading_a_body_fetches_nothing_it_points_to(document, django_assert_num_queries):
    with django_assert_num_queries(0):
        streamfield_text(document.body)
        streamfield_text(document.body, markup=True)
        Styrdokument._meta.get_field("body").get_searchable_content(document.body)


def test_a_body_built_in_python_reads_the_same(document):
    """A stream being edited (bound blocks, not stored JSON) gives the same text."""
    blocks = list(document.body)
    assert streamfield_texts(blocks) == READER_TEXT
    document.body = [(block.block_type, block.value) for block in blocks]
    assert streamfield_texts(document.body) == READER_TEXT


def test_the_index_holds_the_body_text_and_the_metadata(document):
    text = indexed_text(document)
    assert "Rutin för larm" in text
    assert "Varje system ska ha en systemägare." in text
    assert document.diarienummer in text
    terms = document.search_terms().split()
    assert "systemägare" in terms
    assert "ägare" in terms  # a compound part
    assert "riksdagen" not in terms


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("<p>ett</p><p>två</p>", "ett två"),
        ("<p>rad<br/>ny rad</p>", "rad ny rad"),
        ("<p>&lt;script&gt; &amp; l&ouml;senord</p>", "<script> & lösenord"),
        ("<p><b>Lös</b>enord</p>", "Lösenord"),
        ("", ""),
        (None, ""),
    ],
)
def test_rich_text_reads_as_wagtail_indexes_it(source, text):
    assert html_to_text(source) == text


def test_empty_bodies_have_no_text():
    assert streamfield_text(None) == ""
    assert streamfield_text([]) == ""


def test_policies_never_imports_search():
    """search builds on policies, never the reverse (issue 16's layers)."""
    offenders = []
    for path in sorted((ROOT / "policies").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            if any(name == "search" or name.startswith("search.") for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_rich_text_is_parsed_once_per_process(monkeypatch):
    """A block's text is kept by its markup (search snippets parse the same blocks on every
    search); markup over CACHED_HTML_LENGTH characters is parsed each time, and odd input is
    still read."""
    from policies import text

    calls = []
    parse = text.get_text_for_indexing

    def counting(source):
        calls.append(source)
        return parse(source)

    monkeypatch.setattr(text, "get_text_for_indexing", counting)
    short = "<p>Rutinen för <b>återställning</b> av lösenord, nummer 4711.</p>"
    assert html_to_text(short) == html_to_text(short) == parse(short)
    assert calls == [short]
    long = "<p>" + "ord " * (text.CACHED_HTML_LENGTH // 4) + "</p>"
    html_to_text(long)
    html_to_text(long)
    assert calls.count(long) == 2
    assert html_to_text(None) == ""
