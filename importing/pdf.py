"""A PDF in a bulk import: what its draft (or its earlier decision) says, and the text for search.

A kommun's older styrdokument often exist only as the signed PDF that was sent to the diarium,
sometimes a scan. A PDF has no headings or lists to map, and its extracted text is a sequence
of lines in reading order at best, so it cannot stand as the adopted text on its own. What a
kommun expects, and what the import does:

- the PDF itself is kept: attached to the draft as a file in the documents library (a draft)
  or as the original file of the imported decision (an earlier decision);
- the body says that the content is in the attached original and links to it;
- below that, under "Text ur originalfilen", the text pypdf extracts, in paragraphs, so that
  the draft is found by search in the admin and the editor can rework it into the document's
  own headings and requirements before it is sent to decision;
- a scanned PDF without a text layer gives a warning instead ("inskannad?").
"""

import hashlib
import io
import logging
import re
import uuid
from html import escape
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .docx import Conversion, ImportFileError

logger = logging.getLogger(__name__)

# Enough text for search and for an editor to work from; the rest stays in the original.
MAX_PAGES = 200
MAX_CHARACTERS = 200_000
MAX_PARAGRAPHS = 400


class PdfConversion(Conversion):
    """A PDF has no "ska" suggestions to accept: its body is the blocks made here."""

    def blocks_with(self, accepted=()):
        return list(self.blocks)


def _block(kind, value):
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def _read(data, name):
    if not data:
        raise ImportFileError(_("”%(name)s” är tom (0 byte).") % {"name": name})
    limit = int(getattr(settings, "STYRDOK_IMPORT_MAX_MB", 20))
    if len(data) > limit * 1024 * 1024:
        raise ImportFileError(
            _("”%(name)s” är större än %(max)s MB och kan inte importeras.")
            % {"name": name, "max": limit}
        )
    if not data.lstrip()[:5] == b"%PDF-":
        raise ImportFileError(
            _("”%(name)s” är ingen PDF-fil, trots filändelsen .pdf.") % {"name": name}
        )
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportFileError(
                _("”%(name)s” är lösenordsskyddad. Spara en kopia utan lösenord och försök igen.")
                % {"name": name}
            )
        len(reader.pages)
    except ImportFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, NotImplementedError):
        raise ImportFileError(
            _("”%(name)s” är skadad och kan inte läsas som PDF.") % {"name": name}
        ) from None
    return reader


def extract_paragraphs(reader):
    """The PDF's text as paragraphs: lines joined, a blank line or a page break between."""
    paragraphs, total = [], 0
    for index, page in enumerate(reader.pages):
        if index >= MAX_PAGES or total >= MAX_CHARACTERS:
            break
        try:
            text = page.extract_text() or ""
        except Exception:  # pypdf raises many kinds on odd pages; the text is a bonus
            logger.warning("Text could not be extracted from page %s", index + 1, exc_info=True)
            continue
        for chunk in re.split(r"\n\s*\n", text):
            line = " ".join(chunk.split())
            if line:
                paragraphs.append(line)
                total += len(line)
    return paragraphs[:MAX_PARAGRAPHS]


def pdf_conversion(data, filename, *, link_html="", decision=False):
    """A Conversion for the PDF `data`: the note about the original, then the extracted text.

    `link_html` links the original in the note (a draft's attached file). Raises ImportFileError
    for a file that is not a readable PDF."""
    name = PurePath(filename).name
    reader = _read(data, name)
    paragraphs = extract_paragraphs(reader)
    original = link_html or f"”{escape(name)}”"
    if decision:
        note = _(
            "Beslutet fattades före Styrdok. Det beslutade dokumentet är originalfilen "
            "%(original)s, som är arkiverad med versionen."
        ) % {"original": original}
    else:
        note = _(
            "Dokumentet importerades från PDF-filen %(original)s. Innehållet finns i "
            "originalfilen; texten nedan är hämtad ur den för sökning och bearbetning. "
            "Kontrollera den mot originalet innan dokumentet skickas till beslut."
        ) % {"original": original}
    blocks = [_block("paragraph", f"<p>{note}</p>")]
    warnings, mapped, unmapped = [], [], []
    if paragraphs:
        blocks.append(_block("heading", {"text": _("Text ur originalfilen"), "level": "h2"}))
        blocks.extend(_block("paragraph", f"<p>{escape(text)}</p>") for text in paragraphs)
        mapped.append(
            _("Texten ur %(pages)s sidor i PDF-filen, som stycken.") % {"pages": len(reader.pages)}
        )
        unmapped.append(_("Rubriker, listor och tabeller i PDF-filen blir vanlig text."))
    else:
        warnings.append(
            _(
                "”%(name)s” har ingen läsbar text (inskannad?). Dokumentet innehåller bara "
                "originalfilen; skriv in texten innan det skickas till beslut."
            )
            % {"name": name}
        )
    title = (reader.metadata.title if reader.metadata else "") or PurePath(name).stem
    return PdfConversion(
        filename=name,
        sha256=hashlib.sha256(data).hexdigest(),
        title=str(title).strip()[:255],
        blocks=blocks,
        metadata={},
        metadata_found=[],
        images=[],
        requirement_suggestions=[],
        mapped=mapped,
        unmapped=unmapped,
        warnings=warnings,
    )
