"""Find Swedish personnummer and samordningsnummer in text, so they never reach the public site.

A number counts when it has a valid date (a samordningsnummer adds 60 to the day) and a valid
Luhn check digit, written as ÅÅMMDD-NNNN (or + for people over 100), ÅÅÅÅMMDD-NNNN, with a space
or a dot instead of the hyphen, or with no separator at all (ten or twelve digits).

The text is normalised first, because a number that only looks different to a regular expression
still reads as a personnummer to a person: NFKC (fullwidth and other compatibility digits), zero
width characters and soft hyphens dropped, every dash and minus sign made "-", every run of
whitespace (non-breaking spaces too) made one space. Only a digit next to the number stops a
match: a hyphen or a letter does not, since "KS-811218-9876" still publishes the number.

The date and the check digit keep false alarms low: a diarienummer, a phone number, a date or an
amount very rarely forms a valid date followed by a matching check digit.
"""

import bisect
import calendar
import html
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import unquote
from xml.etree import ElementTree

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from pypdf import PdfReader
from wagtail.documents import get_document_model

from .text import streamfield_text

# Characters that are invisible in print but break a naive match: zero-width space, non-joiner,
# joiner, word joiner, BOM, soft hyphen, Mongolian vowel separator, invisible operators.
INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064\u034f"), None
)
# Dashes that Unicode does not file under Pd (punctuation, dash) but that read as one.
EXTRA_DASHES = "\u2212\u2043\u02d7\u2796\u207b\u208b\ufe63\uff0d"

_DATE_SEP = r"[-. ]"
# "--" and "/" read as a hyphen too ("850312--1234", "850312/1234").
_SERIAL_SEP = r"(?: ?(?:-{1,2}|[+./]) ?| )"
# The four last digits, or the same split once by a space ("12 31", "123 1", "1 231"): a split
# only counts after a written separator (see _grouping_reads_as_a_number).
_SERIAL = r"[0-9](?:[0-9]{3}|[0-9]{2} [0-9]|[0-9] [0-9]{2}| [0-9]{3})"

PATTERN = re.compile(
    r"(?<![0-9])(?:"
    # ÅÅÅÅMMDD, optionally ÅÅÅÅ-MM-DD / ÅÅÅÅ.MM.DD / ÅÅÅÅ MM DD (the same separator twice), or
    # ÅÅ ÅÅ MM DD with the century apart too
    r"(?P<century>19|20)(?P<cs> )?(?P<yy12>[0-9]{2})"
    rf"(?:(?P<ds12>{_DATE_SEP})(?P<mm12s>[0-9]{{2}})(?P=ds12)(?P<dd12s>[0-9]{{2}})"
    r"|(?P<mm12>[0-9]{2})(?P<dd12>[0-9]{2}))"
    rf"(?P<sep12>{_SERIAL_SEP})?(?P<nnnn12>{_SERIAL})"
    r"|"
    # ÅÅMMDD, optionally ÅÅ-MM-DD / ÅÅ.MM.DD / ÅÅ MM DD
    r"(?P<yy10>[0-9]{2})"
    rf"(?:(?P<ds10>{_DATE_SEP})(?P<mm10s>[0-9]{{2}})(?P=ds10)(?P<dd10s>[0-9]{{2}})"
    r"|(?P<mm10>[0-9]{2})(?P<dd10>[0-9]{2}))"
    rf"(?P<sep10>{_SERIAL_SEP})?(?P<nnnn10>{_SERIAL})"
    r")(?![0-9])"
)
# After a number whose date was written with separators: another date or a range continues
# ("2025-01-01 - 2025-12-31", "2024.05.13 1200-1300"), so this is not a personnummer.
_CONTINUES = re.compile(r" ?[-./:–] ?[0-9]")
# Digits in groups of two ("85 03 12 1231") are a personnummer only when no other group of
# digits comes right before or after: "+46 70 12 03 1234" or "12 34 56 7890 12" are not.
_GROUP_BEFORE = re.compile(r"[0-9] $")
_GROUP_AFTER = re.compile(r" [0-9]")
# A dotted date right after a digit and a dot is part of a version or an address (1.85.03.12).
_DOTTED_BEFORE = re.compile(r"[0-9]\.$")

