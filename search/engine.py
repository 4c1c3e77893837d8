"""Swedish full-text search: parsing a query, asking the search backend, snippets.

A query is read as words and "quoted phrases" (an upper-case OR or ELLER between words makes
alternatives). Everything else a reader may type (operators, brackets, SQL-ish text, a stray
quote) is treated as a word separator, so the backend only ever sees plain words.

Each word is searched as any of its forms: the word, its Snowball stem and, for a compound, its
parts; the index holds the same forms of the documents' words (`Styrdokument.search_terms`, see
search.swedish). So "riktlinjerna" finds "riktlinje", "säkerhet" finds "informationssäkerhet"
and "incidenthantering" finds "hantering av incidenter". The index also holds every form without
å, ä and ö; a hit that only matches that way is labelled, so that "sakerhet" finds "säkerhet" as
a clearly marked fallback.

The search always runs on `Styrdokument.objects.for_request(request)`: the database search
backends apply that queryset (live, channel, publicity, group restrictions) in the same query.
"""

import html
import logging
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from itertools import product

from django.db import DatabaseError, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Length
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from modelsearch.query import And, Or, Phrase, PlainText
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.search.backends import get_search_backend

from policies.personnummer import block_texts
from search.swedish import MAX_WORD, STOPWORDS, WORD, expand, fold, split_compound, stem

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_TERMS = 16
PAGE_SIZE = 20
SNIPPET_LENGTH = 200
SNIPPET_LEAD = 60
SNIPPET_SCAN = 30_000
AUTOCOMPLETE_LIMIT = 8
AUTOCOMPLETE_MAX_LENGTH = 100

# Typographic quotes count as quotes; control characters (NUL included) never reach a database.
QUOTES = str.maketrans(dict.fromkeys("“”„‟«»″〝〞＂", '"'))
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
OR_WORDS = frozenset({"OR", "ELLER"})
TAG = re.compile(r"<[^>]*>")


# -- the query --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A word of the query, found in any of its forms."""

    word: str

    @property
    def forms(self):
        return _unique([self.word, stem(self.word)])

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


def _unique(items):
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

    pieces = re.split(r'("[^"]*")', text)
    stray_quote = False
    too_long = stop_words = too_many = False
    groups = [[]]
    seen = set()

    def add(term):
        nonlocal too_many
        if term in seen:
            return
        if len(seen) >= MAX_TERMS:
            too_many = True
            return
        seen.add(term)
        groups[-1].append(term)

    for piece in pieces:
        if len(piece) >= 2 and piece.startswith('"') and piece.endswith('"'):
            phrase = [w for w in WORD.findall(piece.lower()) if len(w) <= MAX_WORD]
            too_long |= len(phrase) < len(WORD.findall(piece))
            if phrase:
                add(QuotedPhrase(tuple(phrase)))
            continue
        if '"' in piece:
            stray_quote = True
        for chunk in piece.split():
            if chunk in OR_WORDS:
                if groups[-1]:
                    groups.append([])
                continue
            for word in WORD.findall(chunk.lower()):
                if len(word) > MAX_WORD:
                    too_long = True
                elif word in STOPWORDS:
                    stop_words = True
                else:
                    add(Word(word))
    parsed.groups = [group for group in groups if group]

    if stray_quote:
        parsed.notices.append(
            _("Ett citattecken saknade sin motsvarighet och har inte räknats med i sökningen.")
        )
    if too_long:
        parsed.notices.append(
            _("Ord som är längre än %(n)s tecken ingår inte i sökningen.") % {"n": MAX_WORD}
        )
    if too_many:
        parsed.notices.append(
            _("Sökningen använder bara de %(n)s första orden.") % {"n": MAX_TERMS}
        )
    if not parsed.groups:
        if stop_words:
            parsed.notices.append(
                _(
                    "Sökfrågan innehåller bara vanliga småord (som ”och”, ”för” och ”att”), som "
                    "sökningen bortser från. Skriv ett mer specifikt ord."
                )
            )
        elif not too_long:
            parsed.notices.append(
                _(
                    "Sökfrågan innehåller inga ord att söka på. Skriv ett eller flera ord, till "
                    "exempel ”lösenord”."
                )
            )
    return parsed


