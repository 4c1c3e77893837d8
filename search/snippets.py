"""What a hit matched, and the snippet shown for it.

The snippet is taken from the text the index holds (policies.text), so the words that found a
document are the words it shows. The index also holds every form without å, ä and ö; a hit that
only matches that way is labelled, so that "sakerhet" finds "säkerhet" as a clearly marked
fallback.
"""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

from policies.swedish import MAX_WORD, STOPWORDS, WORD, expand, stem
from policies.swedish import fold as fold_text
from policies.text import indexed_text, streamfield_text

from .parsing import QuotedPhrase

SNIPPET_LENGTH = 200
SNIPPET_LEAD = 60
SNIPPET_SCAN = 30_000

EXACT = "exact"
FOLDED = "folded"

# A page of hits folds the same few thousand words again and again (every form of every word
# of every document shown): kept per process, as policies.swedish keeps stems.
fold = lru_cache(maxsize=100_000)(fold_text)


def normalised(text):
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def snippet_source(document, body_text=None):
    """The text a snippet is taken from: summary, then body. `body_text` is the body's text
    when it has been read already (reading it parses every rich text block)."""
    if body_text is None:
        body_text = streamfield_text(getattr(document, "body", None))
    return normalised(" ".join([document.summary or "", body_text]))


def full_text(document, body_text=None):
    """All text the index holds for a document (policies.text.indexed_text, which
    tests/search/test_search_fixed_cost.py holds this to); `body_text` as for snippet_source."""
    if body_text is None:
        return normalised(indexed_text(document))
    organisation = getattr(document, "organisation", None) if document.organisation_id else None
    return normalised(
        " ".join(
            [
                document.title or "",
                document.summary or "",
                body_text,
                document.diarienummer or "",
                str(document.document_type_label or ""),
                str(document.decision_body_name or ""),
                organisation.name if organisation else "",
            ]
        )
    )


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

    # Whole documents.

    def document_match(self, text):
        """EXACT if the text matches the query as typed, FOLDED if only without å/ä/ö."""
        tokens = WORD.findall(text.lower())
        forms = set().union(
            *(
                expand(token)
                for token in set(tokens)
                if len(token) <= MAX_WORD and token not in STOPWORDS
            )
        )
        if any(self._group_matches(group, forms, tokens) for group in self.parsed.groups):
            return EXACT
        folded_forms = {fold(form) for form in forms}
        folded_tokens = [fold(token) for token in tokens]
        if any(
            self._group_matches(group, folded_forms, folded_tokens, folded=True)
            for group in self.parsed.groups
        ):
            return FOLDED
        return None

    def _group_matches(self, group, forms, tokens, folded=False):
        f = fold if folded else str
        return all(self._term_matches(term, forms, tokens, f) for term in group)

    @staticmethod
    def _term_matches(term, forms, tokens, f):
        if isinstance(term, QuotedPhrase):
            return _contains_sequence(tokens, [f(w) for w in term.words])
        if {f(form) for form in term.forms} & forms:
            return True
        parts = term.parts
        return bool(parts) and all({f(part), f(stem(part))} & forms for part in parts)

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
        # The body's text is read once for both (it is most of the work).
        body_text = streamfield_text(getattr(document, "body", None))
        folded_only = matcher.document_match(full_text(document, body_text)) == FOLDED
        snippet = make_snippet(snippet_source(document, body_text), matcher)
        hits.append(Hit(document, snippet, folded_only))
    return hits
