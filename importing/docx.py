"""One Word file (.docx) into the body and metadata of a styrdokument draft.

The contract shared by the one-file import (views.py) and the bulk import (bulk.py):

- `convert_docx(data, filename)` reads the file and returns a `Conversion`, or raises
  `ImportFileError` with a Swedish message that names the file. It writes nothing.
- `create_draft(parent, conversion, user, …)` (drafts.py) turns a conversion into a draft page,
  atomically, and never publishes.

Conversion is deterministic: the same bytes give the same blocks and the same suggestion ids,
so a preview and the save that follows it may convert the stored upload twice.
"""

import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.etree import ElementTree

import mammoth
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import metadata as metadata_rules
from .archive_zip import MB, RATIO_FLOOR, Limits
from .html_blocks import ParsedBody, blocks_from_items, parse_body

# Word's built-in styles keep their English names inside the file in a Swedish Word, but a
# kommun's template often brings styles named in Swedish ("Rubrik 1"); "Rubrik" alone is the
# Swedish name of Word's Title style.
STYLE_MAP = "\n".join(
    [
        "p[style-name='Title'] => h1.title:fresh",
        "p[style-name='Rubrik'] => h1.title:fresh",
        "p[style-name='Subtitle'] => p:fresh",
        "p[style-name='Underrubrik'] => p:fresh",
        *(f"p[style-name='Heading {n}'] => h{n}:fresh" for n in range(1, 7)),
        *(f"p[style-name='heading {n}'] => h{n}:fresh" for n in range(1, 7)),
        *(f"p[style-name='Rubrik {n}'] => h{n}:fresh" for n in range(1, 7)),
        "comment-reference => !",
    ]
)

# Both an encrypted .docx and an old binary .doc are Compound File Binary (OLE2) containers.
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}

logger = logging.getLogger(__name__)

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class ImportFileError(Exception):
    """A file that cannot be imported; the message (Swedish) names the file and says why."""


@dataclass
class ImportImage:
    """An image found in the document, created as a Wagtail image when the draft is saved."""

    key: str
    filename: str
    content_type: str
    data: bytes = field(repr=False)
    alt: str = ""


@dataclass
class RequirementSuggestion:
    """A sentence with "ska" that could be a requirement block; never applied unless accepted."""

    id: str
    text: str
    html: str


@dataclass
class MetadataItem:
    """One line of metadata found in the file, as the preview lists it."""

    label: str  # the label as written in the document, e.g. "Dnr"
    value: str  # the value as written
    field: str  # the Styrdokument field it maps to ("" when it maps to none)
    shown: str  # what Styrdok understood, in Swedish, e.g. "KS-2024-118"
    ok: bool  # False when the value could not be used (the reason is in `shown`)


@dataclass
class Conversion:
    filename: str
    sha256: str
    title: str
    # Raw StreamField data for Styrdokument.body ([{"type", "value", "id"}]) with no
    # suggestion accepted; blocks_with() gives the body with some accepted.
    blocks: list
    # Styrdokument field name -> value: decision_body_id, decision_date (date), diarienummer
    # (canonical), protocol_paragraph (int), responsible_id, responsible_role_id, contact_name,
    # contact_email, valid_from, valid_until, next_review, review_interval_months,
    # document_type, supersedes_note. Only what the file gave and Styrdok could read.
    metadata: dict
    metadata_found: list  # [MetadataItem]
    images: list  # [ImportImage]
    requirement_suggestions: list  # [RequirementSuggestion]
    mapped: list  # [str]: what came across, in Swedish
    unmapped: list  # [str]: what did not, or not as it was, in Swedish
    warnings: list  # [str]: what the editor should check before submitting
    items: list = field(default_factory=list, repr=False)

    def blocks_with(self, accepted=()):
        """The body with the suggestions whose ids are in `accepted` as requirement blocks."""
        return blocks_from_items(self.items, set(accepted), self.sha256)

    @property
    def suggestion_ids(self):
        return [suggestion.id for suggestion in self.requirement_suggestions]


# -- checking the file ----------------------------------------------------------------------


def max_bytes():
    return int(getattr(settings, "STYRDOK_IMPORT_MAX_MB", 20)) * 1024 * 1024