def _any(queries):
    return queries[0] if len(queries) == 1 else Or(queries)


def _all(queries):
    return queries[0] if len(queries) == 1 else And(queries)


def term_query(term, folded=False):
    """The backend query for one term; `folded` searches its forms without å, ä and ö."""
    f = fold if folded else str
    if isinstance(term, QuotedPhrase):
        return Phrase(" ".join(f(word) for word in term.words))
    alternatives = [PlainText(form) for form in _unique(f(form) for form in term.forms)]
    if term.parts:
        alternatives.append(
            _all(
                [
                    _any([PlainText(p) for p in _unique([f(part), f(stem(part))])])
                    for part in term.parts
                ]
            )
        )
    return _any(alternatives)


def build_query(parsed, folded=False, phrases_as_words=False):
    """The backend query: Or of the alternatives, each an And of its terms.

    `phrases_as_words` searches a phrase's words (but its stop words) anywhere instead: a query
    that finds at least what the real one finds, or None if it would not narrow anything.
    """
    alternatives = []
    for group in parsed.groups:
        terms = group
        if phrases_as_words:
            terms = []
            for term in group:
                if isinstance(term, QuotedPhrase):
                    terms += [Word(word) for word in term.words if word not in STOPWORDS]
                else:
                    terms.append(term)
            if not terms:
                return None
        alternatives.append(_all([term_query(term, folded) for term in terms]))
    return _any(alternatives)


def changes_when_folded(parsed):
    for term in parsed.terms:
        words = term.words if isinstance(term, QuotedPhrase) else [term.word]
        if any(fold(word) != word for word in words):
            return True
    return False


# -- running it -----------------------------------------------------------------------------


class SearchFailed(Exception):
    """The backend rejected a query (it should not: the parser only lets words through)."""


def backend_kind(backend):
    """'postgres', 'sqlite' or None (another backend) for a search backend."""
    module = type(backend).__module__
    if module.endswith("database.postgres.postgres"):
        return "postgres"
    if module.endswith("database.sqlite.sqlite"):
        return "sqlite"
    return None


def run_search(queryset, parsed, folded=False):
    """The documents of `queryset` matching the query: those whose title has the most of the
    query's words first (shorter titles first among them), then by relevance, then by title.

    On the database backends the result is a queryset of ids, ordered; `load_documents()`
    reads one page of them. Any other backend's results are used in its own order.
    """
    query = build_query(parsed, folded)
    backend = get_search_backend()
    kind = backend_kind(backend)
    if kind == "postgres" and not any(isinstance(t, QuotedPhrase) for t in parsed.terms):
        # The indexed body holds every word of the title too (`search_terms`), so for words
        # `body @@ query` finds the same documents as modelsearch's `title || body @@ query`,
        # and unlike it is served by an index: at 10,000 documents modelsearch reads every
        # visible document's vectors.
        tsquery, weights = postgres_tsquery(backend, queryset, query)
        documents = queryset.filter(pk__in=postgres_matches(queryset.model, tsquery))
        relevance, descending = postgres_relevance(queryset.model, tsquery, weights), True
    else:
        if kind == "postgres":
            # A phrase is matched by modelsearch (positions in `title || body`); the GIN index
            # first narrows the documents to those with all of the phrase's words.
            words_query = build_query(parsed, folded, phrases_as_words=True)
            if words_query is not None:
                tsquery, _weights = postgres_tsquery(backend, queryset, words_query)
                queryset = queryset.filter(pk__in=postgres_matches(queryset.model, tsquery))
        results = queryset.search(query, order_by_relevance=True)
        if getattr(results, "get_queryset", None) is None:
            return results
        documents = results.get_queryset()
        compiler = results.query_compiler
        if kind == "sqlite":
            relevance, descending = sqlite_relevance(compiler), False
        elif kind == "postgres":
            tsquery, weights = postgres_tsquery(backend, queryset, query)
            relevance, descending = postgres_relevance(queryset.model, tsquery, weights), True
        else:
            relevance = None
    documents = documents.annotate(_title_hits=title_hits(parsed, folded))
    # Among titles with as many of the words, the shorter one is more about them.
    documents = documents.annotate(
        _title_length=Case(When(_title_hits__gt=0, then=Length("title")), default=Value(0))
    )
    if relevance is not None:
        documents = documents.annotate(_relevance=relevance)
        by_relevance = ["-_relevance" if descending else "_relevance"]
    else:
        by_relevance = list(documents.query.order_by)[:1]
    ordering = ["-_title_hits", "_title_length", *by_relevance, "title", "pk"]
    # Only the ids: the database sorts narrow rows, and load_documents() reads one page's.
    return documents.order_by(*ordering).values_list("pk", flat=True)