# Letters a writer may type for digits: O (and o) for 0, l and I for 1. Only a letter that stands
# among digits or separators (no letter on either side) is read as a digit, and only a valid
# number (date and check digit) read that way counts: "KOMMUN" or "Il" never become digits.
LETTER_DIGITS = {"O": "0", "o": "0", "l": "1", "I": "1"}
_LETTER_DIGIT = re.compile(r"(?<![^\W\d_])[OolI](?![^\W\d_])")
_DIGIT_LIKE = frozenset("0123456789OolI")


@dataclass(frozen=True)
class Finding:
    number: str  # as found in the normalised text
    kind: str  # "personnummer" or "samordningsnummer"
    passage: str  # the text around it, with the number masked
    masked: str = ""  # the number with its last four digits replaced by ****

    def __post_init__(self):
        if not self.masked:
            object.__setattr__(self, "masked", mask(self.number))


def mask(number: str) -> str:
    """The number with its four last digits hidden, its length kept: 19850312-1234 becomes
    19850312-****, a serial split by a space (850312-12 34) 850312-** **."""
    chars = list(number)
    hidden = 0
    for index in range(len(chars) - 1, -1, -1):
        if hidden == 4:
            break
        if chars[index] in _DIGIT_LIKE:
            chars[index] = "*"
            hidden += 1
    if hidden < 4:
        return number[:-4] + "****" if len(number) >= 4 else "****"
    return "".join(chars)


