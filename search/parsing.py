"""Reading what a reader typed into a query.

A query is read as words and "quoted phrases" (an upper-case OR or ELLER between words makes
alternatives). Everything else a reader may type (operators, brackets, SQL-ish text, a stray
quote) is treated as a word separator, so the backend only ever sees plain words.

Each word is searched as any of its forms: the word, its Snowball stem and, for a compound, its
parts; the index holds the same forms of the documents' words (`Styrdokument.search_terms`, see
policies.swedish). So "riktlinjerna" finds "riktlinje", "säkerhet" finds "informationssäkerhet"
and "incidenthantering" finds "hantering av incidenter".
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from policies.swedish import MAX_WORD, STOPWORDS, WORD, fold, split_compound, stem

MAX_QUERY_LENGTH = 200
MAX_TERMS = 16

# Typographic quotes count as quotes; control characters (NUL included) never reach a database.
QUOTES = str.maketrans(dict.fromkeys("“”„‟«»″〝〞＂", '"'))
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
OR_WORDS = frozenset({"OR", "ELLER"})
PHRASES = re.compile(r'("[^"]*")')


@dataclass(frozen=True)
class Word:
    """A word of the query, found in any of its forms."""

    word: str

    @property
    def forms(self):
        return unique([self.word, stem(self.word)])

    @property
    def parts(self):
        return split_compound(self.word)


@dataclass(frozen=True)
class QuotedPhrase:
    """A quoted phrase: its words, in this order, in the text (no stems, no compound parts)."""

    words: tuple


@dataclass
class ParsedQuery:
    text: str = ""  # the query as shown back to the reader
    groups: list = field(default_factory=list)  # alternatives, each a list of terms (all needed)
    notices: list = field(default_factory=list)

    @property
    def terms(self):
        return [term for group in self.groups for term in group]


def unique(items):
    return list(dict.fromkeys(item for item in items if item))


def printable(value):
    """A value from the address, safe to repeat in a notice: no control characters."""
    return CONTROL.sub("", str(value))


def clean_query(raw):
    """The query with control characters removed, whitespace collapsed and at most
    MAX_QUERY_LENGTH characters (cut at a word boundary when there is one); and whether it was
    shortened."""
    text = unicodedata.normalize("NFC", str(raw or "")[: MAX_QUERY_LENGTH * 60])
    text = " ".join(CONTROL.sub(" ", text).translate(QUOTES).split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    cut = text[:MAX_QUERY_LENGTH]
    if text[MAX_QUERY_LENGTH] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(), True


def parse_query(raw):
    """A ParsedQuery, with Swedish notices about anything that was left out."""
    text, shortened = clean_query(raw)
    parsed = ParsedQuery(text=text)
    if shortened:
        parsed.notices.append(
            _("Sökfrågan var för lång och har kortats till %(n)s tecken.") % {"n": MAX_QUERY_LENGTH}
        )
    if not text:
        return parsed
    reader = QueryReader()
    for piece in PHRASES.split(text):
        reader.read(piece)
    parsed.groups = [group for group in reader.groups if group]
    parsed.notices += reader.notices(found_terms=bool(parsed.groups))
    return parsed


class QueryReader:
    """The terms of a query, piece by piece, and what was left out of them (for the notices)."""

    def __init__(self):
        self.groups = [[]]
        self.seen = set()
        self.stray_quote = self.too_long = self.stop_words = self.too_many = False

    def read(self, piece):
        if len(piece) >= 2 and piece.startswith('"') and piece.endswith('"'):
            self.read_phrase(piece)
            return
        self.stray_quote |= '"' in piece
        for chunk in piece.split():
            if chunk in OR_WORDS:
                if self.groups[-1]:
                    self.groups.append([])
                continue
            for word in WORD.findall(chunk.lower()):
                self.read_word(word)

    def read_phrase(self, piece):
        words = WORD.findall(piece)
        phrase = [w for w in WORD.findall(piece.lower()) if len(w) <= MAX_WORD]
        self.too_long |= len(phrase) < len(words)
        if phrase:
            self.add(QuotedPhrase(tuple(phrase)))

    def read_word(self, word):
        if len(word) > MAX_WORD:
            self.too_long = True
        elif word in STOPWORDS:
            self.stop_words = True
        else:
            self.add(Word(word))

    def add(self, term):
        if term in self.seen:
            return
        if len(self.seen) >= MAX_TERMS:
            self.too_many = True
            return
        self.seen.add(term)
        self.groups[-1].append(term)

    def notices(self, found_terms):
        notices = []
        if self.stray_quote:
            notices.append(
                _("Ett citattecken saknade sin motsvarighet och har inte räknats med i sökningen.")
            )
        if self.too_long:
            notices.append(
                _("Ord som är längre än %(n)s tecken ingår inte i sökningen.") % {"n": MAX_WORD}
            )
        if self.too_many:
            notices.append(_("Sökningen använder bara de %(n)s första orden.") % {"n": MAX_TERMS})
        if not found_terms:
            notices += self.nothing_to_search()
        return notices

    def nothing_to_search(self):
        if self.stop_words:
            return [
                _(
                    "Sökfrågan innehåller bara vanliga småord (som ”och”, ”för” och ”att”), som "
                    "sökningen bortser från. Skriv ett mer specifikt ord."
                )
            ]
        if not self.too_long:
            return [
                _(
                    "Sökfrågan innehåller inga ord att söka på. Skriv ett eller flera ord, till "
                    "exempel ”lösenord”."
                )
            ]
        return []


def changes_when_folded(parsed):
    """Whether the query reads differently without å, ä and ö (so the fallback may find more)."""
    for term in parsed.terms:
        words = term.words if isinstance(term, QuotedPhrase) else [term.word]
        if any(fold(word) != word for word in words):
            return True
    return False
