"""The words stored per document for "Menade du …" (search.vocabulary, issue 17): written by
every save of a document's text, read for a reader in one grouped query over the documents
that reader may see, rebuilt by a command for documents loaded without save()."""

import importlib
from io import StringIO

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import RequestFactory

from policies.models import Publicity, RiktlinjePage, RutinPage, Styrdokument
from search import suggest
from search.models import DocumentWord
from search.vocabulary import store_words, visible_counts
from tests.factories import PUBLIC_HOST, make_document, make_live_document, paragraph

pytestmark = pytest.mark.django_db


def stored(document):
    return dict(DocumentWord.objects.filter(document_id=document.pk).values_list("word", "count"))


def public_documents():
    request = RequestFactory().get("/sok/", HTTP_HOST=PUBLIC_HOST)
    request.user = AnonymousUser()
    return Styrdokument.objects.for_request(request)


def live(title, text, **fields):
    return make_live_document(RutinPage, title=title, body=[paragraph(f"<p>{text}</p>")], **fields)


def test_saving_a_document_stores_the_words_of_its_title_summary_and_text():
    document = live(
        "Rutin för brandlarm",
        "Brandlarmet provas varje månad. Brandlarmet dokumenteras.",
        summary="Om utrymning",
    )
    words = stored(document)
    assert words["brandlarm"] == 1
    assert words["brandlarmet"] == 2
    assert words["utrymning"] == 1
    assert "för" not in words  # a stop word


def test_a_changed_text_replaces_the_words_and_other_saves_leave_them(monkeypatch):
    document = live("Rutin för nycklar", "Nycklar kvitteras ut.")
    document.title = "Rutin för passerkort"
    document.save(update_fields=["title"])
    words = stored(document)
    assert "passerkort" in words and "nycklar" in words  # the body still says nycklar
    assert words["nycklar"] == 1

    monkeypatch.setattr(suggest, "store_words", lambda document: pytest.fail("stored again"))
    document.save(update_fields=["has_unpublished_changes"])


def test_a_deleted_draft_takes_its_words_with_it():
    draft = make_document(RutinPage, publish=False, title="Rutin för laddboxar")
    assert stored(draft)
    Styrdokument.objects.get(pk=draft.pk).delete()
    assert not DocumentWord.objects.filter(document_id=draft.pk).exists()


def test_the_vocabulary_holds_only_words_of_documents_the_reader_may_see():
    live("Rutin för solpaneler", "Solpanelerna rengörs.")
    live("Rutin för reservkraften", "Reservkraften provas.", publicity=Publicity.INTERNAL)
    make_document(RutinPage, publish=False, title="Rutin för värmepumparna")

    counts = visible_counts(public_documents(), 1000)

    assert "solpaneler" in counts
    assert "reservkraften" not in counts  # internal
    assert "värmepumparna" not in counts  # never published


@pytest.mark.parametrize("size", [2, 12])
def test_reading_the_vocabulary_is_one_query_whatever_the_number_of_documents(
    size, django_assert_num_queries
):
    for n in range(size):
        live(f"Rutin nummer {n}", f"Text {n} om larmkoder.")
    documents = public_documents()
    with django_assert_num_queries(1):
        counts = visible_counts(documents, 1000)
    assert counts["larmkoder"] >= size


def test_the_most_frequent_words_are_kept_first():
    live("Rutin A", "alfa alfa alfa beta beta gamma")
    counts = visible_counts(public_documents(), 2)
    assert list(counts)[:2] == ["alfa", "beta"]


def test_the_command_rebuilds_words_of_documents_loaded_without_save():
    document = live("Rutin för snöröjning", "Snöröjningen börjar klockan fem.")
    DocumentWord.objects.filter(document_id=document.pk).delete()
    Styrdokument.objects.filter(pk=document.pk).update(plain_text="")

    out = StringIO()
    call_command("update_search_vocabulary", stdout=out)

    assert stored(document)["snöröjningen"] == 1
    assert "Snöröjningen börjar klockan fem." in Styrdokument.objects.get(pk=document.pk).plain_text
    assert "dokument är lästa" in out.getvalue()


def test_store_words_is_idempotent():
    document = live("Rutin för halkbekämpning", "Sand sprids.")
    before = stored(document)
    store_words(document)
    store_words(document)
    assert stored(document) == before


def test_the_migration_stores_the_words_of_existing_documents():
    document = live("Riktlinje för växtval", "Växterna väljs med omsorg.")
    DocumentWord.objects.all().delete()
    migration = importlib.import_module("search.migrations.0005_document_words")

    migration.fill(global_apps, None)

    assert stored(document)["växterna"] == 1


def test_a_reader_gets_corrections_from_the_stored_words():
    make_live_document(
        RiktlinjePage,
        title="Riktlinje för kameraövervakning",
        body=[paragraph("<p>Kameraövervakning anmäls.</p>")],
    )
    request = RequestFactory().get("/sok/", HTTP_HOST=PUBLIC_HOST)
    request.user = AnonymousUser()
    suggest.invalidate_vocabulary()
    assert suggest.did_you_mean("kameraövervakningg", request) == "kameraövervakning"
