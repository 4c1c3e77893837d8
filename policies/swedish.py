"""Swedish words: stems, compound parts and å/ä/ö folding, for the search index and queries.

Swedish writes compounds as one word ("informationssäkerhetsriktlinje"), so a reader searching
for "säkerhet" or "riktlinje" would miss them in a plain full-text index. Each document is
therefore indexed with an extra field (`Styrdokument.search_terms`) holding, besides its words,
their compound parts, their Snowball stems and their forms without å/ä/ö. Queries (the search
app) go through the same functions, so whichever backend does the matching (PostgreSQL with the
`swedish` configuration, SQLite FTS5, Elasticsearch) compares like with like. It lives with the
documents because the index field is theirs; it is plain Python, so the settings may import it.

Compounds are split only into parts that are words in their own right: the curated vocabulary of
governance and information security (BASE_LEXICON; Elasticsearch's decompounder gets the same
list), and, for a Lexicon built with a corpus's word counts, the words that occur on their own
in that corpus at least `min_count` times. A made-up part ("lösen|ord" is fine, "in|formation"
is not) would widen a search to documents about something else, so:

- a part is a lexicon word; the last part may also be an inflection of one (its stem is known);
- a part before the next may drop its final -a/-e (skol|verksamhet, arbet|s|miljö) or change
  its -a (förskole|verksamhet), and may be followed by the linking -s- (informations|säkerhet)
  or -e- (tjänst|e|resa);
- words that are compounds only in form (lösenord, beredskap …: NEVER_SPLIT) are never split,
  in any inflection, though they may be parts of longer words (lösenords|policy);
- of all the splits, the one with the fewest parts wins, then the one with the fewest linking
  letters and dropped endings, so a word is never cut into more pieces than it needs.

The parts are returned as their lexicon words ("arbetsmiljö" → ["arbete", "miljö"]), so the
index holds real words a reader may type. Changing the lexicon or these rules changes what
documents are indexed with: run `manage.py update_index` after such a change.
"""

import re
import unicodedata
from functools import cache, lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_PART = 3
MIN_CORPUS_PART = 4  # a word learnt from a corpus is a part only from this length
CORPUS_MIN_COUNT = 3  # … and only when it occurs on its own at least this often
MAX_WORD = 60
LINKS = ("", "s", "e")  # the linking letters allowed between two parts
DROPPED_ENDINGS = ("e", "a")  # a part may drop its last vowel before the next (skola → skol-)
CHANGED_ENDINGS = "eou"  # … or change its -a (förskola → förskole-, gata → gatu-)

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
# Short words (three or four letters) are added with care: each is a possible cut inside every
# longer word ("gift" would cut "uppgift"), so only those that are common first or last parts.
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
    styrning styra samordnare samordning process processer funktion person personal
    inköp byte bild nivå nivåer konsekvens bedömning redovisning
    arkivering ärende ärenden biträde rätt rättighet rättigheter våld muta mutor korruption jäv
    visselblåsare visselblåsning förordning lag lagstiftning nummer diarie policyer kund
    invånare medborgare politiker förtroendevald utskott protokoll mall mallar lista listor
    händelse händelser hemifrån program schema kvalitet ekonomi budget inventering kartläggning
    katastrof avbrott reservkraft krypto nätverk ansökan blankett e-tjänster tillgång
    tillgänglighet säkerhetsskydd granskare beställning bibliotek kultur fritid hälsa
    hanterare policyn två genomgång administratör fördelning grund formulär mängd punkt kontakt
    ledare media behandling förteckning samverkan värde brist uppdatering fråga statistik tid
    kommunal måltid direkt introduktion kommunikation kompetens läkemedel lön rehabilitering
    prövning markering frånvaro stickprov skada samhälle byggnad räddning intresse släktskap
    bokning brevlåda klimat enkät moment detalj elev idrott anläggning regel regler gräns pool
"""
BASE_LEXICON = frozenset(_LEXICON_TEXT.split())

# Words that look like compounds of lexicon words but mean something else together; never split
# (in any inflection: "lösenordet" neither), though they may be parts of longer words.
_NEVER_SPLIT_TEXT = """
    lösenord beredskap nätverk verksamhet myndighet information kontroll program uppgift ansvar
    förvaltning organisation medarbetare användare handling avtal beslut behörighet riktlinje
    sekretess kommun arbete säkerhet utbildning uppföljning underhåll översyn inloggning
    utloggning leverantör anställd personal samordnare ledamot avdelning ärende medborgare
    invånare protokoll telefon kontor planering hantering granskning återställning rapport
    dokument fullmäktige direktör styrelse överföring bevakning passer reception papper
    kvalitet strategi ordning stadshus bibliotek tillgång biträde måltid
