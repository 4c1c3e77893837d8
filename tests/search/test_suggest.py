"""'Menade du …': corrections for misspelt queries, from what the reader may see."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from policies.models import Publicity, RiktlinjePage, RutinPage, Styrdokument
from policies.repeal import register_existing_repeal
from search import suggest
from search.suggest import did_you_mean, edit_distance
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    adopt_new_version,
    days_ago,
    make_document,
    make_live_document,
    make_user,
    paragraph,
    reader_request,
)

pytestmark = pytest.mark.django_db

# Words that occur only in the internal (and the restricted) document, nowhere public and not in
# policies.swedish.BASE_LEXICON.
INTERNAL_WORD = "servicedesken"
RESTRICTED_WORD = "evakueringsledaren"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    suggest._local.clear()
    yield
    suggest._local.clear()


@pytest.fixture
def public_request():
    return reader_request(PUBLIC_HOST)


@pytest.fixture
def staff_request(db):
    return reader_request(INTRANET_HOST, make_user("medarbetaren"))


@pytest.fixture
def documents(db):
    public = make_live_document(
        RiktlinjePage,
        title="Riktlinje för informationssäkerhet",
        summary="Hur kommunen arbetar med kontinuitetsplanering och lösenord.",
        body=[paragraph("<p>Varje incident rapporteras till förvaltningen samma dag.</p>")],
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


# -- corrections ---------------------------------------------------------------------------------


def test_misspelt_words_are_corrected(public_request, documents):
    assert did_you_mean("riktlinej säkerhte", public_request) == "riktlinje säkerhet"
    assert did_you_mean("lösenrod", public_request) == "lösenord"
    assert did_you_mean("incidnet", public_request) == "incident"


def test_only_the_misspelt_word_changes(public_request, documents):
    assert did_you_mean("kommunen incidnet", public_request) == "kommunen incident"
    assert did_you_mean("Riktlinej!", public_request) == "Riktlinje!"
    assert did_you_mean("LÖSENROD 2025", public_request) == "LÖSENORD 2025"


def test_a_misspelt_part_of_a_compound_is_corrected(public_request, documents):
    assert did_you_mean("kontinutetsplanering", public_request) == "kontinuitetsplanering"
    assert did_you_mean("informationssäkerhte", public_request) == "informationssäkerhet"


@pytest.mark.parametrize(
    "query",
    [
        "riktlinje säkerhet",
        "Informationssäkerhet",
        "riktlinjerna",  # an inflection of a known word
        "sakerhet",  # without å/ä/ö
        "informationssäkerhetsrutin",  # a compound of known words
        "för och i",  # stop words
        "KS-2025-12",  # numbers are not corrected
        "ab",  # too short to correct
    ],
)
def test_known_words_get_no_suggestion(public_request, documents, query):
    assert did_you_mean(query, public_request) is None


def test_nothing_close_gives_no_suggestion(public_request, documents):
    assert did_you_mean("zxqwv", public_request) is None
    assert did_you_mean("flygplan", public_request) is None


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        None,
        42,
        "!!! ??? ...",
        "x" * 10_000,
        "riktlinej " * 2_000,
        "'; DROP TABLE wagtailcore_page; --",
        '" OR 1=1 --',
        "a\x00b\x1f",
        "🔒 lösenrod 🔑",
        "ŝëçüŕïťÿ",
        "riktlinej-säkerhte/incidnet",
    ],
)
def test_odd_input_never_raises(public_request, documents, query):
    result = did_you_mean(query, public_request)
    assert result is None or (isinstance(result, str) and len(result) <= suggest.MAX_QUERY_LENGTH)


def test_a_long_query_is_cut_before_correcting(public_request, documents):
    suggestion = did_you_mean("lösenrod " * 100, public_request)

    assert set(suggestion.split()[:-1]) == {"lösenord"}  # the last word is cut short
    assert len(suggestion) <= suggest.MAX_QUERY_LENGTH


# -- audience ----------------------------------------------------------------------------------


def test_an_internal_word_is_never_suggested_on_the_public_site(
    public_request, staff_request, documents
):
    typo = "servisedesken"

    assert did_you_mean(typo, staff_request) == INTERNAL_WORD
    assert INTERNAL_WORD not in (did_you_mean(typo, public_request) or "")
    assert INTERNAL_WORD not in (did_you_mean("servicedeskn", public_request) or "")


def test_a_restricted_word_is_suggested_only_to_the_group(public_request, staff_request, documents):
    member = make_user("beslutsfattare1", groups=["Beslutsfattare"])
    typo = "evakueringsledarn"

    assert did_you_mean(typo, reader_request(INTRANET_HOST, member)) == RESTRICTED_WORD
    admin = make_user("admin", superuser=True)
    assert did_you_mean(typo, reader_request(INTRANET_HOST, admin)) == RESTRICTED_WORD
    assert RESTRICTED_WORD not in (did_you_mean(typo, staff_request) or "")
    assert RESTRICTED_WORD not in (did_you_mean(typo, public_request) or "")


def test_the_public_site_never_suggests_a_word_of_an_internal_document():
    """Whatever is typed: every suggestion on the public site uses public words only."""
    internal = make_live_document(
        RutinPage,
        title="Rutin för kassaskåpet",
        summary="Kodlåset till kassaskåpet byts av vaktmästaren varje kvartal.",
        publicity=Publicity.INTERNAL,
    )
    internal_words = {"kassaskåpet", "kodlåset", "vaktmästaren", "kvartal"}
    typos = ["kassaskpet", "kodlset", "vaktmästarn", "kvartl", "kasaskåpet", "vaktmastaren"]
    staff = reader_request(INTRANET_HOST, make_user("personal"))
    public = reader_request(PUBLIC_HOST)

    assert {did_you_mean(typo, staff) for typo in typos} <= internal_words | {None}
    assert any(did_you_mean(typo, staff) for typo in typos)
    for typo in typos:
        assert not set((did_you_mean(typo, public) or "").split()) & internal_words, typo
    assert internal.pk not in Styrdokument.objects.for_request(public).values_list("pk", flat=True)


# -- the cached vocabulary -------------------------------------------------------------------------


def test_the_vocabulary_is_cached(public_request, documents, django_assert_max_num_queries):
    did_you_mean("lösenrod", public_request)

    # Only the query that finds which documents are visible; no document text is read again.
    with django_assert_max_num_queries(1):
        assert did_you_mean("incidnet", public_request) == "incident"


def test_a_newly_published_word_is_suggested_at_once(public_request, documents):
    assert did_you_mean("brandskyddsansvarig", public_request) is None  # a known compound
    assert did_you_mean("utrymningsplanen", public_request) is None  # known parts

    make_document(
        RiktlinjePage,
        title="Riktlinje för sprinklersystem",
        body=[paragraph("<p>Sprinklersystemet provas varje år.</p>")],
    )

    assert did_you_mean("sprinklersytemet", public_request) == "sprinklersystemet"


def test_a_document_adopted_again_as_internal_stops_giving_suggestions_at_once(public_request):
    page = make_document(RiktlinjePage, title="Riktlinje för kameraövervakning")
    assert did_you_mean("kameraövervakningg", public_request) == "kameraövervakning"

    adopt_new_version(page, publicity=Publicity.INTERNAL)

    assert did_you_mean("kameraövervakningg", public_request) != "kameraövervakning"


def test_an_unpublished_document_stops_giving_suggestions_at_once(public_request):
    page = make_document(RiktlinjePage, title="Riktlinje för kameraövervakning")
    assert did_you_mean("kameraövervakningg", public_request) == "kameraövervakning"

    # An adopted document leaves the register only by a repeal decision (issue 13).
    register_existing_repeal(
        page, body=page.decision_body, decision_date=days_ago(1), diarienummer="KS-2026-42"
    )

    assert did_you_mean("kameraövervakningg", public_request) != "kameraövervakning"


def test_readers_who_see_the_same_documents_share_the_vocabulary(documents):
    first = reader_request(INTRANET_HOST, make_user("en"))
    second = reader_request(INTRANET_HOST, make_user("tva"))

    assert suggest.vocabulary_for(first) is suggest.vocabulary_for(second)
    assert suggest.vocabulary_for(reader_request(PUBLIC_HOST)) is not suggest.vocabulary_for(first)


def test_the_vocabulary_is_bounded(public_request, documents, monkeypatch):
    monkeypatch.setattr(suggest, "MAX_VOCABULARY", 3)

    counts = suggest.build_counts(Styrdokument.objects.for_request(public_request))

    document_words = set(counts) - suggest.BASE_LEXICON
    assert len(document_words) <= 3


@pytest.mark.parametrize(
    "a, b, edits",
    [("riktlinej", "riktlinje", 1), ("lösenrod", "lösenord", 1), ("abc", "abc", 0), ("", "ab", 2)],
)
def test_edit_distance_counts_a_swap_as_one_edit(a, b, edits):
    assert edit_distance(a, b) == edits


def test_only_saves_that_may_change_the_text_renew_the_vocabulary(public_request, documents):
    public, _internal, _restricted = documents
    vocabulary = suggest.vocabulary_for(public_request)

    public.save(update_fields=["has_unpublished_changes"])  # e.g. a draft revision
    assert suggest.vocabulary_for(public_request) is vocabulary

    public.title = "Riktlinje för kameraövervakning"
    public.save(update_fields=["title"])
    assert suggest.vocabulary_for(public_request) is not vocabulary
    assert did_you_mean("kameraövervakningg", public_request) == "kameraövervakning"


def test_a_word_seen_once_is_no_compound_part_for_corrections():
    """A corpus word becomes a compound part only when it stands on its own often enough: a
    name or a typo seen once must not let "Menade du" split a word into it."""
    from policies.swedish import CORPUS_MIN_COUNT

    rare = suggest.Vocabulary({"gnurk": 1})
    common = suggest.Vocabulary({"gnurk": CORPUS_MIN_COUNT})
    assert not rare.lexicon.knows("gnurk")
    assert common.lexicon.knows("gnurk")