def check_file(data, filename):
    """Raise ImportFileError unless `data` looks like a readable .docx; return its zip."""
    name = PurePath(filename or "").name or _("filen")
    suffix = PurePath(name).suffix.lower()
    if not data:
        raise ImportFileError(_("”%(name)s” är tom (0 byte).") % {"name": name})
    if len(data) > max_bytes():
        raise ImportFileError(
            _("”%(name)s” är större än %(max)s MB och kan inte importeras.")
            % {"name": name, "max": getattr(settings, "STYRDOK_IMPORT_MAX_MB", 20)}
        )
    if data.startswith(CFB_MAGIC):
        raise ImportFileError(_ole2_message(data, name, suffix))
    if suffix != ".docx":
        raise ImportFileError(
            _("”%(name)s” är inte en Word-fil (.docx). Bara .docx-filer kan importeras.")
            % {"name": name}
        )
    return _open_zip(data, name)


def _ole2_message(data, name, suffix):
    """An OLE2 file is either an encrypted .docx or an old .doc: the encrypted package carries
    an EncryptionInfo stream, which the name table of the container spells in UTF-16."""
    if any(stream in data for stream in ENCRYPTION_STREAMS):
        return _(
            "”%(name)s” är lösenordsskyddad (krypterad). Öppna den i Word, ta bort lösenordet "
            "under Arkiv → Information → Skydda dokument och spara den igen."
        ) % {"name": name}
    if suffix == ".docx":
        return _(
            "”%(name)s” är ett äldre Word-format (.doc) med filändelsen .docx; öppna den i Word "
            "och spara den som Word-dokument (.docx)."
        ) % {"name": name}
    return _(
        "”%(name)s” är ett äldre Word-format (.doc); öppna den i Word och spara den som "
        "Word-dokument (.docx)."
    ) % {"name": name}


def _open_zip(data, name):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        if data[:2] == b"PK":
            raise ImportFileError(
                _(
                    "”%(name)s” är skadad och kan inte läsas. Öppna den i Word, spara den på "
                    "nytt och försök igen."
                )
                % {"name": name}
            ) from None
        raise ImportFileError(
            _("”%(name)s” är inte ett Word-dokument, trots filändelsen .docx.") % {"name": name}
        ) from None
    if "word/document.xml" not in names:
        raise ImportFileError(
            _("”%(name)s” är inte ett Word-dokument: den saknar dokumentets text.") % {"name": name}
        )
    _check_unpacked(archive, name)
    return archive


# A .docx unpacks to at most this many times the largest file an import takes: Word's XML
# packs about ten times smaller, its images hardly at all.
UNPACKED_FACTOR = 5


def _check_unpacked(archive, name):
    """Refuse a zip bomb before anything inflates it: the sizes a member declares bound what
    zipfile reads (it stops at the declared size), so they are checked first. A part larger
    than an import file, a whole larger than UNPACKED_FACTOR of them, or a part that packs
    more tightly than the zip import allows (STYRDOK_IMPORT_ZIP_MAX_RATIO) is refused; mammoth's
    XML parser also takes time that grows with the square of a long text."""
    limits = Limits.from_settings()
    largest = limits.max_file
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    too_large = total > UNPACKED_FACTOR * largest or any(info.file_size > largest for info in infos)
    too_packed = any(
        info.file_size > RATIO_FLOOR
        and info.file_size / max(info.compress_size, 1) > limits.max_ratio
        for info in infos
    )
    if too_large or too_packed:
        archive.close()
        raise ImportFileError(
            _(
                "”%(name)s” ser ut att vara konstruerad för att överbelasta servern (en "
                "zip-bomb): den packas upp till %(size)s MB, eller mycket tätare än ett "
                "Word-dokument packas. Den importeras inte. Öppna den i Word, spara den på nytt "
                "och försök igen."
            )
            % {"name": name, "size": round(total / MB)}
        )


# -- converting -----------------------------------------------------------------------------


def convert_docx(data: bytes, filename: str) -> Conversion:
    """Read a .docx into a Conversion (see the module docstring); raises ImportFileError."""
    archive = check_file(data, filename)
    name = PurePath(filename).name
    digest = hashlib.sha256(data).hexdigest()
    images = []
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=STYLE_MAP,
            convert_image=mammoth.images.img_element(_image_collector(images, digest)),
        )
        parts = _word_parts(archive)
    except Exception:  # noqa: BLE001
        # mammoth and the XML parsers raise many kinds of error on a damaged file (ExpatError,
        # KeyError for a missing part, IndexError …); each means the same to the editor.
        logger.info("Could not read %s", name, exc_info=True)
        raise ImportFileError(
            _(
                "”%(name)s” är skadad och kan inte läsas. Öppna den i Word, spara den på nytt "
                "och försök igen."
            )
            % {"name": name}
        ) from None
    body = parse_body(result.value, digest)
    conversion = Conversion(
        filename=name,
        sha256=digest,
        title=_title(body, parts, name),
        blocks=[],
        metadata={},
        metadata_found=[],
        images=images,
        requirement_suggestions=body.suggestions,
        mapped=list(body.mapped),
        unmapped=list(body.unmapped),
        warnings=list(body.warnings),
        items=body.items,
    )
    metadata_rules.read_metadata(conversion, body.metadata_rows + parts["header_rows"])
    _note_word_features(conversion, parts, images)
    conversion.blocks = conversion.blocks_with(())
    return conversion


