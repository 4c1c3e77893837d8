"""'Menade du …': a corrected query for misspelt words.

The words a suggestion may use come only from the documents the reader may see on this channel
(`Styrdokument.objects.for_request`: titles, summaries and body text), plus the curated
vocabulary of policies.swedish.BASE_LEXICON. A word that occurs only in internal documents is
therefore never suggested on the public website, and a group-restricted word never to a reader
outside the group.

Each document's words are stored when it is saved (search.vocabulary, DocumentWord), so a
reader's vocabulary is one grouped query over the visible documents' rows. It is cached (Django's
cache, a few minutes) under a key made of the set of visible documents and a generation that
every save or deletion of a document renews, so readers with the same visible documents share one
vocabulary, and publishing, unpublishing or a change of audience is reflected at once. The cached
vocabulary answers whether a word is known.

Which known words are near a misspelt one is decided in memory on every database: difflib
over the vocabulary's words of similar length, then max_edits(), the fewest edits and the most
frequent, on the å/ä/ö-folded forms (Vocabulary.best). The vocabulary is cut at its
MAX_VOCABULARY most frequent words, so on PostgreSQL, when it was cut and nothing in it is near a
word, pg_trgm looks among all the stored words of the same visible documents (StoredWords: one
statement per such word, the trigram index of migration 0006 over the folded words) and the
same rules choose. pg_trgm does not find the candidates in the first place because the words are
stored per document: at 10,000 documents one lookup reads thousands of rows and costs several
times the in-memory scan (measured, issue 18). SQLite compares by edit distance only.
"""

import difflib
import hashlib
import threading
import time
import unicodedata
from collections import OrderedDict

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection

from policies.models import Styrdokument
from policies.swedish import (
    BASE_LEXICON,
    MIN_PART,
    STOPWORDS,
    WORD,
    Lexicon,
    fold,
    split_compound,
    stem,
)
from styrdok import generations

from .models import DocumentWord
from .vocabulary import MAX_WORD_LENGTH, store_words, visible_counts, vocabulary_word

try:  # search.synonyms: a word with synonyms is known, whatever the documents say
    from .synonyms import expansions as synonym_expansions
except ImportError:  # pragma: no cover - only while the synonyms are being built
    synonym_expansions = None

MAX_QUERY_LENGTH = 200  # characters looked at (the search view keeps no more either)
MAX_QUERY_WORDS = 8  # distinct words looked up at most (each costs a scan of the vocabulary)
MIN_CORRECTED_LENGTH = 3  # shorter words are left as typed
MAX_LENGTH_DIFFERENCE = 2  # a suggestion is at most this many letters longer or shorter
CUTOFF = 0.75  # difflib similarity a suggestion needs (on the å/ä/ö-folded forms)

MAX_VOCABULARY = 30_000  # the most frequent words of the visible documents
CACHE_TIMEOUT = 5 * 60
CACHE_PREFIX = "styrdok:search:suggest"
GENERATION_KEY = f"{CACHE_PREFIX}:generation"
LOCAL_ENTRIES = 4  # vocabularies also kept unpickled in this process

# pg_trgm (PostgreSQL): where the candidates for a misspelt word come from the database
TRIGRAM_MIN_VOCABULARY = MAX_VOCABULARY  # only a vocabulary cut at its cap may lack a word
TRIGRAM_MIN_LENGTH = 6  # shorter words share too few trigrams with their misspellings
TRIGRAM_SIMILARITY = 0.25  # pg_trgm similarity; every one-edit misspelling has more (6+ letters)
TRIGRAM_CANDIDATES = 40  # words fetched per looked-up word, the most alike first
# policies.swedish.fold() in SQL; migration 0006 indexes this very expression
FOLDED_WORD = "translate({column}, 'åäöéüæø', 'aaoeuao')"


def did_you_mean(query, request) -> str | None:
    """The query with its misspelt words corrected, or None when there is nothing better.

    Words that are known (in the visible documents, as a stem, without å/ä/ö, as a compound of
    known parts, stop words, with synonyms), short words and words with digits are kept as
    typed.
    """
    if not isinstance(query, str):
        return None
    text = " ".join(unicodedata.normalize("NFC", query)[:MAX_QUERY_LENGTH].split())
    tokens = [match for match in WORD.finditer(text) if _correctable(match.group())]
    if not tokens:
        return None

    documents = Styrdokument.objects.for_request(request)
    vocabulary = vocabulary_for(request, documents)
    corrections = _corrections(
        dict.fromkeys(match.group().lower() for match in tokens),
        vocabulary,
        stored_words(documents, vocabulary),
    )
    replacements = {
        match.span(): _same_case(match.group(), corrections[match.group().lower()])
        for match in tokens
        if corrections.get(match.group().lower())
    }
    if not replacements:
        return None

    parts, last = [], 0
    for (start, end), replacement in sorted(replacements.items()):
        parts += [text[last:start], replacement]
        last = end
    parts.append(text[last:])
    suggestion = "".join(parts)
    return suggestion if suggestion.lower() != text.lower() else None