"""
NEVER_SPLIT = frozenset(_NEVER_SPLIT_TEXT.split())
# A word never split is still a part of longer words ("lösenords|policy"), so the lexicon
# holds it.
BASE_LEXICON = BASE_LEXICON | NEVER_SPLIT

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


_never_split_stems = frozenset(stem(word) for word in NEVER_SPLIT)


def never_split(word):
    """Whether the word is one of NEVER_SPLIT or an inflection of one ("lösenorden")."""
    return word in NEVER_SPLIT or stem(word) in _never_split_stems


def corpus_words(counts, min_count=CORPUS_MIN_COUNT):
    """The words of a corpus that may be compound parts: {word: frequency} → the words that
    occur on their own at least `min_count` times, long enough and not stop words. A word seen
    once or twice (a name, a typo, a compound itself) is not evidence that it is a word."""
    return {
        word
        for word, count in counts.items()
        if count >= min_count
        and len(word) >= MIN_CORPUS_PART
        and word.isalpha()
        and word not in STOPWORDS
    }


class Lexicon:
    """Known words and their stems, for recognising compound parts.

    `extra`: more words, each accepted (a collection of words, or the keys of a mapping).
    `counts`: a corpus's {word: frequency}; its words count from `min_count` occurrences on
    (corpus_words).
    """

    def __init__(self, extra=(), counts=None, min_count=CORPUS_MIN_COUNT):
        self.words = set(BASE_LEXICON)
        self.words.update(w for w in extra if len(w) >= MIN_PART and w.isalpha())
        if counts is not None:
            self.words.update(corpus_words(counts, min_count))
        self.words -= STOPWORDS
        self.stems = {stem(w) for w in self.words}

    def knows(self, part, last=False):
        if len(part) < MIN_PART:
            return False
        return part in self.words or (last and stem(part) in self.stems)

    def word_for(self, part, last=False):
        """The lexicon word a part of a compound stands for, and whether its ending was
        dropped ("skol" before "verksamhet" → ("skola", True)), or None."""
        if part in STOPWORDS:
            return None
        if self.knows(part, last=last):
            return part, False
        if not last and len(part) >= MIN_PART:
            for ending in DROPPED_ENDINGS:
                if part + ending in self.words:
                    return part + ending, True
            # -a becomes -e, -o or -u before the next part (förskole|verksamhet, gatu|belysning).
            if part[-1] in CHANGED_ENDINGS and part[:-1] + "a" in self.words:
                return part[:-1] + "a", True
        return None


_default_lexicon = None


def default_lexicon():
    global _default_lexicon
    if _default_lexicon is None:
        _default_lexicon = Lexicon()
    return _default_lexicon


@lru_cache(maxsize=100_000)
def split_compound(word, lexicon=None):
    """['information', 'säkerhet', 'riktlinjer'] for 'informationssäkerhetsriktlinjer'.

    Returns [] when the word is not a compound of known parts (or is one of NEVER_SPLIT). Of the
    possible splits the one with the fewest parts wins, then the one with the fewest linking
    letters and dropped endings, then the one with the longest first part.
    """
    lexicon = lexicon or default_lexicon()
    if len(word) < 2 * MIN_PART or not word.isalpha() or never_split(word):
        return []
    n = len(word)

    @cache
    def best(start):
        """(cost, parts) of the best split of word[start:], or None. The cost is (parts,
        linking letters and dropped endings, minus the first part's length)."""
        found = None
        # The whole word is not a split of itself.
        longest = n - 1 if start == 0 else n
        for end in range(longest, start + MIN_PART - 1, -1):
            part = word[start:end]
            if end == n:
                known = lexicon.word_for(part, last=True)
                if known:
                    cost = (1, 0, -len(part))
                    found = _better(found, (cost, (known[0],)))
                continue
            known = lexicon.word_for(part)
            if not known:
                continue
            lexical, dropped = known
            for link in LINKS:
                if link and (dropped and link != "s" or not word.startswith(link, end)):
                    continue
                rest = best(end + len(link))
                if rest is None:
                    continue
                (count, extra, _first), parts = rest
                cost = (count + 1, extra + bool(link) + dropped, -len(part))
                found = _better(found, (cost, (lexical, *parts)))
        return found

    result = best(0)
    if result is None or len(result[1]) < 2:
        return []
    return list(result[1])


def _better(current, candidate):
    return candidate if current is None or candidate[0] < current[0] else current


@lru_cache(maxsize=50_000)
def expand(word):
    """Everything a word is indexed as: itself, its stem, its parts and their stems.

    Kept per process, as stems and splits are (50,000 words, some 20 MB at most): a page of
    search hits expands every word of every document shown, about 1,600 words per search, and
    half of deciding which hits matched only without å, ä and ö was expanding them anew."""
    forms = {word, stem(word)}
    for part in split_compound(word):
        forms.add(part)
        forms.add(stem(part))
    return frozenset(forms)


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
