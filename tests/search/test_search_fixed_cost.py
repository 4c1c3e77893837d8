"""What /sok/ does per request apart from the database (issue 17: a fixed 60-100 ms even at a
few hundred documents) stays cheap without changing what a reader sees: a hit's text is the
document's stored plain text (no body is read), the filter options are made without Django's
widget templates, and the "Menade du …" vocabulary is keyed by a digest of the visible documents
the database makes."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies import text as policies_text
from policies.models import Publicity, RiktlinjePage, RutinPage, Styrdokument
from policies.register import RegisterFilterForm
from policies.text import document_plain_text, indexed_text, streamfield_text
from search import snippets, suggest
from search.parsing import parse_query
from tests.factories import heading, make_live_document, make_organisation, paragraph
from tests.shared import build_once

pytestmark = pytest.mark.django_db


def build_world():
    group = Group.objects.create(name="Sekretess")
    organisation = make_organisation("Socialförvaltningen")
    body = [
        heading("Syfte"),
        paragraph("<p>Lösenord byts <b>var</b> nittionde dag &amp; sparas aldrig i klartext.</p>"),
        paragraph("<p>Säkerhetskopiering sker varje natt.</p>"),
    ]
    return {
        "public": make_live_document(
            RiktlinjePage,
            title="Riktlinje för lösenord",
            summary="Hur lösenord väljs och byts.",
            body=body,
            organisation=organisation,
        ),
        "internal": make_live_document(
            RutinPage,
            title="Rutin för lösenordsbyte",
            summary="Internt stöd vid byte av lösenord.",
            publicity=Publicity.INTERNAL,
            body=body,
        ),
        "restricted": make_live_document(
            RutinPage,
            title="Rutin för lösenord i socialtjänsten",
            publicity=Publicity.INTERNAL,
            restricted_to=[group],
            body=body,
        ),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


@pytest.fixture
def w(world, db):
    return {name: Styrdokument.objects.get(pk=doc.pk) for name, doc in world.items()}


def test_the_stored_plain_text_is_the_indexed_text(w):
    for document in w.values():
        text = snippets.body_text_of(document)
        assert text == document.plain_text
        assert text == document_plain_text(document.summary, document.body)
        assert snippets.full_text(document, text) == snippets.normalised(indexed_text(document))
        assert snippets.full_text(document, text) == snippets.full_text(document)


def test_a_hit_reads_no_body(w, monkeypatch):
    calls = []

    def counting(value, markup=False):
        calls.append(value)
        return streamfield_text(value, markup=markup)

    monkeypatch.setattr(policies_text, "streamfield_text", counting)
    hits = snippets.describe_hits(list(w.values()), parse_query("lösenord"))
    assert calls == []
    assert [hit.document for hit in hits] == list(w.values())
    assert all("<mark>" in hit.snippet for hit in hits)


def test_a_document_without_its_plain_text_is_read_from_its_body(w):
    """Written without save() (a bulk insert): the body at hand is read; a body not loaded is
    never fetched for a snippet, one query per hit."""
    document = next(iter(w.values()))
    bare = Styrdokument.objects.get(pk=document.pk)
    bare.plain_text = ""
    assert snippets.body_text_of(bare) == document.plain_text
    deferred = Styrdokument.objects.defer("body").get(pk=document.pk)
    deferred.plain_text = ""
    with CaptureQueriesContext(connection) as queries:
        assert snippets.body_text_of(deferred) == snippets.normalised(document.summary)
    assert not queries.captured_queries


def test_the_search_form_offers_the_same_options_as_the_form(public_client, intranet_client, w):
    for client in (public_client, intranet_client):
        response = client.get("/sok/", {"q": "lösenord", "typ": "rutin"})
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        form = response.context["filter_form"]
        assert isinstance(form, RegisterFilterForm)
        for name in ("typ", "organ", "forvaltning", "omrade", "status"):
            select = soup.select_one(f"select[name={name}]")
            assert select["id"] == f"id_{name}"
            assert soup.select_one(f"label[for=id_{name}]") is not None
            shown = [(o["value"], o.get_text()) for o in select.select("option")]
            assert shown == [(str(v), str(label)) for v, label in form.fields[name].choices]
        assert soup.select_one("select[name=typ] option[selected]")["value"] == "rutin"
        # One chosen option per list, as Django's widget marks it ("Alla" where none is chosen).
        assert [len(select.select("option[selected]")) for select in soup.select("select")] == [
            1
        ] * 5


def test_the_vocabulary_digest_names_the_visible_documents(w):
    live = Styrdokument.objects.live()
    public = live.filter(publicity=Publicity.PUBLIC)
    everything = suggest._visible_digest(live)
    assert suggest._visible_digest(live) == everything
    assert suggest._visible_digest(public) != everything
    assert suggest._visible_digest(live.exclude(pk=w["restricted"].pk)) != everything
    # Another edition of one document is another vocabulary.
    Styrdokument.objects.filter(pk=w["public"].pk).update(
        live_revision=w["public"].specific.save_revision()
    )
    assert suggest._visible_digest(live) != everything
    assert suggest._visible_digest(live.none()) != suggest._visible_digest(public)


def test_readers_who_see_different_documents_get_different_vocabularies(
    public_client, intranet_client, w
):
    """A word only internal documents hold is never suggested on the public website."""
    assert intranet_client.get("/sok/", {"q": "losenordsbite"}).status_code == 200
    public = public_client.get("/sok/", {"q": "lösenordsbyt"})
    assert public.status_code == 200
    suggestion = BeautifulSoup(public.content, "html.parser").select_one(".did-you-mean a")
    assert suggestion is None or "lösenordsbyte" not in suggestion.get_text()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the narrow copy is PostgreSQL's")
def test_a_search_that_finds_builds_neither_the_documents_nor_the_orm_order(
    public_client, intranet_client, w, monkeypatch
):
    """With the narrow copy, a query that finds what it looks for reads its page through
    NarrowPage and load_shown: the reader's Styrdokument queryset (for_request) and the ORM's
    ordered ids (ranking._ordered) are never built (search.service, search.ranking.RankedIds)."""
    from policies.models import StyrdokumentQuerySet
    from search import ranking, service

    monkeypatch.setattr(service, "FEW_HITS", 0)  # this world is small: no "Menade du …"

    built = []
    for_request = StyrdokumentQuerySet.for_request
    monkeypatch.setattr(
        StyrdokumentQuerySet,
        "for_request",
        lambda self, request: built.append("for_request") or for_request(self, request),
    )
    ordered = ranking._ordered
    monkeypatch.setattr(
        ranking,
        "_ordered",
        lambda *args, **kwargs: built.append("_ordered") or ordered(*args, **kwargs),
    )
    for client, expected in ((public_client, 1), (intranet_client, 2)):
        response = client.get("/sok/", {"q": "lösenord"})
        page = BeautifulSoup(response.content, "html.parser")
        assert len(page.select(".search-result")) == expected
    assert built == []
