"""The search index's vectors stay in the table row on PostgreSQL (search migration 0007): read
from the TOAST table, matching and ranking a broad word cost several times as much."""

import pytest
from django.db import connection

from policies.models import RiktlinjePage
from tests.search.search_helpers import one_paragraph_document

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="TOAST storage is PostgreSQL's (DATABASE_URL)"
    ),
]

COLUMNS = ("title", "body", "autocomplete")


def storage():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute "
            "WHERE attrelid = 'wagtailsearch_indexentry'::regclass AND attname = ANY(%s)",
            [list(COLUMNS)],
        )
        return dict(cursor.fetchall())


def test_the_vectors_are_kept_in_the_row():
    assert storage() == dict.fromkeys(COLUMNS, "m")  # MAIN


def test_a_long_document_is_indexed_and_found():
    words = " ".join(f"ordet{n} informationssäkerhet rutin{n}" for n in range(150))
    document = one_paragraph_document(RiktlinjePage, "Riktlinje med lång text", words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM wagtailsearch_indexentry "
            "WHERE object_id = %s AND body @@ to_tsquery('simple', 'ordet149')",
            [str(document.pk)],
        )
        assert cursor.fetchone()[0] == 1