def autocomplete_documents(queryset, words, limit=AUTOCOMPLETE_LIMIT):
    """Documents of `queryset` whose title has the words, the last one as a prefix, by title.

    On PostgreSQL the matching runs on the index entries' autocomplete vectors alone (a GIN
    index serves it); modelsearch would read every visible document's entry.
    """
    text = " ".join(words)
    backend = get_search_backend()
    if backend_kind(backend) == "postgres":
        query = PlainText(text, operator="and")
        compiler = backend.autocomplete_query_compiler_class(queryset, query)
        tsquery = compiler.build_tsquery(query, config=backend.autocomplete_config)
        matching = (
            index_entries(queryset.model)
            .filter(autocomplete=tsquery)
            .annotate(document_id=Cast("object_id", BigIntegerField()))
            .values("document_id")
        )
        return list(queryset.filter(pk__in=matching).order_by("title", "pk")[:limit])
    return list(queryset.autocomplete(text, operator="and", order_by="title")[:limit])


def load_documents(items, queryset):
    """The documents of one page of results, in order: `items` are ids from run_search() on a
    database backend, or documents already (from any other backend)."""
    items = list(items)
    if not items or not isinstance(items[0], int):
        return items
    found = queryset.filter(pk__in=items).in_bulk()
    return [found[pk] for pk in items if pk in found]


class WeightedBM25(Func):
    """FTS5's bm25() with the title weighted as Page.search_fields boosts it (columns in the
    order of the index table: autocomplete, body, title). Lower is better."""

    output_field = FloatField()
    title_weight = 2.0

    def as_sql(self, compiler, connection, **extra_context):
        from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

        table = SQLiteFTSIndexEntry._meta.db_table
        return f"bm25({table}, 0.0, 1.0, {self.title_weight})", []


def sqlite_relevance(compiler):
    """On SQLite, a relevance score for ordering: FTS5's bm25() of the whole match.

    modelsearch combines the score of an Or/And query arithmetically from one bm25() value per
    part, which turns the order upside down for the nested queries built here (bm25 is
    negative); the plain bm25() of the match is the engine's own ranking.
    """
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry

    normalized = normalize(compiler.query)
    if not isinstance(normalized, (And, Or, Phrase, PlainText)):
        return None
    match = MatchExpression(
        compiler.fields or compiler.FTS_TABLE_FIELDS, compiler.build_search_query(normalized)
    )
    scores = (
        SQLiteFTSIndexEntry.objects.filter(match)
        .filter(
            index_entry__content_type__in=get_descendants_content_types_pks(
                compiler.queryset.model
            ),
            index_entry__object_id=OuterRef("pk"),
        )
        .annotate(score=WeightedBM25())
        .values("score")[:1]
    )
    return Subquery(scores, output_field=FloatField())


def postgres_tsquery(backend, queryset, query):
    """The query as PostgreSQL's tsquery, built as modelsearch builds it, and its weights."""
    compiler = backend.query_compiler_class(queryset, query)
    return compiler.build_tsquery(query, config=backend.config), compiler.sql_weights


def index_entries(model):
    from modelsearch.conf import get_app_config

    return (
        get_app_config()
        .get_model("IndexEntry")
        .objects.filter(content_type_id__in=get_descendants_content_types_pks(model))
    )