def _image_collector(images, digest):
    def collect(image):
        key = f"styrdok-image-{len(images) + 1}"
        content_type = (image.content_type or "").lower()
        with image.open() as stream:
            data = stream.read()
        extension = IMAGE_TYPES.get(content_type, "bin")
        images.append(
            ImportImage(
                key=key,
                filename=f"bild-{len(images) + 1}-{digest[:8]}.{extension}",
                content_type=content_type,
                data=data,
                alt=" ".join((image.alt_text or "").split()),
            )
        )
        return {"src": key, "alt": image.alt_text or ""}

    return collect


def _xml_text(archive, name):
    root = ElementTree.fromstring(archive.read(name))
    lines = []
    for paragraph in root.iter(f"{W_NS}p"):
        text = "".join(node.text or "" for node in paragraph.iter(f"{W_NS}t")).strip()
        if text:
            lines.append(text)
    return lines


def _word_parts(archive):
    """What mammoth does not report: comments, tracked changes, the page header, the title."""
    names = archive.namelist()
    document = archive.read("word/document.xml")
    header_rows = []
    for name in sorted(n for n in names if re.fullmatch(r"word/header\d*\.xml", n)):
        for line in _xml_text(archive, name):
            row = metadata_rules.split_label_line(line)
            if row and row not in header_rows:
                header_rows.append(row)
    core_title = ""
    if "docProps/core.xml" in names:
        root = ElementTree.fromstring(archive.read("docProps/core.xml"))
        node = root.find("{http://purl.org/dc/elements/1.1/}title")
        core_title = (node.text or "").strip() if node is not None else ""
    return {
        "comments": document.count(b"<w:commentRangeStart")
        or document.count(b"<w:commentReference"),
        "insertions": document.count(b"<w:ins "),
        "deletions": document.count(b"<w:del "),
        "header_rows": header_rows,
        "core_title": core_title,
    }


def _title(body: ParsedBody, parts, name):
    return (body.title or parts["core_title"] or PurePath(name).stem).strip()[:255]


def _note_word_features(conversion, parts, images):
    if parts["comments"]:
        conversion.unmapped.append(
            ngettext(
                "Kommentarer togs bort (%(count)s kommentar).",
                "Kommentarer togs bort (%(count)s kommentarer).",
                parts["comments"],
            )
            % {"count": parts["comments"]}
        )
    if parts["insertions"] or parts["deletions"]:
        conversion.unmapped.append(
            _(
                "Spårade ändringar: de godkända ändringarna används (%(ins)s tillägg tas med, "
                "%(dels)s borttagningar tas bort)."
            )
            % {"ins": parts["insertions"], "dels": parts["deletions"]}
        )
        conversion.warnings.append(
            _(
                "Dokumentet hade spårade ändringar som inte var godkända. Kontrollera texten: "
                "importen har godkänt alla ändringar."
            )
        )
    for image in images:
        if image.content_type not in IMAGE_TYPES:
            conversion.unmapped.append(
                _("Bild i formatet %(type)s kan inte importeras; spara den som PNG eller JPEG.")
                % {"type": image.content_type or _("okänt")}
            )
        elif not image.alt:
            conversion.unmapped.append(_("Bild utan alternativtext: skriv en i bildbiblioteket."))
        else:
            conversion.mapped.append(_("Bild ”%(alt)s”") % {"alt": image.alt})
    if images:
        conversion.unmapped.append(
            ngettext(
                "Styrdokumentets text har inget bildblock: %(count)s bild sparas i "
                "bildbiblioteket, i en egen samling för importen.",
                "Styrdokumentets text har inget bildblock: %(count)s bilder sparas i "
                "bildbiblioteket, i en egen samling för importen.",
                len(images),
            )
            % {"count": len(images)}
        )


from .drafts import create_draft  # noqa: E402  (re-exported: the contract's second half)

__all__ = [
    "Conversion",
    "ImportFileError",
    "ImportImage",
    "MetadataItem",
    "RequirementSuggestion",
    "check_file",
    "convert_docx",
    "create_draft",
]
