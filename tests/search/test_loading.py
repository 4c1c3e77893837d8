"""A page of search results read by id in a compiled statement (search.loading) holds exactly
what reading it through the reader's visibility queryset held (search.ranking.load_documents),
in the same order, for every kind of reader on both channels; a document the reader may not see
is left out even when its id is asked for."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import Publicity, RiktlinjePage, RutinPage, Styrdokument
from search import service
from search.loading import SLOTS, load_shown, prefix_tsquery, suggest_shown
from search.ranking import autocomplete_documents, load_documents, searchable
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    make_live_document,
    make_user,
    reader_request,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    secret = Group.objects.create(name="Sekretess HR")
    public = make_live_document(RiktlinjePage, title="Riktlinje för loggning", publicity="public")
    internal = make_live_document(
        RiktlinjePage, title="Riktlinje för behörigheter", publicity="internal"
    )
    restricted = make_live_document(
        RiktlinjePage,
        title="Riktlinje för personalärenden",
        publicity="internal",
        restricted_to=[secret],
    )
    below = make_live_document(
        RutinPage, parent=restricted, title="Rutin för sjukfrånvaro", publicity="internal"
    )
    draft = make_live_document(RiktlinjePage, title="Riktlinje för säkerhetskopior")
    draft.unpublish()
    return {
        "documents": [public, internal, restricted, below, draft],
        "secret": secret,
    }


def readers(world):
    member = make_user("hr-handlaggare")
    member.groups.add(world["secret"])
    return {
        "webbplatsen": (PUBLIC_HOST, AnonymousUser()),
        "anställd": (INTRANET_HOST, make_user("anstalld-loading")),
        "medlem i sekretessgruppen": (INTRANET_HOST, member),
        "superanvändare": (INTRANET_HOST, make_user("admin-loading", superuser=True)),
    }


def through_visibility(ids, request):
    visible = Styrdokument.objects.for_request(request).select_related(
        "decision_body", "organisation"
    )
    return load_documents(ids, visible)


def test_every_reader_gets_what_the_visibility_queryset_gives(world):
    ids = [document.pk for document in reversed(world["documents"])]
    for name, (host, user) in readers(world).items():
        request = reader_request(host, user)
        expected = through_visibility(ids, request)
        loaded = load_shown(ids, request, fallback=lambda items: pytest.fail("no fallback"))
        assert [doc.pk for doc in loaded] == [doc.pk for doc in expected], name
        for mine, theirs in zip(loaded, expected, strict=True):
            assert mine.title == theirs.title
            assert mine.decision_body == theirs.decision_body
            assert mine.publicity == theirs.publicity


def test_what_the_reader_may_not_see_is_left_out(world):
    public, internal, restricted, below, draft = world["documents"]
    ids = [document.pk for document in world["documents"]]
    shown = load_shown(ids, reader_request(PUBLIC_HOST, AnonymousUser()), fallback=list)
    assert [doc.pk for doc in shown] == [public.pk]
    assert public.publicity == Publicity.PUBLIC

    employee = reader_request(INTRANET_HOST, make_user("anstalld-2"))
    shown = load_shown(ids, employee, fallback=list)
    assert [doc.pk for doc in shown] == [public.pk, internal.pk]


def test_one_statement_reads_the_page(world):
    ids = [document.pk for document in world["documents"]]
    request = reader_request(PUBLIC_HOST, AnonymousUser())
    load_shown(ids, request, fallback=list)  # compiled and the hidden subtrees read
    with CaptureQueriesContext(connection) as queries:
        load_shown(ids, request, fallback=list)
    assert len(queries) == 1


def test_anything_but_a_page_of_ids_is_read_the_usual_way(world):
    request = reader_request(PUBLIC_HOST, AnonymousUser())
    documents = list(Styrdokument.objects.live())
    assert load_shown(documents, request, fallback=lambda items: ["fallback"]) == ["fallback"]
    too_many = list(range(1, SLOTS + 2))
    assert load_shown(too_many, request, fallback=lambda items: ["fallback"]) == ["fallback"]
    assert load_shown([], request, fallback=lambda items: []) == []


def test_a_page_of_results_fits_in_one_statement():
    assert service.PAGE_SIZE <= SLOTS


# -- suggestions while typing: one compiled statement ----------------------------------------


@pytest.fixture
def suggestible():
    """Titles sharing their first words, on both channels, with restricted subtrees (one nested
    in another, one of another group) between them."""
    secret, other = Group.objects.create(name="Sekretess IT"), Group.objects.create(name="Kris")
    made = [
        make_live_document(RiktlinjePage, title="Riktlinje för loggning", publicity="public"),
        make_live_document(RiktlinjePage, title="Riktlinje för lösenord", publicity="internal"),
        make_live_document(RutinPage, title="Rutin för loggranskning", publicity="public"),
    ]
    hidden = make_live_document(
        RiktlinjePage,
        title="Riktlinje för loggar i HR",
        publicity="internal",
        restricted_to=[secret],
    )
    nested = make_live_document(
        RutinPage, parent=hidden, title="Rutin för loggar i lönesystemet", restricted_to=[other]
    )
    made += [hidden, nested]
    made.append(make_live_document(RutinPage, parent=hidden, title="Rutin för loggutdrag"))
    made.append(
        make_live_document(
            RiktlinjePage, title="Riktlinje för loggar vid kris", restricted_to=[other]
        )
    )
    draft = make_live_document(RiktlinjePage, title="Riktlinje för loggserver")
    draft.unpublish()
    member = make_user("it-sakerhet")
    member.groups.add(secret)
    return {
        "webbplatsen": (PUBLIC_HOST, AnonymousUser()),
        "anställd": (INTRANET_HOST, make_user("anstalld-forslag")),
        "medlem i en grupp": (INTRANET_HOST, member),
        "superanvändare": (INTRANET_HOST, make_user("admin-forslag", superuser=True)),
    }


WORDS = [["logg"], ["riktlinje", "för", "logg"], ["rutin"], ["r"], ["lösen"], ["saknas"]]


def through_the_index(words, limit, request):
    visible = searchable(Styrdokument.objects.for_request(request))
    return autocomplete_documents(visible, words, limit)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index only")
def test_suggestions_are_what_the_visibility_queryset_and_the_index_give(suggestible):
    for name, (host, user) in suggestible.items():
        request = reader_request(host, user)
        for words in WORDS:
            for limit in (8, 2):
                expected = through_the_index(words, limit, request)
                found = suggest_shown(words, limit, request)
                if found is None:  # too many hidden among the first: the queryset's turn
                    assert limit == 2, (name, words)
                    continue
                assert [d.pk for d in found] == [d.pk for d in expected], (name, words, limit)
                assert [d.url_path for d in found] == [d.url_path for d in expected]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index only")
def test_a_new_restriction_is_obeyed_by_the_next_suggestion(suggestible):
    """The statement is kept per number of hidden subtrees: one more restricted document gives
    another statement, not the old one with a subtree missing."""
    request = lambda: reader_request(PUBLIC_HOST, AnonymousUser())  # noqa: E731 - fresh each time
    before = [d.title for d in suggest_shown(["riktlinje"], 8, request())]
    assert "Riktlinje för loggning" in before
    document = Styrdokument.objects.get(title="Riktlinje för loggning")
    Styrdokument.restricted_to.through.objects.create(
        styrdokument=document, group=Group.objects.get(name="Kris")
    )
    after = [d.title for d in suggest_shown(["riktlinje"], 8, request())]
    assert after == [title for title in before if title != "Riktlinje för loggning"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index only")
def test_one_statement_finds_and_reads_the_suggestions(suggestible):
    request = reader_request(PUBLIC_HOST, AnonymousUser())
    suggest_shown(["logg"], 8, request)  # compiled, and the hidden subtrees read
    with CaptureQueriesContext(connection) as queries:
        found = suggest_shown(["logg"], 8, request)
    assert [d.title for d in found] == ["Riktlinje för loggning", "Rutin för loggranskning"]
    assert len(queries) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index only")
def test_when_the_first_titles_are_hidden_the_queryset_is_asked(suggestible, client):
    """More of the first titles hidden from the reader than the statement reads beyond those
    asked for: suggest_shown says so (None), and the suggestions come from the queryset."""
    secret = Group.objects.get(name="Kris")
    for number in range(2 * 8):
        make_live_document(
            RutinPage, title=f"Avvikelse {number:02d}", publicity="public", restricted_to=[secret]
        )
    visible = make_live_document(RutinPage, title="Avvikelserapportering", publicity="public")
    request = reader_request(PUBLIC_HOST, AnonymousUser())

    assert suggest_shown(["avvik"], 8, request) is None
    assert [d.pk for d in through_the_index(["avvik"], 8, request)] == [visible.pk]
    response = client.get("/sok/forslag/", {"q": "avvik"}, HTTP_HOST=PUBLIC_HOST)
    assert [item["title"] for item in response.json()] == ["Avvikelserapportering"]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the other databases")
def test_other_databases_find_suggestions_through_the_queryset(suggestible):
    assert suggest_shown(["logg"], 8, reader_request(PUBLIC_HOST, AnonymousUser())) is None


@pytest.mark.parametrize(
    ("words", "tsquery"),
    [
        (["logg"], "'logg':*"),
        (["rutin", "för", "beh"], "'rutin' & 'för' & 'beh':*"),
        (["o'hara", "a\\b"], "'o''hara' & 'a\\\\b':*"),
    ],
)
def test_the_words_typed_are_quoted_in_the_tsquery(words, tsquery):
    assert prefix_tsquery(words) == tsquery