def postgres_matches(model, tsquery):
    """Ids of the documents whose indexed body matches (served by the body's GIN index)."""
    return (
        index_entries(model)
        .filter(body=tsquery)
        .annotate(document_id=Cast("object_id", BigIntegerField()))
        .values("document_id")
    )


def postgres_relevance(model, tsquery, weights):
    """On PostgreSQL, one ts_rank() of the whole query on the title and one on the body.

    modelsearch ranks every word form of the query on its own (two ts_rank() per form, each
    reading the document's vectors again), which for a query of a few words and thousands of
    matching documents takes most of the search's time.
    """
    from django.contrib.postgres.search import SearchRank  # needs psycopg: PostgreSQL only

    scores = (
        index_entries(model)
        .filter(object_id=Cast(OuterRef("pk"), CharField()))
        .annotate(
            score=SearchRank(F("title"), tsquery, weights=weights) * F("title_norm")
            + SearchRank(F("body"), tsquery, weights=weights)
        )
        .values("score")[:1]
    )
    return Subquery(scores, output_field=FloatField())


MIN_TITLE_FORM = 4


def title_hits(parsed, folded=False):
    """How many of the query's terms the title contains (as a word, its stem, or all its
    parts): a document named after what is searched for comes first. The index cannot tell,
    since it holds a title's compounds whole ("Informationssäkerhetsriktlinjer")."""
    if folded:
        return Value(0)
    hits = []
    for term in parsed.terms:
        if isinstance(term, QuotedPhrase):
            condition = Q(title__icontains=" ".join(term.words))
        else:
            forms = [form for form in term.forms if len(form) >= MIN_TITLE_FORM] or [term.word]
            condition = reduce(operator.or_, [Q(title__icontains=form) for form in forms])
            parts = [stem(part) for part in term.parts]
            if parts and all(len(part) >= MIN_TITLE_FORM for part in parts):
                condition |= reduce(operator.and_, [Q(title__icontains=part) for part in parts])
        hits.append(Case(When(condition, then=Value(1)), default=Value(0)))
    if not hits:
        return Value(0)
    return reduce(operator.add, hits)


def checked(results, evaluate):
    """Run `evaluate(results)` in a savepoint; a backend error becomes SearchFailed."""
    try:
        with transaction.atomic():
            return evaluate(results)
    except DatabaseError as error:
        logger.warning("Search query failed: %s", error)
        raise SearchFailed from error


# -- diarienummer ---------------------------------------------------------------------------

DNR = re.compile(
    r"(?<!\w)([a-zåäö]{1,10})[\s\-/]*(\d{4})\s*[-/]\s*(\d{1,6})(?:\s*-\s*(\d{1,4}))?(?!\w)",
    re.IGNORECASE,
)
DNR_PREFIX = re.compile(r"^(?:dnr|diarienummer|diarienr)[\s.:]*", re.IGNORECASE)


@dataclass(frozen=True)
class Diarienummer:
    display: str  # KS-2025-542
    variants: tuple  # the ways it may be written in the register
    whole_query: bool  # the query is the number and nothing else


def find_diarienummer(text, pattern=None):
    """The diarienummer in the query, if any: 'KS-2025-542', 'ks 2025/542', 'dnr KS-2025-542-1'.

    Any way of writing it (spaces, '/', '-', lower case) gives the same variants to look up. A
    number in the kommun's own format (`pattern`) that does not look like the usual one is
    looked up as written.
    """
    bare = DNR_PREFIX.sub("", text.replace('"', " ").strip()).strip()
    match = DNR.search(bare)
    if match:
        series, year, number, part = match.groups()
        series = series.upper()
        tail = f"-{part}" if part else ""
        variants = {
            f"{series}{sep1}{year}{sep2}{number}{tail}"
            for sep1, sep2 in product(("-", " ", "", "/"), ("-", "/", " "))
        }
        variants.add(match.group(0).upper())
        return Diarienummer(
            display=f"{series}-{year}-{number}{tail}",
            variants=tuple(sorted(variants)),
            whole_query=match.group(0) == bare,
        )
    if pattern and bare and len(bare) <= 40:
        try:
            if re.fullmatch(pattern, bare) or re.fullmatch(pattern, bare.upper()):
                return Diarienummer(
                    display=bare, variants=tuple(_unique([bare, bare.upper()])), whole_query=True
                )
        except re.error:
            return None
    return None