def normalise(text: str) -> str:
    """What a reader sees, in the characters the pattern knows (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text or "").translate(INVISIBLE)
    text = _NON_ASCII.sub(_plain_char, text)
    return " ".join(text.split())


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _plain_char(match):
    """One non-ASCII character as the pattern should see it: a dash as "-", a digit of another
    script as its ASCII digit, an invisible format character (bidi marks, joiners) or a
    combining mark (a strike-through over a digit) as nothing."""
    char = match.group(0)
    if char in EXTRA_DASHES:
        return "-"
    category = unicodedata.category(char)
    if category == "Pd":
        return "-"
    if category == "Nd":
        digit = unicodedata.decimal(char, None)
        return str(digit) if digit is not None else char
    if category in ("Cf", "Mn", "Me"):
        return ""
    return char


# A digit doubled, with the digits of the product summed (Luhn): 7 -> 14 -> 5.
_DOUBLED = {str(digit): (2 * digit) % 9 if digit != 9 else 9 for digit in range(10)}


def luhn_valid(digits: str) -> bool:
    total = sum(_DOUBLED[char] for char in digits[0::2]) + sum(map(int, digits[1::2]))
    return total % 10 == 0


def _date_kind(year, month, day):
    if not 1 <= month <= 12:
        return None
    kind = "personnummer"
    if day > 60:
        day -= 60
        kind = "samordningsnummer"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return kind


def _parts(match):
    """(year, yy, mm, dd, nnnn, date written with separators) of a match."""
    if match.group("yy12"):
        dated = match.group("ds12") is not None
        mm = match.group("mm12s") if dated else match.group("mm12")
        dd = match.group("dd12s") if dated else match.group("dd12")
        yy = match.group("yy12")
        nnnn = match.group("nnnn12").replace(" ", "")
        return int(match.group("century") + yy), yy, mm, dd, nnnn, dated
    dated = match.group("ds10") is not None
    mm = match.group("mm10s") if dated else match.group("mm10")
    dd = match.group("dd10s") if dated else match.group("dd10")
    yy = match.group("yy10")
    # Only the leap-year rule depends on the century; 2000 is a leap year like 1900 is not, so
    # 29 February "00" is accepted (it may be a person born in 2000).
    return 2000 + int(yy), yy, mm, dd, match.group("nnnn10").replace(" ", ""), dated


def _separators(match):
    """(date separator or None, serial separator or "", the four last digits as written)."""
    date_sep = match.group("ds12") or match.group("ds10")
    serial_sep = match.group("sep12") or match.group("sep10") or ""
    return date_sep, serial_sep, match.group("nnnn12") or match.group("nnnn10")


def _dated_form_reads_as_a_number(match, plain):
    """A date written with separators (81.12.18-9876) is a personnummer only when a hyphen, plus
    or dot leads to the four last digits, and no further date or time follows ("2025-01-01 -
    2025-12-31"). An ISO date of this century with four more digits ("2025-03-12-0001" in a file
    name) is a date, not a child's personnummer. Written in groups of two with spaces
    ("85 03 12 1231"), a space before the four last digits is enough."""
    date_sep, serial_sep, _serial = _separators(match)
    written = serial_sep.strip()
    if not (written or (date_sep == " " and serial_sep)):
        return False
    if _CONTINUES.match(plain, match.end()):
        return False
    if date_sep == "." and _DOTTED_BEFORE.search(plain, max(0, match.start() - 2), match.start()):
        return False
    return not (date_sep == "-" and match.group("century") == "20")


def _grouping_reads_as_a_number(match, plain):
    """The century apart ("19 85 03 12") only in a date of groups of two; the four last digits
    split ("12 31") only after a written separator (850312-12 31: "850312 12 31" is too much like
    a phone number); digits in groups not inside a longer run of groups."""
    date_sep, serial_sep, serial = _separators(match)
    if match.group("cs") and date_sep != " ":
        return False
    split = " " in serial
    if split and not serial_sep.strip():
        return False
    if not (split or date_sep == " "):
        return True
    before = _GROUP_BEFORE.search(plain, max(0, match.start() - 2), match.start())
    return not (before or _GROUP_AFTER.match(plain, match.end()))


def _looks_like_a_phone_number(match):
    """Ten digits run together that start with 0 are read as a Swedish phone number
    (0701234567, 0317001234): every area code starts with 0. Written with a separator
    (050312-1234) the number still counts."""
    number = match.group(0)
    return len(number) == 10 and number.isdigit() and number.startswith("0")


def _is_valid(match, plain):
    """The kind of number a match is, or None when it is not one."""
    # The grouping first: in a long run of digit groups (a table of figures) it turns down
    # every candidate, before the date and the check digit are worked out.
    if not _grouping_reads_as_a_number(match, plain):
        return None
    year, yy, mm, dd, nnnn, dated = _parts(match)
    kind = _date_kind(year, int(mm), int(dd))
    if kind is None or not luhn_valid(f"{yy}{mm}{dd}{nnnn}"):
        return None
    if dated and not _dated_form_reads_as_a_number(match, plain):
        return None
    if _looks_like_a_phone_number(match):
        return None
    return kind


def _candidates(plain):
    """Valid matches, trying every start position so that a rejected longer reading (a twelve
    digit form with a wrong date) does not hide a valid ten digit one inside it."""
    position = 0
    while True:
        match = PATTERN.search(plain, position)
        if match is None:
            return
        kind = _is_valid(match, plain)
        if kind is not None:
            yield match, kind
            position = match.end()
        else:
            position = match.start() + 1


def _letters_as_digits(plain):
    """The text with each letter that stands for a digit replaced by it (same length), or None
    when there is no such letter."""
    if not _LETTER_DIGIT.search(plain):
        return None
    return _LETTER_DIGIT.sub(lambda letter: LETTER_DIGITS[letter.group(0)], plain)


def _all_candidates(plain):
    """(start, end, kind) of every number in the normalised text, in order: those written in
    digits, then those that need letters read as digits (85O3l2-1231) where they do not overlap
    one already found."""
    found = [(match.start(), match.end(), kind) for match, kind in _candidates(plain)]
    digits = _letters_as_digits(plain)
    if digits is None:
        return found
    # The numbers in digits do not overlap one another and are in order, so their ends are in
    # order too: a number read with letters overlaps one of them only if it overlaps the last
    # one that starts before it ends.
    starts = [start for start, _end, _kind in found]
    ends = [end for _start, end, _kind in found]
    added = []
    for match, kind in _candidates(digits):
        start, end = match.span()
        before = bisect.bisect_left(starts, end)
        if before and ends[before - 1] > start:
            continue
        added.append((start, end, kind))
    return sorted(found + added)


_TAG = re.compile(r"<[^>]*>")


def _strip_tags(text):
    """strip_tags, which raises on some malformed markup ("<![x" in a summary): then every
    tag-like run is dropped, so odd input is still checked and never a 500."""
    try:
        return strip_tags(text)
    except (AssertionError, ValueError):
        return _TAG.sub("", text)


def find_identity_numbers(text: str, context: int = 40) -> list[Finding]:
    # Rich text keeps entities (&nbsp;, &#8209;): a reader sees the characters.
    plain = normalise(html.unescape(_strip_tags(text or "")))
    found = _all_candidates(plain)
    starts = [start for start, _end, _kind in found]
    findings = Findings(total=len(found))
    for index, (start, end, kind) in enumerate(found[:MAX_FINDINGS]):
        low, high = max(0, start - context), min(len(plain), end + context)
        # The numbers near it are masked in the passage too: those overlapping it, whole.
        first = index
        while first and found[first - 1][1] > low:
            first -= 1
        last = bisect.bisect_left(starts, high)
        nearby = found[first:last]
        region_start, region_end = min(low, nearby[0][0]), max(high, nearby[-1][1])
        shifted = [(a - region_start, b - region_start, k) for a, b, k in nearby]
        masked = _masked(plain[region_start:region_end], shifted)
        passage = masked[low - region_start : high - region_start]
        findings.append(Finding(number=plain[start:end], kind=kind, passage=passage))
    return findings


class Findings(list):
    """The first MAX_FINDINGS numbers found, in order; `total` is how many the text holds."""

    def __init__(self, items=(), total=0):
        super().__init__(items)
        self.total = total


def _masked(plain, found):
    """The text with each found number masked: built in one pass (masking each number in a
    copy of the whole text was quadratic, minutes for a file of many numbers)."""
    pieces, position = [], 0
    for start, end, _kind in found:
        pieces += [plain[position:start], mask(plain[start:end])]
        position = end
    pieces.append(plain[position:])
    return "".join(pieces)


def mask_identity_numbers(text: str) -> str:
    """The text (normalised) with the last four digits of every identity number hidden."""
    plain = normalise(text or "")
    return _masked(plain, _all_candidates(plain))


HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# A typed address (a link block's URL) with percent-escapes in it.
ESCAPED_URL = re.compile(r"[a-z][a-z0-9+.-]*:[^\s\"'<>]*%[0-9a-f]{2}[^\s\"'<>]*", re.IGNORECASE)


def link_targets(source: str) -> str:
    """The addresses of external links in rich text: strip_tags drops them, but the public page
    publishes them as href attributes. Percent-escapes are decoded, as the browser's address bar
    shows them ("?pnr=850312%2D1234" is 850312-1234); a typed address is read decoded too."""
    hrefs = [unquote(html.unescape(a or b)) for a, b in HREF.findall(source or "")]
    typed = [unquote(html.unescape(url)) for url in ESCAPED_URL.findall(source or "")]
    return "\n".join(hrefs + [url for url in typed if url not in hrefs])


def block_texts(body) -> str:
    """Everything a StreamField value publishes, rich text as its source (policies.text)."""
    return streamfield_text(body, markup=True)


def document_text(page) -> str:
    """Every piece of text a document publishes: title, summary and the whole body."""
    return "\n".join(
        [
            page.title or "",
            getattr(page, "summary", "") or "",
            block_texts(getattr(page, "body", None)),
        ]
    )


# -- attached files ------------------------------------------------------------------------

# Rich text stores a link to a Wagtail document as <a linktype="document" id="N">.
DOCUMENT_LINK = re.compile(r'<a\b(?=[^>]*\blinktype="document")[^>]*?\bid="(\d+)"')

# Read no more than this from one file, from one member of a DOCX/XLSX archive, or from all
# the members of one archive together: the upload limit is 20 MB, and a zip bomb (members that
# declare little each but inflate to gigabytes together) must not exhaust the memory or the
# time of the editor's request.
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_ARCHIVE_BYTES = 40 * 1024 * 1024
MAX_TEXT_CHARS = 5_000_000
# The most findings one text gives (the editor gets a message per finding, and a list of
# thousands of numbers would flood the form); Findings.total still counts them all.
MAX_FINDINGS = 100
MAX_PDF_PAGES = 1000


def linked_document_ids(body) -> list[int]:
    """Ids of the Wagtail documents (files) the body links to, in order, once each."""
    return document_ids_in(block_texts(body))


def document_ids_in(markup: str) -> list[int]:
    """Ids of the Wagtail documents (files) rich text markup links to, in order, once each."""
    ids = []
    for found in DOCUMENT_LINK.findall(markup or ""):
        if int(found) not in ids:
            ids.append(int(found))
    return ids


def linked_documents(body):
    return documents_by_ids(linked_document_ids(body))


def documents_by_ids(ids):
    """The documents with these ids, in the same order; ids of deleted documents are skipped."""
    if not ids:
        return []
    documents = {doc.pk: doc for doc in get_document_model().objects.filter(pk__in=ids)}
    return [documents[pk] for pk in ids if pk in documents]


def attached_file_findings(title: str, filename: str, text: str):
    """(the file name as a message may show it, findings) for what an attached file publishes:
    its title and name (shown in the link and the address) and its text. The name is masked
    when it holds a number itself."""
    name_findings = find_identity_numbers(f"{title}\n{filename}")
    shown = mask_identity_numbers(filename) if name_findings else filename
    text_findings = find_identity_numbers(text)
    both = Findings(
        (name_findings + text_findings)[:MAX_FINDINGS],
        total=name_findings.total + text_findings.total,
    )
    return shown, both


def document_findings(document):
    """attached_file_findings for a stored Wagtail document."""
    name = os.path.basename(document.file.name or "")
    return attached_file_findings(document.title or "", name, file_text(document))


def file_text(document) -> str:
    """The text of an attached file (PDF, DOCX, XLSX, TXT/CSV), "" for other kinds or when the
    file cannot be read; FileTooLargeToCheck when an archive part is over the budgets. Cached by
    content hash when there is one: a page is saved many times."""
    name = os.path.basename(document.file.name or "")
    file_hash = getattr(document, "file_hash", "") or ""
    if not file_hash:
        return extract_text(name, _read(document))
    key = (name, file_hash)
    if key not in _TEXT_CACHE:
        if len(_TEXT_CACHE) >= 64:
            _TEXT_CACHE.pop(next(iter(_TEXT_CACHE)))
        try:
            _TEXT_CACHE[key] = extract_text(name, _read(document))
        except FileTooLargeToCheck as exc:
            # Kept too: the same file is refused again without being unpacked again.
            _TEXT_CACHE[key] = exc
    cached = _TEXT_CACHE[key]
    if isinstance(cached, FileTooLargeToCheck):
        raise cached
    return cached


_TEXT_CACHE: dict = {}


def _read(document) -> bytes:
    try:
        with document.file.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES)
    except (OSError, ValueError):
        return b""


def extract_text(filename: str, data: bytes) -> str:
    extension = os.path.splitext(filename)[1].lower().lstrip(".")
    reader = {
        "pdf": _pdf_text,
        "docx": _docx_text,
        "xlsx": _xlsx_text,
        "pptx": _zip_xml_text,
        "odt": _zip_xml_text,
        "rtf": _rtf_text,
        "txt": _plain_text,
        "csv": _plain_text,
    }.get(extension)
    if reader is None or not data:
        return ""
    try:
        return reader(data)[:MAX_TEXT_CHARS]
    except FileTooLargeToCheck:
        # Not a broken file: one that cannot be checked whole, which the caller refuses.
        raise
    except Exception:  # noqa: BLE001 - a broken file is not checked, never a 500
        return ""


def _plain_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    texts = []
    size = 0
    for index, page in enumerate(reader.pages):
        if index >= MAX_PDF_PAGES or size > MAX_TEXT_CHARS:
            break
        text = page.extract_text() or ""
        texts.append(text)
        size += len(text)
    # Every document property (Author, Creator … as well as Title), what a reader sees in the
    # viewer's comments and filled-in form fields, and the XMP metadata packet.
    return "\n".join(texts + _pdf_extras(reader))


def _pdf_extras(reader) -> list[str]:
    metadata = reader.metadata or {}
    texts = [str(value or "") for value in metadata.values()]
    for page in reader.pages[:MAX_PDF_PAGES]:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            texts.extend(str(annotation.get(key) or "") for key in ("/Contents", "/T", "/V"))
    texts.extend(str(field.get("/V") or "") for field in (reader.get_fields() or {}).values())
    xmp = reader.trailer["/Root"].get("/Metadata")
    if xmp is not None:
        texts.append(_markup_text(xmp.get_object().get_data()))
    return texts


def _markup_text(data: bytes) -> str:
    """The text and attribute values of an XML part, without parsing it (no DTD is expanded)."""
    text = data[:MAX_MEMBER_BYTES].decode("utf-8", errors="replace")
    attributes = re.findall(r"""=\s*(?:"([^"]*)"|'([^']*)')""", text)
    return "\n".join([_TAG.sub(" ", text), *(a or b for a, b in attributes)])


