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
from search.loading import SLOTS, load_shown
from search.ranking import load_documents
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
