"""How the search's own transaction is planned on PostgreSQL: for SSDs, with room for its sorts
in memory (search.ranking.prefer_indexes), and with an index on the documents' ids in the form
the ranked statement joins them to modelsearch's entries (search migration 0008)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from policies.models import RiktlinjePage, Styrdokument
from search import ranking
from search.parsing import parse_query
from tests.search.search_helpers import one_paragraph_document

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="planner settings are PostgreSQL's"
    ),
]


def setting(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_search_transaction_plans_for_ssds_and_sorts_in_memory(committed_baseline):
    """The settings end with the search's transaction (here the outermost one). On a committed
    baseline, as every transactional test: its flush afterwards must find it serialised."""
    before = setting("work_mem"), setting("random_page_cost")
    with transaction.atomic():
        ranking.prefer_indexes()
        assert setting("work_mem") == "16MB"
        assert setting("random_page_cost") == "1.1"
    # Only for that transaction.
    assert (setting("work_mem"), setting("random_page_cost")) == before


def test_a_server_that_allows_more_keeps_its_settings():
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '64MB'")
        cursor.execute("SET random_page_cost = 1.0")
    try:
        with transaction.atomic():
            ranking.prefer_indexes()
            assert setting("work_mem") == "64MB"
            assert setting("random_page_cost") == "1"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET work_mem")
            cursor.execute("RESET random_page_cost")


def index_definition():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_styrdokument_id_text'"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def test_the_documents_ids_are_indexed_as_the_search_joins_them():
    one_paragraph_document(RiktlinjePage, "Riktlinje för kylrum", "Kylrummet låses varje kväll.")
    ids = ranking.run_search(Styrdokument.objects.live(), parse_query("kylrummet"))
    with CaptureQueriesContext(connection) as queries:
        assert len(list(ids)) == 1
    ranked = next(q["sql"] for q in queries.captured_queries if "@@" in q["sql"])
    # The join's left side and the index's expression are the same cast.
    assert '("policies_styrdokument"."page_ptr_id")::varchar(50)' in ranked
    assert "((page_ptr_id)::character varying(50))" in index_definition()


def test_the_migration_can_be_reversed():
    import importlib

    migration = importlib.import_module("search.migrations.0008_document_id_text_index")
    (operation,) = migration.Migration.operations
    with connection.schema_editor() as editor:
        operation.reverse_code(None, editor)
    assert index_definition() is None
    with connection.schema_editor() as editor:
        operation.code(None, editor)
    assert index_definition() is not None
