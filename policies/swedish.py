"""Swedish words: stems, compound parts and å/ä/ö folding, for the search index and queries.

Swedish writes compounds as one word ("informationssäkerhetsriktlinje"), so a reader searching
for "säkerhet" or "riktlinje" would miss them in a plain full-text index. Each document is
therefore indexed with an extra field (`Styrdokument.search_terms`) holding, besides its words,
their compound parts, their Snowball stems and their forms without å/ä/ö. Queries (the search
app) go through the same functions, so whichever backend does the matching (PostgreSQL with the
`swedish` configuration, SQLite FTS5, Elasticsearch) compares like with like. It lives with the
documents because the index field is theirs; it is plain Python, so the settings may import it.

Compounds are split with a lexicon of the words the parts may be: a curated list of the
vocabulary of governance and information security (BASE_LEXICON; Elasticsearch's decompounder
gets the same list). A part is accepted when it is in the lexicon, or, for the last part, when
its stem is (so inflected endings work); the linking -s- (informations|säkerhet) is allowed
between parts.
"""

import re
import unicodedata
from functools import cache, lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_PART = 3
MAX_WORD = 60

_STOPWORD_TEXT = """
    alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din
    dina ditt du där då efter ej eller en er era ert ett för från ha hade han hans har henne
    hennes hon honom hur här i icke ingen inom inte jag ju kan kunde man med mellan men mig min
    mina mitt mot mycket ni nu när någon något några och om oss på samma sedan sig sin sina
    sitta själv skulle ska skall som så sådan sådana sådant till under upp ut utan vad var vara
    varför varit varje vars vart vem vi vid vilka vilkas vilken vilket vår våra vårt än är åt
    över samt hos
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# The parts compounds in styrdokument are typically made of; extend it as the register grows.
_LEXICON_TEXT = """
    information data dator system program policy riktlinje riktlinjer rutin rutiner
    stöd anvisning anvisningar säkerhet skydd hantering hanteringen plan planering planen
    incident incidenter klassning klass behörighet behörigheter kontroll kontinuitet risk risker
    analys ägare förvaltning förvaltare ansvar ansvarig lösen lösenord ord fras fraser kopia
    kopiering säkerhetskopiering logg loggning granskning uppföljning utbildning medvetenhet krav
    upphandling avtal leverantör tjänst tjänster moln personuppgift personuppgifter uppgift
    uppgifter dataskydd ombud fysisk teknisk nät nätverk brand vägg mobil enhet enheter telefon
    distans arbete hem kontor post e-post epost mejl meddelande kommun kommunens nämnd
    styrelse fullmäktige direktör chef chefer stab verksamhet medarbetare anställd
    användare konto konton åtkomst identitet kort intern extern offentlig sekretess arkiv
    diarium dokument handling handlingar beslut organisation roll roller grupp grupper
    signal kris krisledning beredskap reserv rutin larm övning test tester
    internkontroll kontroller revision översyn mål strategi handlingsplan
    informationsklassning hot sårbarhet åtgärd åtgärder program utveckling drift underhåll
    backup återställning återläsning miljö server servrar nyckel nycklar kryptering certifikat
    skrivare utskrift papper lokal lokaler lås larm besökare vakt kamera bevakning
    besök bricka brickor passer entré dörr dörrar rum hus stadshus reception skåp förråd
    journal register utdrag registerutdrag begäran anmälan avvikelse avvikelser rapport
    rapportering ledning stöd stödet beslut beslutet delegation ordning
    utbyte överföring lagring radering gallring bevarande e-tjänst webb sida sidor app appar
    skola förskola omsorg vård social socialtjänst bygg miljö trafik vatten avlopp
    leverans förråd fordon bil resa resor möte möten video samtal chatt sms fax
    skärm dator datorer surfplatta minne sticka usb kort kod koder pin faktor
    autentisering inloggning utloggning session intrång attack virus skadlig kod fiske
"""
BASE_LEXICON = frozenset(_LEXICON_TEXT.split())

_stemmer = snowballstemmer.stemmer("swedish")
FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "æ": "a", "ø": "o"})


@lru_cache(maxsize=100_000)
def stem(word):
    return _stemmer.stemWord(word.lower())


def fold(text):
    """Without å, ä and ö: the fallback for queries typed on a keyboard without them."""
    return unicodedata.normalize("NFC", text).lower().translate(FOLD)


def words(text):
    """Lower-case words of the text, stop words and over-long tokens dropped."""
    return [
        w
        for w in WORD.findall(unicodedata.normalize("NFC", text or "").lower())
        if w not in STOPWORDS and len(w) <= MAX_WORD
    ]


class Lexicon:
    """Known words and their stems, for recognising compound parts."""

    def __init__(self, extra=()):
        self.words = set(BASE_LEXICON)
        self.words.update(w for w in extra if len(w) >= MIN_PART and w.isalpha())
        self.stems = {stem(w) for w in self.words}

    def knows(self, part, last=False):
        if len(part) < MIN_PART:
            return False
        return part in self.words or (last and stem(part) in self.stems)


_default_lexicon = None


def default_lexicon():
    global _default_lexicon
    if _default_lexicon is None:
        _default_lexicon = Lexicon()
    return _default_lexicon


@lru_cache(maxsize=100_000)
def split_compound(word, lexicon=None):
    """['information', 'säkerhet', 'riktlinjer'] for 'informationssäkerhetsriktlinjer'.

    Returns [] when the word is not a compound of known parts. Prefers the split with the
    fewest parts (longest known parts first).
    """
    lexicon = lexicon or default_lexicon()
    if len(word) < 2 * MIN_PART or not word.isalpha():
        return []

    @cache
    def best(start):
        if start == len(word):
            return ()
        candidates = []
        # The whole word is not a split of itself.
        longest = len(word) - 1 if start == 0 else len(word)
        for end in range(longest, start + MIN_PART - 1, -1):
            part = word[start:end]
            last = end == len(word)
            if not lexicon.knows(part, last=last):
                continue
            for link in ("", "s"):
                if link and not word.startswith(link, end):
                    continue
                rest = best(end + len(link))
                if rest is not None:
                    candidates.append((part, *rest))
                    break
            if candidates:
                break
        return min(candidates, key=len) if candidates else None

    parts = best(0)
    if not parts or len(parts) < 2:
        return []
    return list(parts)


def expand(word):
    """Everything a word is indexed as: itself, its stem, its parts and their stems."""
    forms = {word, stem(word)}
    for part in split_compound(word):
        forms.add(part)
        forms.add(stem(part))
    return forms


def index_text(text):
    """The text of the search_terms field: expanded words, then their å/ä/ö-less forms."""
    forms = []
    seen = set()
    for word in words(text):
        for form in sorted(expand(word)):
            if form not in seen:
                seen.add(form)
                forms.append(form)
    folded = [fold(form) for form in forms]
    extra = [form for form in dict.fromkeys(folded) if form not in seen]
    return " ".join(forms + extra)
