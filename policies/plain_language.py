"""Klarspråk: how readable a styrdokument is, for the editor's panel and the reports.

Språklagen (2009:600) 11 § asks a myndighet's language to be "vårdat, enkelt och begripligt".
Nothing here judges a text or stops it: the figures are advice for the writer, so the analysis
is pure (text in, figures out), never raises on odd input and reads the body the same way as
search does (policies.text), block by block, without fetching anything a block points to.

LIX (läsbarhetsindex, Björnsson 1968) = words per sentence + the percentage of long words
(more than six letters). Swedish needs its own sentence splitting: "t.ex.", "bl.a.", "dvs.",
"enl.", "kap." and the like do not end a sentence, nor do the points in "3.2" or "2009:400",
while a list item or a paragraph always ends one (a styrdokument's lists are often written
without full stops). Headings name the sections and are not counted: a one-word "Syfte" would
flatter every section it opens.
"""

import re
from dataclasses import dataclass, field
from statistics import median

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .text import html_to_text

LONG_WORD_LETTERS = 6  # a long word has more letters than this
LONG_SENTENCE_WORDS = 25  # a sentence with more words than this is flagged
LONGEST_SHOWN = 3
DIFFICULT_LIX = 50  # the reports list documents above this

# A word: letters and digits, with inner hyphens, apostrophes, colons, points or slashes
# ("e-post", "KS-2026-10", "2009:400", "3.2", "t.ex", "och/eller").
WORD = re.compile(r"[^\W_]+(?:[-‐–'’:./][^\W_]+)*")
# Where a sentence may end: terminal punctuation (and closing quotes or brackets) before a space.
SENTENCE_END = re.compile(r"[.!?;…]+[\"”’»)\]]*(?=\s|$)")
TOKEN_BEFORE = re.compile(r"(\S+)$")
BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|ol|ul|div)\s*>|<br\s*/?>", re.IGNORECASE)

# Abbreviations that never end a sentence: what follows belongs to the same sentence.
NEVER_END = frozenset(
    [
        *("t.ex.", "bl.a.", "dvs.", "d.v.s.", "enl.", "kap.", "jfr.", "jmf.", "ca.", "c:a"),
        *("s.k.", "resp.", "inkl.", "exkl.", "st.", "nr.", "p.", "mom.", "fr.o.m.", "t.o.m."),
        *("f.d.", "o.d.", "e.d.", "ang.", "avs.", "bet.", "prop.", "sfs.", "dnr.", "tel."),
        *("m.a.o.", "p.g.a.", "pga.", "kl.", "vs.", "sid.", "ff.", "tf.", "bitr.", "adj."),
        *("prel.", "ev.", "s.a.s.", "i.o.m.", "avd.", "enh.", "t.v.", "ungef.", "uppl.", "vol."),
    ]
)
# Abbreviations that often close a list at the end of a sentence: they end one when the next
# word begins with a capital letter.
MAY_END = frozenset(["m.m.", "mm.", "osv.", "o.s.v.", "etc.", "m.fl.", "o.dyl.", "o.likn."])


@dataclass(frozen=True)
class Band:
    """A LIX range in words a writer understands, with what to do about it."""

    key: str
    label: str
    guidance: str
    warning: bool


BANDS = (
    (
        30,
        Band(
            "very-easy",
            _("Mycket lättläst"),
            _("Som en lättläst text för alla. Kontrollera att inget viktigt har fallit bort."),
            False,
        ),
    ),
    (
        40,
        Band(
            "easy",
            _("Lättläst"),
            _("Som en tidningsartikel för en bred publik. Bra för de flesta styrdokument."),
            False,
        ),
    ),
    (
        50,
        Band(
            "medium",
            _("Medelsvår"),
            _(
                "Som normal saktext. Godtagbart, men se om de längsta meningarna kan delas och "
                "om långa sammansatta ord kan bytas mot vanligare."
            ),
            False,
        ),
    ),
    (
        60,
        Band(
            "difficult",
            _("Svår"),
            _(
                "Som en facktext. Dela långa meningar, skriv en sak per mening, byt ut "
                "myndighetsord och skriv ut vem som gör vad."
            ),
            True,
        ),
    ),
    (
        None,
        Band(
            "very-difficult",
            _("Mycket svår"),
            _(
                "Byråkratisk text som många läsare inte förstår. Skriv om: börja med det "
                "viktigaste, använd korta meningar och vardagliga ord, och tilltala läsaren."
            ),
            True,
        ),
    ),
)
NO_TEXT_BAND = Band("empty", _("Ingen text"), _("Det finns ännu ingen löptext att bedöma."), False)