def _corrections(words, vocabulary, stored=None):
    """word → its correction (None: keep it), each distinct word looked up once, at most
    MAX_QUERY_WORDS of them (each costs a scan of the vocabulary and, where the vocabulary was
    cut and nothing in it is near, one statement of `stored`, a StoredWords)."""
    corrections = {}
    for word in words:
        if len(corrections) >= MAX_QUERY_WORDS:
            break
        if vocabulary.knows(word) or _has_synonyms(word):
            corrections[word] = None
            continue
        corrections[word] = (
            vocabulary.closest(word)
            or vocabulary.closest_compound(word)
            or (stored.closest(word) if stored is not None else None)
        )
    return corrections


def _has_synonyms(word):
    """A word of the synonym list is searched as its synonyms: not corrected into another."""
    return synonym_expansions is not None and bool(synonym_expansions(word))


def _correctable(token):
    return token.isalpha() and MIN_CORRECTED_LENGTH <= len(token) <= MAX_WORD_LENGTH


def _same_case(typed, word):
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# -- the vocabulary ------------------------------------------------------------------------------


class Vocabulary:
    """Words with their frequencies, indexed for recognising and correcting query words."""

    def __init__(self, counts):
        self.counts = counts
        self.stems = {stem(word) for word in counts}
        self.folded = {}  # folded form → the most frequent word with that form
        for word, count in counts.items():
            key = fold(word)
            if count > counts.get(self.folded.get(key), 0):
                self.folded[key] = word
        self.by_length = {}
        for key in self.folded:
            self.by_length.setdefault(len(key), []).append(key)
        self.lexicon = Lexicon(counts=counts)  # corpus words seen CORPUS_MIN_COUNT times
        self.lexicon_by_length = {}  # BASE_LEXICON's forms, for lexicon_words()
        for key in {fold(word) for word in BASE_LEXICON if word in counts}:
            self.lexicon_by_length.setdefault(len(key), []).append(key)

    def knows(self, word):
        if word in STOPWORDS or word in self.counts or fold(word) in self.folded:
            return True
        if stem(word) in self.stems:
            return True
        # A compound of known parts ("informationssäkerhetsrutin"); not through the lru cache of
        # split_compound, which would keep every vocabulary alive.
        return bool(split_compound.__wrapped__(word, self.lexicon))

    def closest(self, word):
        """The known word nearest to `word`, or None if none is near enough: best() of the
        words of similar length."""
        target = fold(word)
        return self.best(target, self._similar_length(target))

    def best(self, target, candidates):
        """Of (folded, word, count) candidates for the folded `target`: those difflib finds
        similar enough and within max_edits(); the fewest edits win, then the most frequent."""
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(target)
        best = None
        for candidate, original, count in candidates:
            if abs(len(candidate) - len(target)) > MAX_LENGTH_DIFFERENCE:
                continue
            matcher.set_seq1(candidate)
            if (
                matcher.real_quick_ratio() < CUTOFF
                or matcher.quick_ratio() < CUTOFF
                or matcher.ratio() < CUTOFF
            ):
                continue
            edits = edit_distance(target, candidate)
            if edits > max_edits(target):
                continue
            rank = (edits, -count, original)
            if best is None or rank < best:
                best = rank
        return best[2] if best else None

    def _similar_length(self, target, index=None):
        """(folded, word, count) of the words at most MAX_LENGTH_DIFFERENCE letters longer or
        shorter than `target` (of `index`, a by_length dict; the whole vocabulary's if None)."""
        index = self.by_length if index is None else index
        for length in range(
            len(target) - MAX_LENGTH_DIFFERENCE, len(target) + MAX_LENGTH_DIFFERENCE + 1
        ):
            for candidate in index.get(length, ()):
                original = self.folded[candidate]
                yield candidate, original, self.counts[original]

    def lexicon_words(self, target):
        """Candidates among the curated words of BASE_LEXICON, which are in the vocabulary
        without being stored for any document (so the database cannot find them)."""
        return self._similar_length(target, self.lexicon_by_length)

    def closest_compound(self, word):
        """A compound with one misspelt part corrected: "kontinutetsplanering" →
        "kontinuitetsplanering" (the head corrected, "planering" known), "informationssäkerhte" →
        "informationssäkerhet". Only splits where the other part is known are tried, so this
        costs a few lookups rather than one per split point. None if no split works."""
        if len(word) < 2 * MIN_PART:
            return None
        best = None
        for split in self._compound_splits(word):
            rank = self._corrected_split(*split)
            if rank is not None and (best is None or rank < best):
                best = rank
        if best is None or best[0] > max_edits(word):
            return None
        return best[1]

    def _compound_splits(self, word):
        """(known head, link, typed head, rest) for each split of `word` with one part known:
        the head (then the rest is to be corrected) or the tail (then the typed head is)."""
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            if self.lexicon.knows(head):
                # head | tail, or head | s | tail with the linking s
                for link in ("", "s"):
                    if tail.startswith(link) and len(tail) - len(link) >= MIN_PART:
                        yield head, link, None, tail[len(link) :]
            if self.lexicon.knows(tail, last=True):
                yield None, "", head, tail
                if head.endswith("s") and len(head) > MIN_PART:
                    yield None, "s", head[:-1], tail

    def _corrected_split(self, known_head, link, typed_head, rest):
        """(edits, corrected compound) with the unknown part corrected, or None."""
        if known_head is not None:
            corrected = self.closest(rest)
            typed, result = rest, (known_head, link, corrected)
        else:
            corrected = self.closest(typed_head)
            typed, result = typed_head, (corrected, link, rest)
        if not corrected:
            return None
        return edit_distance(fold(typed), fold(corrected)), "".join(result)


