"""pg_trgm over the stored words for "Menade du …" (issue 18, search.suggest.StoredWords).

On PostgreSQL, a word the cached vocabulary cannot correct is looked up among all the stored
words of the reader's visible documents, the rarer ones beyond the vocabulary's cap included.
The tests lower TRIGRAM_MIN_VOCABULARY (and, where it matters, MAX_VOCABULARY) so that a few
documents stand for a large kommun's.
"""

import importlib

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import Publicity, RiktlinjePage, RutinPage, Styrdokument
from policies.swedish import FOLD, fold
from search import suggest
from search.models import DocumentWord
from search.suggest import StoredWords, did_you_mean
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    make_live_document,
    make_user,
    paragraph,
    reader_request,
)

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm and its index are PostgreSQL's"
)

PUBLIC_TEXT = (
    "Riktlinjen beskriver informationssäkerhet, kontinuitetsplanering och incidenthantering. "
    "Behörighetsstyrning, säkerhetskopiering och lösenordshantering granskas årligen av "
    "förvaltningen. Personuppgifter behandlas enligt dataskyddsförordningen. Leverantören "
    "rapporterar avvikelser till informationssäkerhetssamordnaren. Krisledningsnämnden "
    "sammanträder vid en allvarlig störning. Utbildningen är obligatorisk för medarbetare."
)
INTERNAL_WORD = "servicedesken"
RESTRICTED_WORD = "evakueringsledaren"
RARE_WORD = "sprinklersystemet"  # once in one public document: beyond a small cap


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    suggest._local.clear()
    yield
    suggest._local.clear()


@pytest.fixture
def trigrams(monkeypatch):
    """Every vocabulary counts as cut, so StoredWords is used wherever memory finds nothing."""
    monkeypatch.setattr(suggest, "TRIGRAM_MIN_VOCABULARY", 0)


@pytest.fixture
def documents(db):
    public = make_live_document(
        RiktlinjePage,
        title="Riktlinje för informationssäkerhet",
        summary=f"Hur kommunen arbetar med {RARE_WORD} och lösenord.",
        body=[paragraph(f"<p>{PUBLIC_TEXT}</p>")],
    )
    internal = make_live_document(
        RutinPage,
        title="Rutin för återställning av lösenord",
        summary=f"Hur {INTERNAL_WORD} hjälper den som har glömt sitt lösenord.",
        publicity=Publicity.INTERNAL,
    )
    restricted = make_live_document(
        RutinPage,
        title="Rutin vid utrymning",
        summary=f"Vad {RESTRICTED_WORD} gör när larmet går.",
        publicity=Publicity.INTERNAL,
        restricted_to=[Group.objects.get(name="Beslutsfattare")],
    )
    return public, internal, restricted


def stored_words_for(request):
    documents = Styrdokument.objects.for_request(request)
    return StoredWords(documents, suggest.vocabulary_for(request, documents))


def misspellings(word):
    """Realistic misspellings of `word`: a letter left out, one too many, two swapped, a letter
    doubled, one wrong, and å/ä/ö typed without their dots together with one of those."""
    middle = len(word) // 2
    typos = {
        word[:middle] + word[middle + 1 :],
        word[:middle] + "e" + word[middle:],
        word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :],
        word[:middle] + word[middle] + word[middle:],
        word[:middle] + ("a" if word[middle] != "a" else "o") + word[middle + 1 :],
        word[:-1],
        fold(word)[:middle] + fold(word)[middle + 1 :],
    }
    return sorted(typos - {word})


# -- the same suggestions ------------------------------------------------------------------------

PUBLIC_WORDS = [
    "riktlinjen",
    "informationssäkerhet",
    "kontinuitetsplanering",
    "incidenthantering",
    "behörighetsstyrning",
    "säkerhetskopiering",
    "lösenordshantering",
    "förvaltningen",
    "personuppgifter",
    "dataskyddsförordningen",
    "leverantören",
    "rapporterar",
    "avvikelser",
    "informationssäkerhetssamordnaren",
    "krisledningsnämnden",
    "sammanträder",
    "allvarlig",
    "störning",
    "utbildningen",
    "obligatorisk",
    "medarbetare",
]


