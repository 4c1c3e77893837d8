"""The ranked search's narrow copy (search.models.RankedEntry).

1. The copy never disagrees with the page tree: after every kind of change (publishing, a new
   version, a bulk update from the shell, a move of a subtree, a repeal, removal from the index,
   deletion, update_index, an unrelated object's index entry with the same id), its rows are
   exactly what the page, document and index-entry tables say (PostgreSQL, where triggers keep
   it; elsewhere it stays empty and unused).
2. Searching it shows the reader exactly what searching the documents shows: the same results
   page, byte for byte, for many queries, filters and readers.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from wagtail.search import index

from governance.models import DecisionBody
from policies.models import Publicity, RiktlinjePage, RutinPage, Styrdokument
from policies.repeal import register_existing_repeal
from search import views
from search.loading import ranked_for_request
from search.models import RankedEntry
from tests.factories import (
    INTRANET_HOST,
    PUBLIC_HOST,
    adopt_new_version,
    days_ago,
    get_body,
    make_document,
    make_organisation,
    make_user,
    reader_request,
)
from tests.search.corpus import load_corpus
from tests.search.ranked_copy import (
    COPIED,
    assert_copy_current,
    copied,
    index_entry_count,
    rows,
)
from tests.search.search_helpers import result_titles, search_page

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"
BESLUTSFATTARE = "Beslutsfattare"  # a group every installation has
POSTGRES_ONLY = pytest.mark.skipif(not POSTGRES, reason="the copy is kept on PostgreSQL only")


def reload(page):
    return type(page).objects.get(pk=page.pk)


# -- 1. the copy follows every change --------------------------------------------------------


@POSTGRES_ONLY
def test_a_published_document_and_its_new_version_are_copied():
    document = make_document(RiktlinjePage, title="Riktlinje för Loggning", summary="Om LOGGAR.")
    assert_copy_current()
    row = copied(document)
    assert (row.live, row.publicity) == (True, Publicity.PUBLIC)
    assert row.ranking_title == "riktlinje för loggning"
    assert row.ranking_summary == "om loggar."

    adopt_new_version(document, title="Riktlinje för spårbarhet", publicity=Publicity.INTERNAL)
    assert_copy_current()
    assert copied(document).ranking_title == "riktlinje för spårbarhet"
    assert copied(document).publicity == Publicity.INTERNAL


@POSTGRES_ONLY
def test_bulk_updates_from_the_shell_are_copied():
    document = make_document(RiktlinjePage, title="Riktlinje för behörigheter")
    other = make_document(RutinPage, title="Rutin för konton")

    Page.objects.filter(pk=document.pk).update(live=False, title="Bytt titel")
    Styrdokument.objects.filter(pk=other.pk).update(
        publicity=Publicity.INTERNAL,
        document_type="stodanvisning",
        decision_body=get_body("ks"),
        organisation=make_organisation("Miljöförvaltningen"),
        ranking_summary="ny sammanfattning",
    )
    assert_copy_current()
    assert (copied(document).live, copied(document).title) == (False, "Bytt titel")
    assert copied(other).document_type == "stodanvisning"


@POSTGRES_ONLY
def test_moving_a_subtree_copies_every_new_path():
    first = make_document(RiktlinjePage, title="Första riktlinjen")
    second = make_document(RiktlinjePage, title="Andra riktlinjen")
    rutin = make_document(RutinPage, parent=first, title="Rutin under den första")
    old_path = copied(rutin).path

    reload(first).move(reload(second), pos="last-child")

    assert_copy_current()
    assert copied(rutin).path != old_path
    assert copied(rutin).path.startswith(reload(second).path)


@POSTGRES_ONLY
def test_a_repeal_removal_from_the_index_and_deletion_are_copied():
    repealed = make_document(RiktlinjePage, title="Upphävd riktlinje")
    unindexed = make_document(RutinPage, title="Rutin utan indexpost")
    draft = make_document(RutinPage, title="Utkast som raderas", publish=False)

    register_existing_repeal(
        reload(repealed),
        body=get_body("ks"),
        decision_date=days_ago(1),
        diarienummer="KS-2026-77",
    )
    index.remove_object(reload(unindexed))
    assert_copy_current()
    assert copied(repealed).live is False
    assert copied(unindexed) is None

    reload(draft).delete()
    assert_copy_current()
    assert copied(draft) is None

    call_command("update_index", verbosity=0)
    assert_copy_current()
    assert copied(unindexed) is not None


def test_the_reader_finds_what_a_move_or_a_shell_update_left_at_once(public_client):
    """As a visitor sees it: a rutin moved under a restricted riktlinje, and one unpublished
    from the shell, are no longer found on the next search (on every database; on
    PostgreSQL the search reads the copy)."""
    restricted = make_document(
        RiktlinjePage,
        title="Riktlinje för skyddade nätverk",
        publicity=Publicity.INTERNAL,
        restricted_to=[Group.objects.get(name=BESLUTSFATTARE)],
    )
    moved = make_document(RutinPage, title="Rutin för brandväggar")
    unpublished = make_document(RutinPage, title="Rutin för brandväggarnas loggar")
    assert set(result_titles(search_page(public_client, "brandväggar"))) == {
        "Rutin för brandväggar",
        "Rutin för brandväggarnas loggar",
    }

    reload(moved).move(reload(restricted), pos="last-child")
    Page.objects.filter(pk=unpublished.pk).update(live=False)

    assert result_titles(search_page(public_client, "brandväggar")) == []
    if POSTGRES:
        assert_copy_current()


@POSTGRES_ONLY
def test_another_objects_index_entry_with_the_same_id_changes_nothing():
    """Index entries name their object by id as text; a decision body (indexed too) with a
    document's id must not give the document its text."""
    document = make_document(RiktlinjePage, title="Riktlinje med eget id")
    before = rows(COPIED)
    body = DecisionBody.objects.filter(pk=document.pk).first()
    if body is None:
        DecisionBody.objects.create(
            pk=document.pk, code="samma-id", name="Nämnd med samma id", kind="official"
        )
    else:  # saved again: its index entry is written again
        body.name = f"{body.name} (nytt namn)"
        body.save()
    assert index_entry_count(document.pk) == 2
    assert rows(COPIED) == before
    assert_copy_current()


