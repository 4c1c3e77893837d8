"""mammoth's HTML into the blocks of a styrdokument's body.

The HTML is first read into a flat list of items (a heading, a piece of a paragraph, a "ska"
sentence, a list, a table's rows) so that accepting a suggestion can split a paragraph around
its sentence and leaving it alone keeps the paragraph as Word had it.
"""

import re
import uuid
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag
from django.utils.translation import gettext as _
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from governance.models import Role

from . import metadata as metadata_rules

# The paragraph block's features (policies.blocks.DocumentBodyBlock): what the editor may keep.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]
# The requirement block's text (RequirementBlock.text) allows the same.
REQUIREMENT_FEATURES = PARAGRAPH_FEATURES
SKA = re.compile(r"\bska\b", re.IGNORECASE)
# A sentence ends at . ! or ? followed by space and a capital letter, digit or quote.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9”\"(])")
SENTENCE_TAIL = re.compile(r"[.!?]\s+$")
TOKENS = re.compile(r"<[^>]+>|[^<]+")
VOID_TAGS = {"br", "img", "hr"}
LINK_SCHEMES = ("http://", "https://", "mailto:")
# Sentences this short are list-like fragments rather than requirements.
MIN_SUGGESTION_WORDS = 4


def stable_id(digest, *parts):
    """A block or suggestion id that is the same every time the same file is converted."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "styrdok-import:" + digest + ":" + ":".join(parts)))


@dataclass
class ParsedBody:
    title: str = ""
    items: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)
    mapped: list = field(default_factory=list)
    unmapped: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    metadata_rows: list = field(default_factory=list)


def parse_body(html, digest):
    from .docx import RequirementSuggestion

    soup = BeautifulSoup(html, "html.parser")
    parsed = ParsedBody()
    counts = {"heading": 0, "paragraph": 0, "list": 0, "table": 0, "link": 0}
    in_front = True
    for element in list(soup.children):
        if not isinstance(element, Tag):
            continue
        if in_front and _take_front_matter(element, parsed):
            continue
        if element.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            in_front = False
        _read_element(element, parsed, counts, digest)
    for item in parsed.items:
        if item["kind"] == "ska":
            parsed.suggestions.append(
                RequirementSuggestion(id=item["id"], text=item["text"], html=item["html"])
            )
    _summarise(parsed, counts)
    return parsed


def _take_front_matter(element, parsed):
    """The title, the metadata table and "Label: value" lines before the first heading."""
    if element.name == "h1" and "title" in (element.get("class") or []) and not parsed.title:
        parsed.title = element.get_text(" ", strip=True)
        return True
    if element.name == "table":
        rows = metadata_rules.table_label_rows(_table_rows(element))
        if rows:
            parsed.metadata_rows.extend(rows)
            parsed.mapped.append(_("Inledande tabell med uppgifter om dokumentet"))
            return True
        return False
    if element.name == "p":
        row = metadata_rules.split_label_line(element.get_text(" ", strip=True))
        if row and metadata_rules.field_for_label(row[0]):
            parsed.metadata_rows.append(row)
            return True
    if element.name == "h1" and not parsed.title:
        # No Title style: the first top-level heading names the document.
        parsed.title = element.get_text(" ", strip=True)
        return True
    return False


def _read_element(element, parsed, counts, digest):
    name = element.name
    if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        text = element.get_text(" ", strip=True)
        if text:
            level = min(int(name[1]) + 1, 4)
            parsed.items.append({"kind": "heading", "text": text[:200], "level": f"h{level}"})
            counts["heading"] += 1
    elif name == "p":
        _read_paragraph(element, parsed, counts, digest)
    elif name in ("ul", "ol"):
        _images_in(element, parsed)
        _clean_links(element, counts)
        parsed.items.append({"kind": "html", "html": str(element), "para": _next_para(parsed)})
        counts["list"] += 1
    elif name == "table":
        _read_table(element, parsed, counts)
    else:
        text = element.get_text(" ", strip=True)
        if text:
            parsed.items.append(
                {"kind": "html", "html": f"<p>{_escape(text)}</p>", "para": _next_para(parsed)}
            )


def _next_para(parsed):
    return sum(1 for item in parsed.items if item["kind"] != "heading")


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _images_in(element, parsed):
    for image in element.find_all("img"):
        parsed.items.append({"kind": "image", "key": image.get("src", ""), "alt": image.get("alt")})
        image.decompose()


def _clean_links(element, counts):
    """Links to the web and e-mail are kept; Word's bookmarks and internal anchors are not."""
    for link in element.find_all("a"):
        href = (link.get("href") or "").strip()
        if href.lower().startswith(LINK_SCHEMES):
            link.attrs = {"href": href}
            counts["link"] += 1
        else:
            link.unwrap()


