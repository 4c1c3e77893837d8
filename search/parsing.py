"""Reading what a reader typed into a query.

A query is read as words and "quoted phrases" (an upper-case OR or ELLER between words makes
alternatives); a word or phrase with a minus sign in front (-ord, -"en fras") excludes the
documents that contain it. Everything else a reader may type (brackets, SQL-ish text, a stray
quote) is treated as a word separator, so the backend only ever sees plain words.

A phrase keeps its hyphenated words whole ("säker e-post"): PostgreSQL indexes "e-post" as the
compound and its two parts, one position after another, so a phrase of the parts alone ("säker
e post") would never match the positions; SQLite's tokenizer splits it the same way as the text.

A word may have synonyms (search.synonyms, an admin-editable list): they are searched as other
forms of the same word, so "hemarbete" also finds "distansarbete" without requiring both.

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
# A word of a phrase: letters and digits, hyphenated words kept whole ("e-post").
PHRASE_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
EXCLUDE = "-"
# A minus sign right before a quoted phrase, at the start or after a space: -"en fras".
EXCLUDED_PHRASE_BEFORE = re.compile(r"(?:^|\s)-+$")
MAX_SYNONYMS = 8  # of one word, at most


@dataclass(frozen=True)
class Word:
    """A word of the query, found in any of its forms: itself, its stem and its synonyms (a
    synonym of several words as those words, all of them)."""

    word: str
    synonyms: tuple = field(default=(), compare=False)

    @property
    def forms(self):
        forms = [self.word, stem(self.word)]
        for synonym in self.synonyms:
            forms += [synonym] if not WORD.fullmatch(synonym) else [synonym, stem(synonym)]
        return unique(forms)

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
    exclusions: list = field(default_factory=list)  # terms no document found may contain

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


def parse_query(raw, synonyms=None):
    """A ParsedQuery, with Swedish notices about anything that was left out.

    `synonyms(word)` gives the other terms a word is also found as (search.synonyms.expansions);
    without it words are searched as typed (and as their stems and parts).
    """
    text, shortened = clean_query(raw)
    parsed = ParsedQuery(text=text)
    if shortened:
        parsed.notices.append(
            _("Sökfrågan var för lång och har kortats till %(n)s tecken.") % {"n": MAX_QUERY_LENGTH}
        )
    if not text:
        return parsed
    reader = QueryReader(synonyms)
    pieces = PHRASES.split(text)
    for index, piece in enumerate(pieces):
        excluded = index > 0 and bool(EXCLUDED_PHRASE_BEFORE.search(pieces[index - 1]))
        reader.read(piece, excluded_phrase=excluded)
    parsed.groups = [group for group in reader.groups if group]
    parsed.exclusions = reader.exclusions
    parsed.notices += reader.notices(found_terms=bool(parsed.groups))
    return parsed


class QueryReader:
    """The terms of a query, piece by piece, and what was left out of them (for the notices)."""

    def __init__(self, synonyms=None):
        self.groups = [[]]
        self.exclusions = []
        self.seen = set()
        self.synonyms = synonyms
        self.stray_quote = self.too_long = self.stop_words = self.too_many = False

    def read(self, piece, excluded_phrase=False):
        if len(piece) >= 2 and piece.startswith('"') and piece.endswith('"'):
            self.read_phrase(piece, excluded=excluded_phrase)
            return
        self.stray_quote |= '"' in piece
        for chunk in piece.split():
            if chunk in OR_WORDS:
                if self.groups[-1]:
                    self.groups.append([])
                continue
            if chunk.startswith(EXCLUDE):
                self.read_exclusion(chunk.lstrip(EXCLUDE))
                continue
            for word in WORD.findall(chunk.lower()):
                self.read_word(word)

    def phrase_words(self, text):
        """The words of a phrase, hyphenated ones whole; over-long ones are left out."""
        words = PHRASE_WORD.findall(text.lower())
        phrase = [w for w in words if len(w) <= MAX_WORD]
        self.too_long |= len(phrase) < len(words)
        return tuple(phrase)

    def read_phrase(self, piece, excluded=False):
        phrase = self.phrase_words(piece)
        if phrase:
            self.add(QuotedPhrase(phrase), excluded=excluded)

    def read_exclusion(self, chunk):
        """-ord: each word excluded in any of its forms; a hyphenated one (-e-post) as the
        phrase of its parts."""
        for word in self.phrase_words(chunk):
            if "-" in word:
                self.add(QuotedPhrase((word,)), excluded=True)
            elif word in STOPWORDS:
                self.stop_words = True
            else:
                self.add(Word(word), excluded=True)

    def read_word(self, word):
        if len(word) > MAX_WORD:
            self.too_long = True
        elif word in STOPWORDS:
            self.stop_words = True
        else:
            self.add(Word(word, synonyms=self.synonyms_of(word)))

    def synonyms_of(self, word):
        if self.synonyms is None:
            return ()
        found = []
        for synonym in self.synonyms(word) or ():
            # The words of a synonym of several words, but its stop words ("hot och våld").
            words = PHRASE_WORD.findall(str(synonym).lower())
            synonym = " ".join(w for w in words if w not in STOPWORDS or len(words) == 1)
            if synonym and synonym != word and len(synonym) <= MAX_WORD:
                found.append(synonym)
        return tuple(unique(found))[:MAX_SYNONYMS]

    def add(self, term, excluded=False):
        key = (excluded, term)
        if key in self.seen:
            return
        if len(self.seen) >= MAX_TERMS:
            self.too_many = True
            return
        self.seen.add(key)
        (self.exclusions if excluded else self.groups[-1]).append(term)

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
        if self.exclusions:
            return [
                _(
                    "Sökfrågan innehåller bara ord som ska uteslutas (med minustecken framför). "
                    "Skriv också minst ett ord att söka efter, till exempel ”lösenord -byte”."
                )
            ]
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