class FileTooLargeToCheck(Exception):
    """An archive part, or all of its parts together, unpack past the budgets above: the file
    cannot be read whole, and a number in the unread part would go unchecked, so the file is
    refused (see `too_large_message`) rather than checked in part."""

    def __init__(self, part: str, limit: int, whole: bool = False):
        super().__init__(part)
        self.part = part
        self.limit = limit
        self.whole = whole


def too_large_message(exc: FileTooLargeToCheck, filename: str = "") -> str:
    """The Swedish message for a file that could not be checked."""
    name = os.path.basename(filename or "")
    what = _("filen ”%(name)s”") % {"name": name} if name else _("filen")
    if exc.whole:
        reason = _(
            "innehållet i %(what)s är för stort uppackat (mer än %(limit)s MB tillsammans)"
        ) % {"what": what, "limit": exc.limit // (1024 * 1024)}
    else:
        reason = _("delen ”%(part)s” i %(what)s är för stor uppackad (mer än %(limit)s MB)") % {
            "part": exc.part,
            "what": what,
            "limit": exc.limit // (1024 * 1024),
        }
    return _(
        "Filen kunde inte kontrolleras för personnummer eftersom %(reason)s. Spara filen utan "
        "stora inbäddade delar (till exempel som PDF) och försök igen."
    ) % {"reason": reason}


class _Archive:
    """A DOCX/XLSX/PPTX/ODT archive read within the budgets above. zipfile never inflates a
    member past the size it declares, so the declared sizes are counted before reading: a
    member over MAX_MEMBER_BYTES, or past what is left of MAX_ARCHIVE_BYTES, is not read and
    the file is refused (FileTooLargeToCheck): what it holds would otherwise go unchecked."""

    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.left = MAX_ARCHIVE_BYTES

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def namelist(self) -> list[str]:
        return self.zip.namelist()

    def root(self, name: str):
        """The parsed XML of a member; FileTooLargeToCheck when it is over a budget."""
        info = self.zip.getinfo(name)
        if info.file_size > MAX_MEMBER_BYTES:
            raise FileTooLargeToCheck(name, MAX_MEMBER_BYTES)
        if info.file_size > self.left:
            raise FileTooLargeToCheck(name, MAX_ARCHIVE_BYTES, whole=True)
        self.left -= info.file_size
        return _xml(self.zip.read(info))


def _within_budget(data: bytes) -> bool:
    """Whether every member of the archive `data` fits the budgets above, as declared."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sizes = [info.file_size for info in archive.infolist()]
    return max(sizes, default=0) <= MAX_MEMBER_BYTES and sum(sizes) <= MAX_ARCHIVE_BYTES


_XML_COMMENT_OR_CDATA = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)


def _xml(data: bytes):
    """Parse XML from an uploaded archive; a DTD (entity expansion) is refused outright. The
    words "<!ENTITY" in a comment or CDATA section are not a DTD: refusing them would leave the
    whole file unread (and a reader's number in it unchecked)."""
    markup = _XML_COMMENT_OR_CDATA.sub(b"", data)
    if b"<!DOCTYPE" in markup or b"<!ENTITY" in markup:
        raise ValueError("DTD in an uploaded file")
    return ElementTree.fromstring(data)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


DOCX_PARTS = ("document", "header", "footer", "footnotes", "endnotes", "comments")
DOCX_CORE = "docProps/core.xml"
DOCX_TEXT = frozenset({"t", "delText", "instrText"})
DOCX_SPACE = frozenset({"tab", "br", "cr"})


def _docx_text(data: bytes) -> str:
    """Paragraph by paragraph, the runs of each joined as Word shows them: Word splits a number
    across runs freely, and writes its non-breaking hyphen as an element, not a character.
    Then what else the file carries: image descriptions (alt text), link targets, charts,
    SmartArt, the extended and custom properties (_zip_xml_text)."""
    texts = []
    with _Archive(data) as archive:
        parts = _docx_parts(archive.namelist())
        for name in parts:
            root = archive.root(name)
            if root is None:
                continue
            if name == DOCX_CORE:
                texts.append(" ".join(node.text or "" for node in root.iter()))
                continue
            texts += [_docx_paragraph(node) for node in root.iter() if _local(node.tag) == "p"]
            texts += _attribute_texts(root)
        texts.append(_archive_xml_text(archive, skip=set(parts)))
    return "\n".join(texts)


# Attributes that hold text a reader sees or follows: alt text, titles, link targets, values.
TEXT_ATTRIBUTES = frozenset({"descr", "title", "Target", "href", "val", "name", "string-value"})


def _attribute_texts(root) -> list[str]:
    return [
        value
        for node in root.iter()
        for key, value in node.attrib.items()
        if _local(key) in TEXT_ATTRIBUTES and any(char.isdigit() for char in value)
    ]


def _zip_xml_text(data: bytes, skip=frozenset()) -> str:
    """The text of an Office Open XML or OpenDocument file (PPTX, ODT, and the parts of a DOCX
    that _docx_text does not read): each paragraph (<a:p>, <text:p>, <text:h>, <w:p>) joined as
    shown, the text of every other element, and the attribute values that carry text."""
    with _Archive(data) as archive:
        return _archive_xml_text(archive, skip)


def _archive_xml_text(archive: _Archive, skip=frozenset()) -> str:
    texts = []
    for name in archive.namelist():
        if name in skip or not name.endswith((".xml", ".rels")):
            continue
        root = archive.root(name)
        if root is not None:
            texts += _element_texts(root)
            texts += _attribute_texts(root)
        # Free one member's tree before the next is parsed: a tree is many times its XML.
        root = None
    return "\n".join(texts)


def _element_texts(node) -> list[str]:
    """A paragraph as one string (its runs joined), any other element's own text apart."""
    if _local(node.tag) in ("p", "h"):
        return ["".join(node.itertext())]
    texts = [node.text] if node.text and node.text.strip() else []
    for child in node:
        texts += _element_texts(child)
        if child.tail and child.tail.strip():
            texts.append(child.tail)
    return texts


_RTF_HEX = re.compile(r"\\'([0-9a-fA-F]{2})")
_RTF_UNICODE = re.compile(r"\\u(-?\d+) ?\??")
_RTF_BREAK = re.compile(r"\\(?:par|line|tab|cell|row)\b ?")
_RTF_CONTROL = re.compile(r"\\[a-zA-Z]+-?\d* ?|\\[^a-zA-Z']|[{}]")


def _rtf_text(data: bytes) -> str:
    """The text of an RTF file: control words dropped, escaped characters decoded, a number
    split by formatting groups ({\\b 12}) joined again."""
    text = data.decode("cp1252", errors="replace")
    text = _RTF_UNICODE.sub(lambda m: chr(int(m.group(1)) % 65536), text)
    text = _RTF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]).decode("cp1252", "replace"), text)
    text = _RTF_BREAK.sub("\n", text)
    return _RTF_CONTROL.sub("", text)