@postgres_only
def test_stored_words_choose_as_the_vocabulary_does(documents):
    """For every misspelling, the candidates pg_trgm finds give the suggestion the in-memory
    scan gives (the same rules choose; pg_trgm must find the word chosen)."""
    request = reader_request(PUBLIC_HOST)
    stored = stored_words_for(request)
    vocabulary = stored.vocabulary
    typos = [typo for word in PUBLIC_WORDS for typo in misspellings(word)]
    compared = 0
    for typo in typos:
        target = fold(typo)
        if len(target) < suggest.TRIGRAM_MIN_LENGTH or vocabulary.knows(typo):
            continue
        stored.fetch([target])
        in_memory = vocabulary.closest(typo)
        assert vocabulary.best(target, stored.candidates(target)) == in_memory, typo
        compared += 1 if in_memory else 0
    assert compared > 100  # the comparison is not vacuous


@postgres_only
def test_the_threshold_is_the_statements_own(documents, monkeypatch):
    """The similarity the statement sets for itself is the one `%` applies (pg_trgm's default,
    0.3, would miss one-letter misspellings of six- to eight-letter words)."""

    admin = reader_request(INTRANET_HOST, make_user("admin", superuser=True))

    def found(similarity, target):
        monkeypatch.setattr(suggest, "TRIGRAM_SIMILARITY", similarity)
        stored = stored_words_for(admin)
        stored.fetch([target])
        return {word for _folded, word, _count in stored.found[target]}

    assert "larmet" in found(0.25, "lamret")  # similarity 3/11
    assert "larmet" not in found(0.3, "lamret")
    assert not found(0.99, "lamret")


@postgres_only
def test_compounds_with_one_misspelt_part_are_corrected_alike(documents, trigrams):
    request = reader_request(PUBLIC_HOST)
    for typo, expected in [
        ("kontinutetsplanering", "kontinuitetsplanering"),
        ("informationssäkerhte", "informationssäkerhet"),
        ("sakerhetskopirering", "säkerhetskopiering"),
        ("behörighetsstyrnig", "behörighetsstyrning"),
    ]:
        assert did_you_mean(typo, request) == expected


@postgres_only
def test_a_word_beyond_the_cached_vocabulary_is_found_in_the_database(
    documents, trigrams, monkeypatch
):
    """The cached vocabulary keeps the most frequent words only; a rare word the reader may
    see is still suggested, from the stored words."""
    monkeypatch.setattr(suggest, "MAX_VOCABULARY", 5)
    request = reader_request(PUBLIC_HOST)
    assert RARE_WORD not in suggest.vocabulary_for(request).counts

    assert did_you_mean("sprinklersytemet", request) == RARE_WORD

    monkeypatch.setattr(suggest, "TRIGRAM_MIN_VOCABULARY", 10**9)  # without pg_trgm
    suggest._local.clear()
    cache.clear()
    assert did_you_mean("sprinklersytemet", request) != RARE_WORD


def test_without_postgresql_no_statement_is_made_for_candidates(documents, trigrams):
    """SQLite keeps to edit distance in memory; on PostgreSQL only a vocabulary that was cut
    asks the database."""
    request = reader_request(PUBLIC_HOST)
    documents_qs = Styrdokument.objects.for_request(request)
    vocabulary = suggest.vocabulary_for(request, documents_qs)
    stored = suggest.stored_words(documents_qs, vocabulary)
    assert (stored is not None) == (connection.vendor == "postgresql")


# -- audience --------------------------------------------------------------------------------------


@postgres_only
@pytest.mark.parametrize("cap", [5, 30_000])
def test_an_internal_or_restricted_word_is_never_a_candidate_outside_its_audience(
    documents, trigrams, monkeypatch, cap
):
    monkeypatch.setattr(suggest, "MAX_VOCABULARY", cap)
    member = make_user("beslutsfattare1", groups=["Beslutsfattare"])
    staff = make_user("medarbetaren")
    readers = {
        "public": reader_request(PUBLIC_HOST),
        "staff": reader_request(INTRANET_HOST, staff),
        "member": reader_request(INTRANET_HOST, member),
    }
    secret = {INTERNAL_WORD, RESTRICTED_WORD}
    for name, request in readers.items():
        stored = stored_words_for(request)
        stored.fetch([fold(word) for word in ["servisedesken", "evakueringsledarn", *secret]])
        found = {word for candidates in stored.found.values() for _f, word, _c in candidates}
        if name == "public":
            assert not found & secret
        elif name == "staff":
            assert INTERNAL_WORD in found and RESTRICTED_WORD not in found
        else:
            assert secret <= found