def max_edits(word):
    return 1 if len(word) <= 4 else 2 if len(word) <= 8 else 3


def edit_distance(a, b):
    """Edits (insert, delete, substitute, swap two neighbours) that turn a into b."""
    previous2, previous = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


_local = OrderedDict()  # key → (expires, Vocabulary)
_local_lock = threading.Lock()


def vocabulary_for(request, documents=None):
    """The vocabulary of the documents this reader may see on this channel (`documents`, if
    the caller has them already)."""
    if documents is None:
        documents = Styrdokument.objects.for_request(request)
    key = _vocabulary_key(documents)
    now = time.monotonic()
    with _local_lock:
        entry = _local.get(key)
        if entry and entry[0] > now:
            _local.move_to_end(key)
            return entry[1]
    counts = cache.get(key)
    if counts is None:
        counts = build_counts(documents)
        cache.set(key, counts, CACHE_TIMEOUT)
    vocabulary = Vocabulary(counts)
    with _local_lock:
        _local[key] = (now + CACHE_TIMEOUT, vocabulary)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return vocabulary


def _vocabulary_key(documents):
    """Which documents (and which edition of them) the vocabulary is made from."""
    return f"{CACHE_PREFIX}:vocabulary:{generation()}:{_visible_digest(documents)}"


def _visible_digest(documents):
    """A digest of the visible documents' ids and live revisions. On PostgreSQL the database
    makes it (one row comes back rather than every visible document's); elsewhere Python.

    On PostgreSQL it is the count, sum and exclusive or of a 64-bit hash of each (id, live
    revision) pair: an aggregate that needs no order. A string of every pair sorted by id and
    hashed with md5 cost 10.5 ms at 10,000 documents, a third of a misspelt search; the hashes
    cost 7.5 ms. Two different sets of documents give the same three numbers only by a chance
    of the order of one in 2**64; the ids and revisions are the database's own, never chosen by
    a reader."""
    rows = documents.order_by().values_list("pk", "live_revision_id")
    if connection.vendor != "postgresql":
        return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a queryset that can find nothing (.none())
        return "0-"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(h), 0), coalesce(bit_xor(h), 0) FROM ("
            "SELECT hashint8extended((r.id::bigint << 32) # coalesce(r.rev::bigint, -1), 0) AS h "
            f"FROM ({sql}) AS r(id, rev)) AS hashed",  # noqa: S608 - Django's SQL, values as params
            params,
        )
        count, total, xor = cursor.fetchone()
    return f"{count}-{total}-{xor}"


def build_counts(documents):
    """{word: frequency} of the documents' titles, summaries and body text (the words stored
    per document, search.vocabulary), plus BASE_LEXICON."""
    vocabulary = visible_counts(documents, MAX_VOCABULARY)
    for word in BASE_LEXICON:
        if vocabulary_word(word):
            vocabulary.setdefault(word, 1)
    return vocabulary


# -- candidates from the database (PostgreSQL) ---------------------------------------------------


