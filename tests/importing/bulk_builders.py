"""Zip files, CSV files and PDFs for the bulk import tests, built as a kommun's staff would
make them: Excel's semicolons and BOM, Word files from docx_builders, a PDF with real text."""

import io
import zipfile

from tests.importing.docx_builders import new_document, to_bytes

HEADER = [
    "fil",
    "titel",
    "dokumenttyp",
    "förälder",
    "beslutad av",
    "beslutsdatum",
    "dnr",
    "§",
    "dokumentansvarig",
    "revideras",
    "publicering",
    "historisk",
]


def csv_bytes(rows, header=None, delimiter=";", encoding="utf-8-sig"):
    """A CSV as Swedish Excel saves it ("CSV UTF-8": semicolons and a byte-order mark)."""
    lines = [header or HEADER, *rows]

    def cell(value):
        value = "" if value is None else str(value)
        if any(char in value for char in (delimiter, '"', "\n")):
            value = '"' + value.replace('"', '""') + '"'
        return value

    text = "\r\n".join(delimiter.join(cell(value) for value in line) for line in lines) + "\r\n"
    return text.encode(encoding)


# row() keywords, in HEADER's order after fil, titel and dokumenttyp.
ROW_KEYS = (
    "parent",
    "body",
    "date",
    "dnr",
    "paragraph",
    "owner",
    "review",
    "publicity",
    "historical",
)


def row(file, title, document_type="Riktlinje", **values):
    """One data row in HEADER's order, e.g. row("a.docx", "A", body="KS", date="2024-03-12")."""
    unknown = set(values) - set(ROW_KEYS)
    assert not unknown, unknown
    return [file, title, document_type, *(values.get(key, "") for key in ROW_KEYS)]


def zip_bytes(files, compression=zipfile.ZIP_DEFLATED):
    """A zip of {name: bytes}; names are written as given (so ../ can be tested)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def simple_docx(title, *paragraphs):
    document = new_document(title)
    for text in paragraphs or ("Dokumentets text.",):
        document.add_paragraph(text)
    return to_bytes(document)


def _pdf_text(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("cp1252")


def pdf_bytes(paragraphs, title=None):
    """A one-page PDF whose text pypdf reads back: Helvetica in WinAnsi (å, ä, ö included),
    a blank line between paragraphs."""
    ops = [b"BT /F1 11 Tf 72 780 Td 14 TL"]
    for number, paragraph in enumerate(paragraphs):
        if number:
            ops.append(b"T*")
        ops.append(b"(" + _pdf_text(paragraph) + b") Tj T*")
    ops.append(b"ET")
    content = b"\n".join(ops)
    info = b"<< /Title (" + _pdf_text(title) + b") >>" if title else b"<< >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        info,
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out