def _read_paragraph(element, parsed, counts, digest):
    _images_in(element, parsed)
    _clean_links(element, counts)
    inner = element.decode_contents().strip()
    if not BeautifulSoup(inner, "html.parser").get_text(strip=True):
        return
    para = _next_para(parsed)
    counts["paragraph"] += 1
    for index, sentence in enumerate(split_sentences(inner)):
        text = BeautifulSoup(sentence, "html.parser").get_text(" ", strip=True)
        if SKA.search(text) and len(text.split()) >= MIN_SUGGESTION_WORDS:
            parsed.items.append(
                {
                    "kind": "ska",
                    "id": stable_id(digest, "ska", str(para), str(index)),
                    "html": sentence,
                    "text": text,
                    "para": para,
                }
            )
        else:
            parsed.items.append({"kind": "piece", "html": sentence, "para": para})


def split_sentences(html):
    """The sentences of a paragraph's inner HTML, each valid HTML: a sentence boundary inside
    a link or bold text is not split."""
    sentences, current, depth = [], "", 0
    for token in TOKENS.findall(html):
        if token.startswith("<"):
            if depth == 0 and not token.startswith("</") and SENTENCE_TAIL.search(current):
                # "… slut. <b>Nästa …": the sentence ended before the tag.
                sentences.append(current.strip())
                current = ""
            current += token
            depth += _depth_change(token)
            continue
        if depth > 0:
            current += token
            continue
        pieces = SENTENCE_END.split(token)
        current += pieces[0]
        for piece in pieces[1:]:
            sentences.append(current.strip())
            current = piece
    if current.strip():
        sentences.append(current.strip())
    return [sentence for sentence in sentences if sentence]


def _depth_change(token):
    if token.startswith("</"):
        return -1
    name = token.strip("</>").split()[0].lower() if token.strip("</>") else ""
    return 0 if name in VOID_TAGS or token.endswith("/>") else 1


# -- tables ---------------------------------------------------------------------------------


def _table_rows(table):
    rows = []
    for row in table.find_all("tr"):
        cells = [
            " ".join(cell.get_text(" ", strip=True).split()) for cell in row.find_all(["td", "th"])
        ]
        if any(cells):
            rows.append(cells)
    return rows


def _merged(table):
    return any(
        cell.get("colspan") not in (None, "1") or cell.get("rowspan") not in (None, "1")
        for cell in table.find_all(["td", "th"])
    )


def _read_table(table, parsed, counts):
    counts["table"] += 1
    rows = _table_rows(table)
    if not rows:
        return
    merged = _merged(table)
    header = [cell.lower().rstrip(":") for cell in rows[0]]
    if len(header) == 2 and header[0] in ("begrepp", "term", "ord", "förkortning"):
        parsed.items.append({"kind": "definitions", "rows": rows[1:]})
        parsed.mapped.append(_("Tabell med begrepp: blev en definitionslista"))
        return
    roles = header[0] in ("roll", "funktion") and header[-1].startswith("ansvar")
    if len(header) == 2 and roles and _responsibility(rows[1:], parsed):
        return
    parsed.items.append({"kind": "table", "html": _rows_as_list(rows)})
    if merged:
        parsed.unmapped.append(
            _(
                "Tabell med sammanslagna celler: omvandlad till en enkel tabell i form av en "
                "punktlista, en punkt per rad (%(rows)s rader)."
            )
            % {"rows": len(rows) - 1}
        )
    else:
        parsed.unmapped.append(
            _(
                "Tabell (%(rows)s rader): styrdokumentets text har inget tabellblock, så den "
                "blev en punktlista med en punkt per rad."
            )
            % {"rows": len(rows) - 1}
        )