def _docx_parts(names) -> list[str]:
    """The body, headers, footers, notes and comments, then the document properties."""
    parts = [
        name
        for name in names
        if name.startswith("word/")
        and name.endswith(".xml")
        and os.path.basename(name).startswith(DOCX_PARTS)
    ]
    if DOCX_CORE in names:
        parts.append(DOCX_CORE)
    return parts


def _docx_paragraph(paragraph) -> str:
    pieces = []
    for node in paragraph.iter():
        tag = _local(node.tag)
        if tag in DOCX_TEXT:
            pieces.append(node.text or "")
        elif tag == "noBreakHyphen":
            pieces.append("-")
        elif tag in DOCX_SPACE:
            pieces.append(" ")
    return "".join(pieces)


def _xlsx_text(data: bytes) -> str:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - Wagtail installs it
        return _xlsx_text_from_xml(data)
    if not _within_budget(data):
        # openpyxl reads a part whole, however large it unpacks: read the XML within budget.
        return _xlsx_text_from_xml(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - fall back to reading the XML directly
        return _xlsx_text_from_xml(data)
    texts = []
    try:
        for sheet in workbook.worksheets:
            texts.append(sheet.title)
            for row in sheet.iter_rows():
                texts.append(
                    " | ".join(
                        _cell_text(cell.value, getattr(cell, "number_format", "General"))
                        for cell in row
                        if cell.value is not None
                    )
                )
    finally:
        workbook.close()
    return "\n".join(texts)


def _cell_text(value, number_format="General") -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        shown = _formatted_digits(value, number_format)
        return f"{value} {shown}" if shown and shown != str(value) else str(value)
    return str(value)


_DIGIT_FORMAT = re.compile(r'^[0#]+(?:(?:[-+ /]|\\.|"[^"0-9#]*")+[0#]+)*$')


def _formatted_digits(value: int, number_format: str) -> str:
    """An integer as a digit-pattern number format shows it: 506158427 formatted "000000-0000"
    is 050615-8427 (Excel drops the leading zero of a number typed without a separator)."""
    if value < 0 or not _DIGIT_FORMAT.match(number_format or ""):
        return ""
    pattern = re.sub(r'\\(.)|"([^"]*)"', lambda m: m.group(1) or m.group(2), number_format)
    digits = str(value).zfill(pattern.count("0"))
    shown, index = [], len(digits)
    for char in reversed(pattern):
        if char in "0#":
            index -= 1
            shown.append(digits[index] if index >= 0 else "")
        else:
            shown.append(char)
    return digits[: max(index, 0)] + "".join(reversed(shown))


def _xlsx_text_from_xml(data: bytes) -> str:
    texts = []
    with _Archive(data) as archive:
        for name in archive.namelist():
            if name == "xl/sharedStrings.xml":
                root = archive.root(name)
                texts += _shared_strings(root) if root is not None else []
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                root = archive.root(name)
                texts += _sheet_values(root) if root is not None else []
    return "\n".join(texts)


def _shared_strings(root) -> list[str]:
    return ["".join(n.text or "" for n in item.iter() if _local(n.tag) == "t") for item in root]


def _sheet_values(root) -> list[str]:
    """The cells' own values; a shared string (t="s") is read from the shared strings."""
    return [
        " ".join(n.text or "" for n in cell.iter() if _local(n.tag) in ("v", "t"))
        for cell in root.iter()
        if _local(cell.tag) == "c" and cell.get("t") != "s"
    ]
