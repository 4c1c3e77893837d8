"""Real .docx files for the import tests, built with python-docx.

Shared by the one-file import tests and the bulk import tests: each builder returns the file's
bytes, and `sample_docx()` is the typical kommun document (front metadata table, Swedish heading
styles, nested lists, a merged-cell table, an image, a comment and tracked changes).
"""

import io
import zipfile

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import Image

# Word's own heading styles carry English names inside the file even in a Swedish Word; a
# document made from a kommun's template often has styles *named* "Rubrik 1" instead.
SWEDISH_HEADINGS = {1: "Rubrik 1", 2: "Rubrik 2", 3: "Rubrik 3"}

# How both an encrypted (password-protected) .docx and an old binary .doc begin: the Compound
# File Binary (OLE2) signature.
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def new_document(title=None, core_title=None):
    """A document with an optional title paragraph (Word's "Title" style, "Rubrik" in Swedish)."""
    document = Document()
    if core_title is not None:
        document.core_properties.title = core_title
    if title:
        document.add_paragraph(title, style="Title")
    return document


def to_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _swedish_style(document, level):
    name = SWEDISH_HEADINGS[level]
    styles = document.styles
    if name not in [style.name for style in styles]:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.font.bold = True
        style.font.size = Pt(18 - 2 * level)
    return name


def add_heading(document, text, level=1, swedish=False):
    """A heading with Word's built-in style ("Heading 1") or a style named "Rubrik 1"."""
    if swedish:
        return document.add_paragraph(text, style=_swedish_style(document, level))
    return document.add_heading(text, level=level)


def add_front_table(document, rows):
    """The metadata table at the top of many styrdokument: label | value per row."""
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    return table


def add_list(document, items, numbered=False):
    """Items as text, or (text, [sub-items]) for a nested list one level down."""
    style = document.styles["List Number" if numbered else "List Bullet"]
    num_id = _new_numbering(document, "decimal" if numbered else "bullet")
    for item in items:
        text, children = item if isinstance(item, tuple) else (item, [])
        _numbered(document.add_paragraph(text, style=style), num_id, 0)
        for child in children:
            _numbered(document.add_paragraph(child, style=style), num_id, 1)


def _new_numbering(document, kind):
    """A list definition with two levels (python-docx's template defines only the first)."""
    numbering = document.part.numbering_part.element
    ids = [int(n.get(qn("w:abstractNumId"))) for n in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=0) + 1
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    for level in (0, 1):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        for tag, value in (("w:start", "1"), ("w:numFmt", kind), ("w:lvlText", "•")):
            child = OxmlElement(tag)
            child.set(
                qn("w:val"), f"%{level + 1}." if kind == "decimal" and tag == "w:lvlText" else value
            )
            lvl.append(child)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = numbering.add_num(abstract_id)
    return str(num.numId)


def _numbered(paragraph, num_id, level):
    """Numbering on the paragraph itself, with its level, as Word writes a nested list."""
    numbering = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    number = OxmlElement("w:numId")
    number.set(qn("w:val"), num_id)
    numbering.append(ilvl)
    numbering.append(number)
    paragraph._p.get_or_add_pPr().append(numbering)
    return paragraph


def add_table(document, rows, merge=()):
    """A plain table of text rows; `merge` holds ((row, col), (row, col)) cell pairs to merge."""
    table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for first, last in merge:
        merged = table.cell(*first).merge(table.cell(*last))
        merged.text = rows[first[0]][first[1]]
    return table


