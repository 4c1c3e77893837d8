"""What a hit matched, and the snippet shown for it.

The snippet is taken from the text the index holds (policies.text), so the words that found a
document are the words it shows. The index also holds every form without å, ä and ö; a hit that
only matches that way is labelled, so that "sakerhet" finds "säkerhet" as a clearly marked
fallback.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

from policies.swedish import MAX_WORD, STOPWORDS, WORD, expand, stem
from policies.swedish import fold as fold_text
from policies.text import document_plain_text, indexed_text, normalised_text

from .parsing import QuotedPhrase

SNIPPET_LENGTH = 200
SNIPPET_LEAD = 60
SNIPPET_SCAN = 30_000

EXACT = "exact"
FOLDED = "folded"

# A page of hits folds the same few thousand words again and again (every form of every word
# of every document shown): kept per process, as policies.swedish keeps stems.
fold = lru_cache(maxsize=100_000)(fold_text)


normalised = normalised_text


def body_text_of(document):
    """The summary and body's text of a hit: the document's stored `plain_text` (kept by
    Styrdokument.save(); search.loading reads only that, not the body). A document whose copy
    is empty but whose body is at hand (built in memory, or written without save()) is read
    from its body; one whose body was not loaded is never fetched again, one query per hit."""
    text = document.__dict__.get("plain_text")
    if text:
        return text
    if "body" in document.__dict__:
        return document_plain_text(document.summary, document.body)
    return normalised(document.summary)


def full_text(document, body_text=None):
    """All text the index holds for a document (policies.text.indexed_text, which
    tests/search/test_search_fixed_cost.py holds this to); `body_text` is body_text_of(document)
    when it has been read already.
    That text is normalised already: only the short pieces around it are (normalising each
    piece and joining them with a space is normalising the whole)."""
    if body_text is None:
        return normalised(indexed_text(document))
    pieces = [
        normalised(document.title),
        body_text,
        normalised(document.diarienummer),
        normalised(str(document.document_type_label or "")),
        normalised(_related_name(document, "decision_body")),
        normalised(_related_name(document, "organisation")),
    ]
    return " ".join(piece for piece in pieces if piece)


def _related_name(document, relation):
    """The name of the document's deciding body or förvaltning ("" without one): read with the
    page of hits (search.loading annotates `hit_<relation>_name`) or through the relation."""
    if not getattr(document, f"{relation}_id"):
        return ""
    name = getattr(document, f"hit_{relation}_name", None)
    if name is not None:
        return name
    related = getattr(document, relation, None)
    return related.name if related else ""


class Matcher:
    """Which words of a text a query matches, with and without å, ä and ö."""

    def __init__(self, parsed):
        self.parsed = parsed
        self.forms = set()
        self.phrases = []
        for term in parsed.terms:
            if isinstance(term, QuotedPhrase):
                self.phrases.append(term.words)
            else:
                self.forms.update(term.forms)
                for part in term.parts:
                    self.forms.update([part, stem(part)])
        self.folded_forms = {fold(form) for form in self.forms}
        self.folded_phrases = [tuple(fold(w) for w in phrase) for phrase in self.phrases]
        self._token_kinds = {}
        # What a document must hold for each word of the query: the word (one of its forms),
        # or each part of a compound. Keyed by the term's place in the query, so that a word
        # of the text is compared with the query once per page of hits, not once per document.
        self._needs = {}
        for group in parsed.groups:
            for term in group:
                if isinstance(term, QuotedPhrase):
                    continue
                self._needs[(id(term), None)] = frozenset(term.forms)
                for index, part in enumerate(term.parts):
                    self._needs[(id(term), index)] = frozenset([part, stem(part)])
        self._folded_needs = {
            key: frozenset(fold(form) for form in forms) for key, forms in self._needs.items()
        }
        self._held = ({}, {})  # exact, folded: {token: the needs its forms meet}
        # Per group, a pattern per word finding one of its forms as a whole word (None for a
        # group with a phrase): a text holding each is an exact match without expanding its
        # every word (see document_match).
        self._plain = [self._plain_patterns(group) for group in parsed.groups]

    @staticmethod
    def _plain_patterns(group):
        patterns = []
        for term in group:
            if isinstance(term, QuotedPhrase):
                return None
            forms = sorted(
                (
                    form
                    for form in term.forms
                    if len(form) <= MAX_WORD and form not in STOPWORDS and WORD.fullmatch(form)
                ),
                key=len,
                reverse=True,
            )
            if not forms:
                return None
            alternatives = "|".join(re.escape(form) for form in forms)
            patterns.append(re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])"))
        return patterns

    # Whole documents.

    def document_match(self, text):
        """EXACT if the text matches the query as typed, FOLDED if only without å/ä/ö.

        Most hits hold the words as typed (or one of their forms) as whole words: each such
        word is itself among its expanded forms, so the text is an exact match, found by one
        search per word instead of expanding every word of the text (most of the page's
        snippet work). Any other text is decided word by word below."""
        text = text.lower()
        if any(
            patterns and all(pattern.search(text) for pattern in patterns)
            for patterns in self._plain
        ):
            return EXACT
        tokens = WORD.findall(text)
        words = set(tokens)
        held = set().union(*(self._needs_met(word, False) for word in words))
        if any(self._group_holds(group, held, tokens) for group in self.parsed.groups):
            return EXACT
        held = set().union(*(self._needs_met(word, True) for word in words))
        folded_tokens = [fold(token) for token in tokens] if self.phrases else tokens
        if any(
            self._group_holds(group, held, folded_tokens, folded=True)
            for group in self.parsed.groups
        ):
            return FOLDED
        return None

    def _needs_met(self, word, folded):
        """The needs (see __init__) that one word of a text meets, worked out once per query."""
        cache = self._held[folded]
        met = cache.get(word)
        if met is None:
            met = frozenset()
            if len(word) <= MAX_WORD and word not in STOPWORDS:
                forms = expand(word)
                needs = self._needs
                if folded:
                    forms, needs = {fold(form) for form in forms}, self._folded_needs
                met = frozenset(
                    key for key, wanted in needs.items() if not wanted.isdisjoint(forms)
                )
            cache[word] = met
        return met

    @staticmethod
    def _group_holds(group, held, tokens, folded=False):
        """Whether a text holding the needs `held`, in the words `tokens`, has every term of
        the group: a phrase as a run of words, a word in one of its forms or by all its
        parts."""
        for term in group:
            if isinstance(term, QuotedPhrase):
                words = [fold(word) for word in term.words] if folded else list(term.words)
                if not _contains_sequence(tokens, words):
                    return False
            elif (id(term), None) not in held and not (
                term.parts and all((id(term), index) in held for index in range(len(term.parts)))
            ):
                return False
        return True

    # Words of a snippet.

    def token_match(self, token):
        """EXACT, FOLDED or None for one word of a text; each word is worked out once per
        query (the documents of a page share most of their words)."""
        if token not in self._token_kinds:
            self._token_kinds[token] = self._token_kind(token)
        return self._token_kinds[token]

    def _token_kind(self, token):
        if len(token) > MAX_WORD or token in STOPWORDS:
            return None
        forms = expand(token)
        if forms & self.forms:
            return EXACT
        if {fold(form) for form in forms} & self.folded_forms:
            return FOLDED
        return None

    def marks(self, tokens):
        """{token index: EXACT/FOLDED} and the phrase runs [(first, last, kind)]."""
        kinds = {}
        for index, (_start, _end, token) in enumerate(tokens):
            kind = self.token_match(token)
            if kind:
                kinds[index] = kind
        runs = []
        words = [token for _s, _e, token in tokens]
        folded_words = None
        for phrase, folded_phrase in zip(self.phrases, self.folded_phrases, strict=True):
            starts = _sequence_starts(words, list(phrase))
            kind = EXACT
            if not starts:
                folded_words = folded_words or [fold(word) for word in words]
                starts = _sequence_starts(folded_words, list(folded_phrase))
                kind = FOLDED
            runs += [(index, index + len(phrase) - 1, kind) for index in starts]
        return kinds, runs


def _sequence_starts(tokens, sequence):
    n = len(sequence)
    if not n:
        return []
    return [i for i in range(len(tokens) - n + 1) if tokens[i : i + n] == sequence]


def _contains_sequence(tokens, sequence):
    n = len(sequence)
    return any(tokens[i : i + n] == sequence for i in range(len(tokens) - n + 1))


def make_snippet(text, matcher, length=SNIPPET_LENGTH):
    """About `length` characters of `text` around its first match, matches in <mark>.

    Everything else is escaped: the result is safe HTML whatever the document contains. Only
    the beginning of a very long text is looked through.
    """
    if not text:
        return ""
    text = text[:SNIPPET_SCAN]
    spans = (
        match_spans(text, matcher) if matcher.phrases else spans_to_window(text, matcher, length)
    )
    exact = [span for span in spans if span[2] == EXACT]
    anchor = (exact or spans or [None])[0]
    start, end = snippet_window(text, anchor, length)
    return render_snippet(text, start, end, merged_spans(spans, start, end))


def match_spans(text, matcher):
    """[(start, end, EXACT/FOLDED)] of the matched words and phrases, in order."""
    tokens = [(m.start(), m.end(), m.group().lower()) for m in WORD.finditer(text)]
    kinds, runs = matcher.marks(tokens)
    spans = [(tokens[i][0], tokens[i][1], kind) for i, kind in kinds.items()]
    spans += [(tokens[first][0], tokens[last][1], kind) for first, last, kind in runs]
    spans.sort()
    return spans


def spans_to_window(text, matcher, length):
    """match_spans() for a query without phrases, read only as far as the snippet can reach:
    the window starts at or before the first exact match and ends at most `length` characters
    after it (or at its end), so no word after that can be shown. A long document matching
    early is not looked through to its end for every hit of the page."""
    spans, limit = [], None
    for match in WORD.finditer(text):
        if limit is not None and match.start() > limit:
            break
        kind = matcher.token_match(match.group().lower())
        if kind is None:
            continue
        spans.append((match.start(), match.end(), kind))
        if kind == EXACT and limit is None:
            limit = max(match.start() + length, match.end())
    return spans


def snippet_window(text, anchor, length):
    """(start, end) of the snippet: between words (at a space), the first match a little after
    the start."""
    start = 0
    if anchor is not None and anchor[0] > SNIPPET_LEAD:
        space = text.find(" ", anchor[0] - SNIPPET_LEAD, anchor[0])
        start = space + 1 if space >= 0 else anchor[0]
    end = min(len(text), max(start + length, anchor[1] if anchor else 0))
    if end < len(text):
        space = text.rfind(" ", anchor[1] if anchor else start, end + 1)
        end = space if space > start else end
    return start, end


def merged_spans(spans, start, end):
    """The spans inside the window, overlapping ones joined: [(start, end)]."""
    merged = []
    for s, e, _kind in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def render_snippet(text, start, end, marked):
    out = ["… " if start > 0 else ""]
    position = start
    for s, e in marked:
        out.append(escape(text[position:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        position = e
    out.append(escape(text[position:end]))
    out.append(" …" if end < len(text) else "")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


@dataclass
class Hit:
    document: object
    snippet: str
    folded_only: bool


def describe_hits(documents, parsed):
    """A Hit for each document of the page: its snippet and whether it matched only without
    å, ä and ö (the index holds every word without them too)."""
    matcher = Matcher(parsed)
    hits = []
    for document in documents:
        # The summary and body's text, stored with the document, serves both.
        body_text = body_text_of(document)
        folded_only = matcher.document_match(full_text(document, body_text)) == FOLDED
        snippet = make_snippet(body_text, matcher)
        hits.append(Hit(document, snippet, folded_only))
    return hits