@postgres_only
def test_suggestions_from_stored_words_respect_the_audience(documents, trigrams, monkeypatch):
    monkeypatch.setattr(suggest, "MAX_VOCABULARY", 5)  # the secret words only in the database
    member = reader_request(INTRANET_HOST, make_user("beslutsfattare1", groups=["Beslutsfattare"]))
    staff = reader_request(INTRANET_HOST, make_user("medarbetaren"))
    public = reader_request(PUBLIC_HOST)

    assert did_you_mean("servisedesken", staff) == INTERNAL_WORD
    assert did_you_mean("evakueringsledarn", member) == RESTRICTED_WORD
    assert INTERNAL_WORD not in (did_you_mean("servisedesken", public) or "")
    assert RESTRICTED_WORD not in (did_you_mean("evakueringsledarn", staff) or "")
    assert RESTRICTED_WORD not in (did_you_mean("evakueringsledarn", public) or "")


# -- a constant number of statements --------------------------------------------------------------


def add_words(document, count):
    DocumentWord.objects.bulk_create(
        DocumentWord(document=document, word=f"kommunord{n:05d}", count=1) for n in range(count)
    )


def statements(query, request):
    cache.clear()
    suggest._local.clear()
    with CaptureQueriesContext(connection) as context:
        did_you_mean(query, request)
    return len(context.captured_queries)


@pytest.mark.parametrize("typos", ["flygplansbesattningen", "zxqwvbnmlk " * 12])
def test_statements_do_not_grow_with_the_vocabulary(documents, trigrams, typos):
    public, _internal, _restricted = documents
    request = reader_request(PUBLIC_HOST)
    did_you_mean("riktlinej", request)  # the synonym list read once, as in any process
    small = statements(typos, request)
    add_words(public, 3_000)
    large = statements(typos, request)

    assert small == large
    # the visible documents' digest, the vocabulary, then at most one per uncorrected word
    assert large <= 2 + suggest.MAX_QUERY_WORDS


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "informationssäkerhetssamordnarensadministratörerna" * 3,
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmn",  # 40 letters, the longest corrected
        "säkerhet2025 12345678 riktlinej42",
        "100% säkerhte_ %% \\x '; DROP TABLE search_documentword; --",
        "a\x00b\x1f kontinutetsplanering",
        "ŝëçüŕïťÿ ßtraße ǅemal",
        "🔒 lösenrodshantering 🔑",
        "riktlinej-säkerhte/incidnet?*",
    ],
)
def test_odd_input_never_raises(documents, trigrams, query):
    result = did_you_mean(query, reader_request(PUBLIC_HOST))
    assert result is None or (isinstance(result, str) and len(result) <= suggest.MAX_QUERY_LENGTH)


# -- the index -------------------------------------------------------------------------------------


def test_the_sql_fold_is_pythons():
    source, target = "åäöéüæø", "aaoeuao"
    assert suggest.FOLDED_WORD.format(column="word") == f"translate(word, '{source}', '{target}')"
    folds = {chr(key): value for key, value in FOLD.items()}
    assert folds == dict(zip(source, target, strict=True))


def test_the_migration_indexes_the_expression_the_lookup_uses():
    migration = importlib.import_module("search.migrations.0006_document_word_trigram_index")
    assert suggest.FOLDED_WORD.format(column="word") == migration.FOLDED_WORD


@postgres_only
def test_the_trigram_index_is_on_the_folded_word_the_lookup_compares(documents):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_documentword_word_trgm'"
        )
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition
    assert "translate((word)::text, 'åäöéüæø'::text, 'aaoeuao'::text)" in definition
    sql, _params = stored_words_for(reader_request(PUBLIC_HOST)).statement(["riktlinej"])
    assert f"{suggest.FOLDED_WORD.format(column='w.word')} %% t.target" in sql
