"""The lower-case copies of title and summary that the search's boost reads on PostgreSQL
(issue 17): kept by every save, so a capitalised title still lifts its document, and the same
order on both databases."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.db import connection

from policies.models import RutinPage, Styrdokument
from search import ranking
from search.parsing import parse_query
from tests.search.search_helpers import one_paragraph_document, result_titles, search_page
from tests.shared import build_once

pytestmark = pytest.mark.django_db

SAME_TEXT = "Kylrummet städas varje vecka av den som har veckans tjänst."


def build_world():
    return {
        "plain": one_paragraph_document(RutinPage, "Rutin B", SAME_TEXT),
        "capitals": one_paragraph_document(
            RutinPage, "KYLRUMMET OCH ÅTERVINNINGEN", SAME_TEXT, summary="ÖVERSIKT"
        ),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


def stored(document):
    return Styrdokument.objects.filter(pk=document.pk).values_list(
        "ranking_title", "ranking_summary"
    )[0]


def test_save_keeps_lower_case_copies(world):
    assert stored(world["capitals"]) == ("kylrummet och återvinningen", "översikt")


def test_saving_only_the_title_or_summary_updates_its_copy(world):
    document = Styrdokument.objects.get(pk=world["plain"].pk)
    document.title = "Städning av KYLRUMMET"
    document.save(update_fields=["title"])
    assert stored(document)[0] == "städning av kylrummet"
    document.summary = "Vem GÖR vad"
    document.save(update_fields=["summary"])
    assert stored(document)[1] == "vem gör vad"


def test_a_capitalised_title_is_boosted_on_both_databases(world, public_client):
    """The same text; the one whose title holds the word, whatever its case, comes first."""
    response = search_page(public_client, "kylrummet")
    assert result_titles(response)[:2] == ["KYLRUMMET OCH ÅTERVINNINGEN", "Rutin B"]
    response = search_page(public_client, "återvinningen")
    assert result_titles(response)[0] == "KYLRUMMET OCH ÅTERVINNINGEN"


def test_the_boost_reads_the_copies_on_postgresql_only():
    lookup = ranking.field_lookup("title")
    if connection.vendor == "postgresql":
        assert lookup == "ranking_title__contains"
    else:
        assert lookup == "title__icontains"


def test_forms_holding_another_form_are_tested_once():
    assert ranking.shortest(["Informationssäkerhet", "informationssäker", "it-säkerhet"]) == [
        "informationssäker",
        "it-säkerhet",
    ]


def test_the_boost_is_computed_once_per_row_on_postgresql():
    boosted = ranking.boost(parse_query("kylrummet"))
    once = ranking.computed_once(boosted)
    if connection.vendor == "postgresql":
        assert once is not boosted and once.contains_over_clause
        # A frame of the row itself: no partition, so the matches are not sorted for it.
        sql = str(Styrdokument.objects.annotate(boost=once).query)
        assert "ROWS BETWEEN CURRENT ROW AND CURRENT ROW" in sql
        assert "PARTITION BY" not in sql
    else:
        assert once is boosted


def test_the_migration_fills_the_copies_of_existing_documents(world):
    migration = importlib.import_module("policies.migrations.0016_ranking_copies")
    Styrdokument.objects.filter(pk=world["capitals"].pk).update(
        ranking_title="", ranking_summary=""
    )
    migration.fill(global_apps, None)
    assert stored(world["capitals"]) == ("kylrummet och återvinningen", "översikt")