@POSTGRES_ONLY
def test_the_migration_copies_the_documents_that_exist():
    make_document(RiktlinjePage, title="Fanns före kopian")
    from importlib import import_module

    migration = import_module("search.migrations.0009_ranked_entries")
    RankedEntry.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(migration.COPY_EXISTING)
    assert_copy_current()


@pytest.mark.skipif(POSTGRES, reason="the other databases")
def test_elsewhere_the_copy_is_empty_and_not_searched(intranet_client):
    make_document(RiktlinjePage, title="Riktlinje för loggning")
    assert not RankedEntry.objects.exists()
    assert ranked_for_request(reader_request(INTRANET_HOST)) is None
    with CaptureQueriesContext(connection) as queries:
        response = intranet_client.get("/sok/", {"q": "loggning"}, HTTP_HOST=INTRANET_HOST)
    assert "Riktlinje för loggning" in response.content.decode()
    assert not any("search_rankedentry" in query["sql"] for query in queries)


# -- 2. the same results page ----------------------------------------------------------------

QUERIES = [
    "informationssäkerhet",
    "informationssakerhet",
    "riktlinje",
    "riktlinjer säkerhet",
    "lösenord",
    "lösenord -leverantör",
    "incident OR kontinuitet",
    "hantering av incidenter",
    "vem ansvarar för att stänga av konton när någon slutar",
    "behörigheter",
    "molntjänster leverantörer",
    "säkerhetskopiering återställning",
    "informatonssäkerhet",
    "klassning av information",
    "jävsregler",
    "KS 2025",
    "loggning uppföljning granskning",
    "arbete hemifrån",
    "zzzyx",
    '"fysisk säkerhet"',
    '"incidenter ska rapporteras" leverantör',
    '"lösenord" OR "tvåfaktorsautentisering"',
    '"informationssäkerhet" -molntjänster',
]
FILTERS = [
    {},
    {"typ": "rutin"},
    {"organ": "ks", "sida": "2"},
    {"status": "aktuell"},
]


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        pages = load_corpus()
        users = {
            "staff": make_user("medarbetare-sok"),
            "member": make_user("beslutsfattare-sok", groups=[BESLUTSFATTARE]),
            "superuser": make_user("admin-sok", superuser=True),
        }
        yield pages, users
        transaction.set_rollback(True)


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page_of(client, host, query, filters):
    """What the reader gets: status, redirect and the page (without the logout form's CSRF
    token, which is masked anew on every response)."""
    response = client.get("/sok/", {"q": query, **filters}, HTTP_HOST=host)
    assert response.status_code in (200, 302), response.status_code
    page = CSRF_TOKEN.sub("", response.content.decode())
    return response.status_code, response.get("Location"), page


@POSTGRES_ONLY
@pytest.mark.parametrize("reader", ["public", "staff", "member", "superuser"])
def test_the_copy_shows_each_reader_the_same_results_page(corpus, client, monkeypatch, reader):
    _pages, users = corpus
    host = PUBLIC_HOST if reader == "public" else INTRANET_HOST
    if reader != "public":
        client.force_login(users[reader])
    searched_copy = with_results = 0
    for query in QUERIES:
        for filters in FILTERS:
            with CaptureQueriesContext(connection) as queries:
                narrow = page_of(client, host, query, filters)
            searched_copy += any("search_rankedentry" in q["sql"] for q in queries)
            with_results += 'class="search-results"' in narrow[2]
            with monkeypatch.context() as patched:
                patched.setattr(views, "ranked_for_request", lambda request: None)
                documents = page_of(client, host, query, filters)
            assert narrow == documents, (reader, query, filters)
    # Every query searched the copy.
    assert searched_copy == len(QUERIES) * len(FILTERS)
    assert with_results >= len(QUERIES) * len(FILTERS) // 3  # pages with hits were compared