def _responsibility(rows, parsed):
    """A Roll | Ansvar table becomes a responsibility table when every role exists."""
    roles = {role.name.lower(): role for role in Role.objects.all()}
    matched = []
    for role_name, *rest in rows:
        role = roles.get(role_name.lower()) or roles.get(role_name.lower().removesuffix("en"))
        if role is None:
            parsed.unmapped.append(
                _(
                    "Tabellen över roller och ansvar nämner rollen ”%(role)s”, som inte finns "
                    "bland kommunens roller; den blev en punktlista."
                )
                % {"role": role_name}
            )
            return False
        matched.append({"role": role.pk, "responsibility": " ".join(rest)})
    parsed.items.append({"kind": "responsibility", "rows": matched})
    parsed.mapped.append(_("Tabell med roller och ansvar: blev en ansvarstabell"))
    return True


def _rows_as_list(rows):
    header, body = (rows[0], rows[1:]) if len(rows) > 1 else ([], rows)
    items = []
    for row in body:
        parts = []
        for index, value in enumerate(row):
            if not value:
                continue
            label = header[index] if index < len(header) and header[index] else ""
            parts.append(f"<b>{_escape(label)}:</b> {_escape(value)}" if label else _escape(value))
        if parts:
            items.append("<li>" + "; ".join(parts) + "</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _summarise(parsed, counts):
    labels = (
        ("heading", _("Rubriker: %(n)s")),
        ("paragraph", _("Stycken: %(n)s")),
        ("list", _("Listor (även nästlade): %(n)s")),
        ("link", _("Länkar: %(n)s")),
    )
    for key, label in labels:
        if counts[key]:
            parsed.mapped.append(label % {"n": counts[key]})


# -- blocks ---------------------------------------------------------------------------------


def sanitise(html, features=PARAGRAPH_FEATURES):
    """What the editor itself would store: the rich text passed through Wagtail's converter
    with the block's features, so nothing outside them survives."""
    converter = ContentstateConverter(features)
    return converter.to_database_format(converter.from_database_format(html))


def _paragraph_html(pieces):
    """Pieces of one paragraph rejoin into one <p>; a list or a table's list stays whole."""
    html, current_para, sentences = [], None, []
    for piece in pieces:
        if piece["kind"] == "html":
            if sentences:
                html.append("<p>" + " ".join(sentences) + "</p>")
                sentences = []
            html.append(piece["html"])
            current_para = None
            continue
        if piece["para"] != current_para and sentences:
            html.append("<p>" + " ".join(sentences) + "</p>")
            sentences = []
        current_para = piece["para"]
        sentences.append(piece["html"])
    if sentences:
        html.append("<p>" + " ".join(sentences) + "</p>")
    return "".join(html)


def blocks_from_items(items, accepted, digest):
    blocks, pending = [], []

    def block(kind, value):
        blocks.append(
            {"type": kind, "value": value, "id": stable_id(digest, "block", str(len(blocks)))}
        )

    def flush():
        if pending:
            block("paragraph", sanitise(_paragraph_html(pending)))
            pending.clear()

    for item in items:
        kind = item["kind"]
        if kind == "ska" and item["id"] in accepted:
            flush()
            text = sanitise(f"<p>{item['html']}</p>", REQUIREMENT_FEATURES)
            block("requirement", {"reference": "", "text": text})
        elif kind in ("piece", "html", "ska"):
            pending.append(item)
        elif kind == "table":
            flush()
            block("paragraph", sanitise(item["html"]))
        elif kind == "heading":
            flush()
            block("heading", {"text": item["text"], "level": item["level"]})
        elif kind == "definitions":
            flush()
            block("definitions", {"items": _list_items(digest, len(blocks), _definitions(item))})
        elif kind == "responsibility":
            flush()
            rows = _list_items(digest, len(blocks), item["rows"])
            block("responsibility_table", {"caption": "", "rows": rows})
    flush()
    return blocks


def _list_items(digest, position, values):
    """A ListBlock's raw items, each with its own stable id."""
    return [
        {"type": "item", "value": value, "id": stable_id(digest, "item", str(position), str(n))}
        for n, value in enumerate(values)
    ]


def _definitions(item):
    return [
        {"term": row[0][:120], "definition": " ".join(row[1:]) or row[0]}
        for row in item["rows"]
        if row and row[0]
    ]
