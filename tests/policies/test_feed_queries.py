"""The news feed (/feed/) reads its newest versions in one statement whatever the size of the
register: the versions alone (never the documents' pages and bodies), in the order of the partial
index adopted_version_newest_public, on both channels."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from policies.feeds import FEED_SIZE, AdoptedDocumentsFeed
from policies.models import AdoptedVersion, Publicity, RiktlinjePage
from tests.factories import make_live_document

pytestmark = pytest.mark.django_db

INDEX = "adopted_version_newest_public"


def _versions(count, start=0, publicity=Publicity.PUBLIC, imported=False):
    """`count` versions of as many live documents, registered a minute apart (the newest last)."""
    base = timezone.now() - datetime.timedelta(days=1)
    for n in range(start, start + count):
        document = make_live_document(RiktlinjePage, title=f"Riktlinje {n:03d}")
        AdoptedVersion.objects.create(
            document=document,
            title=document.title,
            version="1.0",
            decision_body_name="Kommunstyrelsen",
            publicity=publicity,
            imported=imported,
            adopted_at=base + datetime.timedelta(minutes=n),
        )


def _feed(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/feed/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.parametrize("reader", ["public_client", "intranet_client"])
def test_the_feed_costs_the_same_for_3_and_40_versions(reader, request):
    client = request.getfixturevalue(reader)
    _versions(3)
    few_body, few = _feed(client)
    _versions(37, start=3)
    many_body, many = _feed(client)

    assert few == many
    assert few_body.count("<entry>") == 3
    # The newest FEED_SIZE, newest first; the oldest ten are left out.
    assert many_body.count("<entry>") == FEED_SIZE
    assert many_body.index("Riktlinje 039") < many_body.index("Riktlinje 038")
    assert "Riktlinje 009 (version" not in many_body
    assert "Riktlinje 010 (version" in many_body


def test_the_feed_lists_no_internal_or_imported_decision(public_client):
    _versions(2)
    _versions(1, start=2, publicity=Publicity.INTERNAL)
    _versions(1, start=3, imported=True)

    body, _count = _feed(public_client)

    assert "Riktlinje 000 (version" in body
    assert "Riktlinje 001 (version" in body
    assert "Riktlinje 002" not in body
    assert "Riktlinje 003" not in body


def test_the_feed_statement_reads_no_page_or_document_row():
    """Each entry is the version as adopted; joining the documents' pages and bodies made
    PostgreSQL hash every document before it could take the newest (33 ms at 10,000)."""
    sql = str(AdoptedDocumentsFeed().items().query)

    assert "wagtailcore_page" not in sql
    assert 'JOIN "policies_styrdokument"' not in sql
    assert 'ORDER BY "policies_adoptedversion"."adopted_at" DESC' in sql


def test_the_feeds_index_holds_the_public_versions_newest_first():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, AdoptedVersion._meta.db_table
        )

    index = constraints[INDEX]
    assert index["index"] and index["columns"] == ["adopted_at"]
    assert index["orders"] == ["DESC"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_postgresql_can_read_the_feed_in_the_index_order():
    """With sorting made the last resort, the plan reads the index: its order and condition
    are the feed's (a plan on a few rows would otherwise prefer a sort)."""
    _versions(5)
    sql, params = AdoptedDocumentsFeed().items().query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert INDEX in plan
    assert "Sort" not in plan.replace("Sort Key", "")
