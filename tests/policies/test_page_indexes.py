"""The indexes the routing statement and the public register need exist on every database:
without the first (policies migration 0017) the start page's menu condition read every page of
the site on each request; the second (0018) is what the public register counts; the third
(0021) gives the register's LIS-area filter an area's documents from the index alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import RiktlinjePage
from tests.factories import make_live_document

pytestmark = pytest.mark.django_db


def test_the_pages_are_indexed_by_depth_and_path():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "wagtailcore_page")
    index = constraints["styrdok_page_depth_path"]
    assert index["index"] and index["columns"] == ["depth", "path"]


def test_the_public_documents_have_an_index_of_their_own():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "policies_styrdokument")
    index = constraints["register_count_public"]
    # PostgreSQL lists the included columns after the key; SQLite has no INCLUDE.
    assert index["index"] and index["columns"][0] == "page_ptr_id"


def test_the_lis_areas_are_indexed_by_area_then_document():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, "policies_styrdokument_lis_areas"
        )
    index = constraints["styrdok_lis_area_documents"]
    assert index["index"] and index["columns"] == ["lisarea_id", "styrdokument_id"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_public_register_counts_the_public_documents_index_alone(public_client):
    """The count of the public register's statement reads register_count_public (migration
    0018): the public documents only, none of whose entries needs its publicity tested."""
    for n in range(3):
        make_live_document(RiktlinjePage, title=f"Riktlinje {n}")
    with CaptureQueriesContext(connection) as queries:
        assert public_client.get("/styrdokument/").status_code == 200
    statement = next(q["sql"] for q in queries.captured_queries if "WITH excluded" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {statement}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    count = plan[plan.index("CTE total") :]
    assert "register_count_public" in count.split("->", 2)[2]