def stored_words(documents, vocabulary):
    """A StoredWords for this reader where the cached vocabulary may lack words (it was cut at
    MAX_VOCABULARY) and pg_trgm can look among all of them; else None."""
    if connection.vendor != "postgresql" or len(vocabulary.counts) < TRIGRAM_MIN_VOCABULARY:
        return None
    return StoredWords(documents, vocabulary)


class StoredWords:
    """Candidates for a misspelt word from pg_trgm over the stored words (DocumentWord) of the
    reader's visible documents, the rarer words the cached vocabulary left out included.

    `documents`, the queryset the vocabulary was made from, is part of the statement, so a word
    of a document the reader may not see is never a candidate. The same rules as in memory
    choose among the candidates (Vocabulary.best), so a word the vocabulary holds is suggested
    alike either way.
    """

    def __init__(self, documents, vocabulary):
        self.documents = documents
        self.vocabulary = vocabulary
        self.found = {}  # folded word → [(folded, word, count)]

    def closest(self, word):
        """The stored word nearest to `word` (one statement), or None."""
        target = fold(word)
        if len(target) < TRIGRAM_MIN_LENGTH:  # too few trigrams to find its misspellings by
            return None
        self.fetch([target])
        return self.vocabulary.best(target, self.candidates(target))

    def candidates(self, target):
        """(folded, word, count) fetched for the folded `target`, with the curated words of
        BASE_LEXICON, which are in the vocabulary without being stored for any document."""
        return [*self.found.get(target, ()), *self.vocabulary.lexicon_words(target)]

    def fetch(self, targets):
        """Candidates for every folded word of `targets` not fetched yet, in one statement."""
        targets = [target for target in dict.fromkeys(targets) if target not in self.found]
        if not targets:
            return
        for target in targets:
            self.found[target] = []
        counts = self.vocabulary.counts
        for target, word, total in self._rows(targets):
            # The cached count where there is one, so both ways rank alike; the stored total for
            # a word beyond the cached vocabulary's cap.
            self.found[target].append((fold(word), word, counts.get(word, total)))

    def _rows(self, targets):
        statement = self.statement(targets)
        if statement is None:
            return []
        with connection.cursor() as cursor:
            cursor.execute(*statement)
            return cursor.fetchall()

    def statement(self, targets):
        """(sql, params) of the lookup of the folded `targets`, each its TRIGRAM_CANDIDATES
        most alike stored words of the visible documents; None if no document is visible."""
        try:
            visible, params = self.documents.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # a queryset that can find nothing (.none())
            return None
        folded = FOLDED_WORD.format(column="w.word")
        sql = (
            "SELECT t.target, c.word, c.total FROM unnest(CASE WHEN "
            # The threshold of %, for this statement's transaction only; set before unnest()
            # gives the first word to compare, since unnest() needs this value first.
            "set_config('pg_trgm.similarity_threshold', %s, true) <> '' THEN %s::text[] END"
            ") AS t(target) CROSS JOIN LATERAL ("
            f"SELECT w.word, sum(w.count) AS total FROM {DocumentWord._meta.db_table} AS w "
            f"WHERE {folded} %% t.target AND w.document_id IN ({visible}) "
            f"GROUP BY w.word ORDER BY similarity({folded}, t.target) DESC, w.word LIMIT %s"
            ") AS c"
        )
        # Django's own SQL for the documents; every value a parameter.
        return sql, [str(TRIGRAM_SIMILARITY), list(targets), *params, TRIGRAM_CANDIDATES]


# -- invalidation --------------------------------------------------------------------------------


def generation():
    return generations.current(GENERATION_KEY)


def invalidate_vocabulary(**kwargs):
    """A document was saved or deleted: vocabularies built before are not used again."""
    generations.renew(GENERATION_KEY)
    with _local_lock:
        _local.clear()


# The fields the vocabulary is read from. Which documents are visible is not among them: the
# cache key already names the visible documents.
VOCABULARY_FIELDS = frozenset({"title", "summary", "body"})


def document_changed(sender, instance=None, update_fields=None, created=None, **kwargs):
    """post_save/post_delete: store a saved document's words and renew the vocabularies if a
    document's text may have changed.

    Saves that name their fields and touch none of the text (a draft revision, review dates) are
    skipped. A deleted document's words go with it (the foreign key cascades)."""
    if not isinstance(instance, Styrdokument):
        return
    if update_fields is not None and not VOCABULARY_FIELDS & set(update_fields):
        return
    if created is not None:  # post_save (post_delete sends no `created`)
        store_words(instance)
    invalidate_vocabulary()