GUIDANCE = (
    _("Skriv det viktigaste först."),
    _("Håll meningarna under 25 ord, en sak per mening."),
    _("Använd vardagliga ord och förklara de facktermer som behövs."),
    _("Skriv ut vem som ska göra vad, i aktiv form: ”Chefen ska …”, inte ”Det åligger …”."),
)


def lix_band(value):
    """The band of a LIX value (LIX up to 30 mycket lättläst, over 60 mycket svår)."""
    if value is None:
        return NO_TEXT_BAND
    for upper, band in BANDS:
        if upper is None or value <= upper:
            return band
    return BANDS[-1][1]  # pragma: no cover - the last band has no upper bound


# -- words and sentences -----------------------------------------------------------------


def words(text):
    """The words of a text (numbers and codes such as KS-2026-10 count as one word each)."""
    return WORD.findall(text or "")


def is_long(word):
    return sum(1 for character in word if character.isalpha()) > LONG_WORD_LETTERS


def _ends_sentence(line, match):
    punctuation = match.group()
    if any(mark in punctuation for mark in "!?;…"):
        return True
    before = TOKEN_BEFORE.search(line, 0, match.start())
    token = (before.group(1) if before else "").lstrip("(\"”'’«[").lower() + "."
    following = line[match.end() :].lstrip()[:1]
    if not following:
        return True
    if token in NEVER_END or following == "§":
        return False
    if token in MAY_END:
        return following.isupper()
    # A Swedish sentence starts with a capital letter, a digit or a quotation mark: a point
    # before a small letter belongs to an abbreviation the lists above do not know.
    return not following.islower()


def split_sentences(text):
    """The sentences of a text; every line ends a sentence (a paragraph or a list item)."""
    sentences = []
    for line in (text or "").splitlines():
        start = 0
        for match in SENTENCE_END.finditer(line):
            if _ends_sentence(line, match):
                sentences.append(line[start : match.end()].strip())
                start = match.end()
        sentences.append(line[start:].strip())
    return [sentence for sentence in sentences if words(sentence)]


# -- reading the body --------------------------------------------------------------------


def html_lines(source):
    """Rich text as lines: one per paragraph, list item, heading or line break."""
    lines = []
    for fragment in BLOCK_END.split(source or ""):
        text = html_to_text(fragment).strip()
        if text:
            lines.append(text)
    return lines


def block_lines(block, raw):
    """The running text of one block's stored value as lines. Short typed values (a
    CharBlock: a caption, a term, a law's title, a requirement's designation) are labels, not
    prose, and choosers and link addresses are no text at all."""
    if raw is None:
        return []
    for kind, read in READERS:
        if isinstance(block, kind):
            return read(block, raw)
    return []


def _rich_text_lines(block, raw):
    return html_lines(raw if isinstance(raw, str) else getattr(raw, "source", ""))


def _stream_lines(block, raw):
    lines = []
    for item in raw if isinstance(raw, list) else []:
        child = block.child_blocks.get(item.get("type")) if isinstance(item, dict) else None
        if child is not None:
            lines += block_lines(child, item.get("value"))
    return lines


def _struct_lines(block, raw):
    if not isinstance(raw, dict):
        return []
    lines = []
    for name, child in block.child_blocks.items():
        lines += block_lines(child, raw.get(name))
    return lines


def _list_lines(block, raw):
    lines = []
    for item in raw if isinstance(raw, list) else []:
        # Stored as {"type": "item", "value": …, "id": …}, or the bare value in older data.
        value = item["value"] if block._item_is_in_block_format(item) else item
        lines += block_lines(block.child_block, value)
    return lines


def _text_lines(block, raw):
    if not isinstance(raw, str):
        return []
    return [line.strip() for line in raw.splitlines() if line.strip()]


READERS = (
    (blocks.RichTextBlock, _rich_text_lines),
    (blocks.StreamBlock, _stream_lines),
    (blocks.StructBlock, _struct_lines),
    (blocks.ListBlock, _list_lines),
    (blocks.TextBlock, _text_lines),
)


def _stream(value):
    """(stream block, stored JSON) of a StreamField value, or (None, []) for no body."""
    stream_block = getattr(value, "stream_block", None)
    if stream_block is None or not value:
        return None, []
    return stream_block, list(value.raw_data)


def body_sections(value):
    """[(heading, lines)]: the text before the first heading, then one part per heading."""
    stream_block, raw = _stream(value)
    sections = [("", [])]
    for item in raw:
        if not isinstance(item, dict):
            continue
        child = stream_block.child_blocks.get(item.get("type"))
        if child is None:
            continue
        if item.get("type") == "heading":
            heading = (item.get("value") or {}).get("text") or ""
            sections.append((str(heading).strip(), []))
        else:
            sections[-1][1].extend(block_lines(child, item.get("value")))
    return [(heading, lines) for index, (heading, lines) in enumerate(sections) if index or lines]