def png_bytes(size=(40, 30), colour=(0, 90, 160)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def add_image(document, alt_text="", data=None):
    """An inline picture; `alt_text` is Word's "Alternativ text" (the drawing's descr)."""
    document.add_picture(io.BytesIO(data or png_bytes()))
    inline = document.paragraphs[-1]._p.xpath(".//wp:docPr")[0]
    if alt_text:
        inline.set("descr", alt_text)
    return inline


def add_comment(document, text, comment="Kan vi formulera om detta?", author="Granskare"):
    paragraph = document.add_paragraph(text)
    document.add_comment(paragraph.runs, text=comment, author=author, initials="GR")
    return paragraph


def _run(text, deleted=False):
    run = OxmlElement("w:r")
    node = OxmlElement("w:delText" if deleted else "w:t")
    node.set(qn("xml:space"), "preserve")
    node.text = text
    run.append(node)
    return run


def _change(tag, text, change_id):
    element = OxmlElement(tag)
    element.set(qn("w:id"), str(change_id))
    element.set(qn("w:author"), "Redaktör")
    element.set(qn("w:date"), "2025-03-01T10:00:00Z")
    element.append(_run(text, deleted=tag == "w:del"))
    return element


def add_tracked_change(document, before, deleted, inserted, after=""):
    """A paragraph with an unaccepted deletion and insertion (Word's "Spåra ändringar")."""
    paragraph = document.add_paragraph(before)
    paragraph._p.append(_change("w:del", deleted, 901))
    paragraph._p.append(_change("w:ins", inserted, 902))
    if after:
        paragraph._p.append(_run(after))
    return paragraph


def add_header_text(document, text):
    """Text in the page header (e.g. "Dnr KS-2025-542"), which Word shows on every page."""
    header = document.sections[0].header
    header.paragraphs[0].text = text


FRONT_ROWS = [
    ("Dokumenttyp", "Riktlinje"),
    ("Beslutad av", "Kommunstyrelsen"),
    ("Beslutsdatum", "2024-03-12"),
    ("Diarienummer", "KS 2024/118"),
    ("§", "45"),
    ("Dokumentansvarig", "Informationssäkerhetssamordnaren"),
    ("Revideras", "2026-03-31"),
]


def sample_docx(title="Riktlinje för informationssäkerhet", front_rows=None, swedish=True):
    """A typical kommun document exercising everything the converter maps."""
    document = new_document(title)
    add_front_table(document, FRONT_ROWS if front_rows is None else front_rows)
    add_heading(document, "Syfte", 1, swedish=swedish)
    document.add_paragraph(
        "Riktlinjen beskriver hur kommunen skyddar sin information. "
        "Varje förvaltning ska utse en informationsägare för sina system."
    )
    add_heading(document, "Ansvar", 1, swedish=swedish)
    add_heading(document, "Förvaltningarnas ansvar", 2, swedish=swedish)
    add_list(
        document,
        [
            ("Informationsägaren ansvarar för", ["klassning av information", "behörigheter"]),
            "Systemägaren ansvarar för driften.",
        ],
    )
    add_table(
        document,
        [["Område", "Krav", "Nivå"], ["Lösenord", "Minst 12 tecken", "K2"], ["Kryptering", "", ""]],
        merge=[((2, 1), (2, 2))],
    )
    add_image(document, "Kommunens modell för informationsklassning")
    add_comment(document, "Alla medarbetare ska genomgå utbildning vartannat år.")
    add_tracked_change(document, "Riktlinjen gäller ", "tillsvidare", "i två år", ".")
    add_heading(document, "Länkar", 2, swedish=swedish)
    paragraph = document.add_paragraph("Läs mer hos ")
    _add_link(paragraph, "https://www.msb.se/", "MSB")
    return to_bytes(document)


def _add_link(paragraph, url, text):
    part = paragraph.part
    rel = part.relate_to(
        url,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    link.append(_run(text))
    paragraph._p.append(link)
    return link


def add_link(paragraph, url, text):
    return _add_link(paragraph, url, text)


# -- bad files ------------------------------------------------------------------------------


def encrypted_docx_bytes():
    """What a password-protected .docx looks like from outside: an OLE2 container holding an
    "EncryptionInfo" stream, not a zip."""
    stream_name = "EncryptionInfo".encode("utf-16-le")
    return CFB_MAGIC + bytes(504) + stream_name + bytes(512)


def legacy_doc_bytes():
    """An old binary Word file (.doc): the same OLE2 signature, a "WordDocument" stream."""
    return CFB_MAGIC + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(512)


def corrupt_docx_bytes():
    """A .docx cut short (a broken download): the zip's central directory is missing."""
    return sample_docx()[:900]


def zip_without_document_bytes():
    """A valid zip that is no Word document (e.g. an .xlsx or a zip renamed .docx)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "Inte ett Word-dokument")
    return buffer.getvalue()


def text_file_bytes():
    return "Detta är en vanlig textfil.\n".encode()


def broken_xml_docx_bytes():
    """A zip with Word's parts whose document text is not well-formed XML (a damaged file)."""
    source = zipfile.ZipFile(io.BytesIO(sample_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            archive.writestr(item, data)
    return buffer.getvalue()


def zip_bomb_docx_bytes(padding_mb=8):
    """A real .docx whose document text is padded with whitespace that packs a thousand times
    smaller: a few kilobytes that would unpack to megabytes (or, scaled up, gigabytes)."""
    source = zipfile.ZipFile(io.BytesIO(sample_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                end = data.rindex(b"</w:body>")
                data = data[:end] + b" " * (padding_mb * 1024 * 1024) + data[end:]
            archive.writestr(item.filename, data)
    return buffer.getvalue()
