"""Each document's summary and body as plain text (Styrdokument.plain_text, issue 17): kept by
every save and by publishing a new version, filled for existing documents by its migration, and
what a hit's snippet is taken from, so a page of results never reads a body."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import RiktlinjePage, RutinPage, Styrdokument
from policies.text import document_plain_text
from tests.factories import adopt_new_version, heading, make_document, paragraph
from tests.search.search_helpers import search_page
from tests.shared import build_once

pytestmark = pytest.mark.django_db


def build_world():
    return {
        "rutin": make_document(
            RutinPage,
            title="Rutin för nyckelkvittens",
            summary="Hur  nycklar\nkvitteras.",
            body=[
                heading("Syfte"),
                paragraph("<p>Varje <b>nyckel</b> kvitteras &amp; registreras i låssystemet.</p>"),
            ],
        ),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from build_once(django_db_blocker, build_world)


def stored(document):
    return Styrdokument.objects.filter(pk=document.pk).values_list("plain_text", flat=True)[0]


def snippets(response):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(p.get_text(" ").split()) for p in soup.select(".search-result__snippet")]


def test_save_keeps_the_summary_and_body_as_plain_text(world):
    text = stored(world["rutin"])
    assert text == (
        "Hur nycklar kvitteras. Syfte Varje nyckel kvitteras & registreras i låssystemet."
    )
    document = Styrdokument.objects.get(pk=world["rutin"].pk)
    assert text == document_plain_text(document.summary, document.body)


def test_saving_only_the_summary_or_body_updates_the_text(world):
    document = Styrdokument.objects.get(pk=world["rutin"].pk)
    document.summary = "Ny sammanfattning."
    document.save(update_fields=["summary"])
    assert stored(document).startswith("Ny sammanfattning. Syfte")
    document.body = [paragraph("<p>Bara detta.</p>")]
    document.save(update_fields=["body"])
    assert stored(document).endswith("Bara detta.")


def test_a_new_version_is_what_the_snippet_shows(public_client):
    document = make_document(
        RiktlinjePage,
        title="Riktlinje för passerkort",
        summary="",
        body=[paragraph("<p>Passerkort bärs synligt.</p>")],
    )
    assert snippets(search_page(public_client, "passerkort")) == ["Passerkort bärs synligt."]
    document.body = [paragraph("<p>Passerkort lämnas tillbaka när anställningen slutar.</p>")]
    adopt_new_version(document)
    assert stored(document) == "Passerkort lämnas tillbaka när anställningen slutar."
    assert snippets(search_page(public_client, "passerkort")) == [
        "Passerkort lämnas tillbaka när anställningen slutar."
    ]


def test_a_page_of_results_reads_no_body(world, public_client):
    search_page(public_client, "nyckel")
    with CaptureQueriesContext(connection) as queries:
        response = search_page(public_client, "nyckel")
    assert snippets(response) == [
        "Hur nycklar kvitteras. Syfte Varje nyckel kvitteras & registreras i låssystemet."
    ]
    read = [query["sql"] for query in queries.captured_queries]
    assert not any('"policies_styrdokument"."body"' in sql for sql in read)


def test_the_migration_fills_the_text_of_existing_documents(world):
    migration = importlib.import_module("policies.migrations.0019_plain_text")
    Styrdokument.objects.filter(pk=world["rutin"].pk).update(plain_text="")
    migration.fill(global_apps, None)
    document = Styrdokument.objects.get(pk=world["rutin"].pk)
    assert stored(document) == document_plain_text(document.summary, document.body)
    assert stored(document)