# -- what a hit matched, and the snippet ------------------------------------------------------

EXACT = "exact"
FOLDED = "folded"


def html_to_text(value):
    return html.unescape(TAG.sub(" ", value or ""))


def normalised(text):
    return " ".join(unicodedata.normalize("NFC", text or "").split())


# Keys of the body's blocks that hold no text to show (see policies.blocks).
NOT_TEXT = frozenset({"id", "type", "level", "url", "role", "page"})
RICH_TEXT_KEYS = frozenset({("text", "requirement")})


def body_text(body):
    """The readable text of a document body, from its stored JSON (no queries for the
    roles or documents its blocks point to)."""
    raw = getattr(body, "raw_data", None)
    if raw is None:
        return html_to_text(block_texts(body))
    texts = []

    def walk(value, block_type, rich=False):
        if isinstance(value, str):
            texts.append(html_to_text(value) if rich else value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in NOT_TEXT:
                    walk(item, block_type, rich or (key, block_type) in RICH_TEXT_KEYS)
        elif isinstance(value, list):
            for item in value:
                walk(item, block_type, rich)

    for block in raw:
        if isinstance(block, dict):
            block_type = block.get("type")
            walk(block.get("value"), block_type, rich=block_type == "paragraph")
    return " ".join(texts)


def snippet_source(document):
    """The text a snippet is taken from: summary, then body."""
    return normalised(
        " ".join([document.summary or "", body_text(getattr(document, "body", None))])
    )


def full_text(document):
    """All text the index holds for a document (see Styrdokument.search_terms)."""
    organisation = getattr(document, "organisation", None) if document.organisation_id else None
    return normalised(
        " ".join(
            [
                document.title or "",
                snippet_source(document),
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

    # Whole documents.

    def document_match(self, text):
        """EXACT if the text matches the query as typed, FOLDED if only without å/ä/ö."""
        tokens = WORD.findall(text.lower())
        forms = set()
        for token in set(tokens):
            if len(token) <= MAX_WORD and token not in STOPWORDS:
                forms |= expand(token)
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
        for term in group:
            if isinstance(term, QuotedPhrase):
                if not _contains_sequence(tokens, [f(w) for w in term.words]):
                    return False
                continue
            if {f(form) for form in term.forms} & forms:
                continue
            parts = term.parts
            if parts and all({f(part), f(stem(part))} & forms for part in parts):
                continue
            return False
        return True

    # Words of a snippet.

    def token_match(self, token):
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
    tokens = [(m.start(), m.end(), m.group().lower()) for m in WORD.finditer(text)]
    kinds, runs = matcher.marks(tokens)
    spans = [(tokens[i][0], tokens[i][1], kind) for i, kind in kinds.items()]
    spans += [(tokens[first][0], tokens[last][1], kind) for first, last, kind in runs]
    spans.sort()
    exact = [span for span in spans if span[2] == EXACT]
    anchor = (exact or spans or [None])[0]

    # Start and end between words (at a space), the first match a little after the start.
    start = 0
    if anchor is not None and anchor[0] > SNIPPET_LEAD:
        space = text.find(" ", anchor[0] - SNIPPET_LEAD, anchor[0])
        start = space + 1 if space >= 0 else anchor[0]
    end = min(len(text), max(start + length, anchor[1] if anchor else 0))
    if end < len(text):
        space = text.rfind(" ", anchor[1] if anchor else start, end + 1)
        end = space if space > start else end

    merged = []
    for s, e, _kind in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))

    out = ["… " if start > 0 else ""]
    position = start
    for s, e in merged:
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
        folded_only = matcher.document_match(full_text(document)) == FOLDED
        hits.append(Hit(document, make_snippet(snippet_source(document), matcher), folded_only))
    return hits