# -- the figures -------------------------------------------------------------------------


@dataclass
class Sentence:
    text: str
    words: int

    @property
    def too_long(self):
        return self.words > LONG_SENTENCE_WORDS


@dataclass
class TextStats:
    words: int = 0
    sentences: int = 0
    long_words: int = 0

    @property
    def lix(self):
        """LIX to one decimal, None for a text without words."""
        if not self.words:
            return None
        value = self.words / max(self.sentences, 1) + 100 * self.long_words / self.words
        return round(value, 1)

    @property
    def lix_display(self):
        return "–" if self.lix is None else f"{self.lix:.0f}"

    @property
    def band(self):
        return lix_band(self.lix)

    @property
    def average_sentence_words(self):
        return round(self.words / self.sentences, 1) if self.sentences else 0


@dataclass
class Section:
    heading: str
    stats: TextStats


@dataclass
class AvoidHit:
    word: str
    suggestion: str
    comment: str
    count: int
    forms: list = field(default_factory=list)


@dataclass
class Analysis:
    stats: TextStats
    sections: list
    longest: list
    long_sentences: int
    hits: list

    @property
    def band(self):
        return self.stats.band

    @property
    def lix(self):
        return self.stats.lix

    @property
    def has_warnings(self):
        return self.band.warning or bool(self.long_sentences) or bool(self.hits)

    guidance = GUIDANCE


def measure(sentences):
    counted = [words(sentence) for sentence in sentences]
    return TextStats(
        words=sum(len(w) for w in counted),
        sentences=len(sentences),
        long_words=sum(1 for w in counted for word in w if is_long(word)),
    )


def avoid_pattern(forms):
    """One case-insensitive pattern for a word's forms, as whole words or phrases."""
    alternatives = sorted(
        {re.escape(" ".join(form.split())) for form in forms if form and form.strip()},
        key=len,
        reverse=True,
    )
    if not alternatives:
        return None
    spaced = [alternative.replace(r"\ ", r"\s+") for alternative in alternatives]
    return re.compile(r"(?<![\w-])(?:" + "|".join(spaced) + r")(?![\w-])", re.IGNORECASE)


def avoid_hits(text, avoid_words):
    """Words to avoid found in `text`; `avoid_words` yields (word, forms, suggestion, comment)."""
    hits = []
    for word, forms, suggestion, comment in avoid_words:
        pattern = avoid_pattern([word, *forms])
        if pattern is None:
            continue
        found = [match.group() for match in pattern.finditer(text)]
        if found:
            seen = list(dict.fromkeys(form.lower() for form in found))
            hits.append(AvoidHit(word, suggestion, comment, len(found), seen))
    hits.sort(key=lambda hit: (-hit.count, hit.word.lower()))
    return hits


def analyse_lines(sections, avoid_words=()):
    """The analysis of [(heading, lines)]: the whole text, each section, the longest
    sentences and the words to avoid."""
    all_sentences, parts = [], []
    for heading, lines in sections:
        sentences = split_sentences("\n".join(lines))
        all_sentences += sentences
        parts.append(Section(heading, measure(sentences)))
    counted = [Sentence(sentence, len(words(sentence))) for sentence in all_sentences]
    longest = sorted(counted, key=lambda sentence: -sentence.words)[:LONGEST_SHOWN]
    text = "\n".join(line for _heading, lines in sections for line in lines)
    return Analysis(
        stats=measure(all_sentences),
        sections=parts,
        longest=longest,
        long_sentences=sum(1 for sentence in counted if sentence.too_long),
        hits=avoid_hits(text, avoid_words),
    )


def analyse(body=None, summary="", avoid_words=()):
    """The analysis of a document: its summary (a section of its own) and its body."""
    sections = []
    summary_lines = [line.strip() for line in (summary or "").splitlines() if line.strip()]
    if summary_lines:
        sections.append((str(_("Sammanfattning")), summary_lines))
    for heading, lines in body_sections(body):
        sections.append((heading or str(_("Inledning")), lines))
    return analyse_lines(sections, avoid_words)


def analyse_text(text, avoid_words=()):
    """The analysis of plain text (one section), as typed."""
    return analyse_lines([("", (text or "").splitlines())], avoid_words)


def document_stats(body=None, summary=""):
    """The figures stored per document for the reports (no words to avoid: they change)."""
    return analyse(body, summary).stats


def median_lix(values):
    values = [value for value in values if value is not None]
    return round(median(values), 1) if values else None
