"""The ranked search's narrow copy (search.models.RankedEntry) under concurrent changes: two
sessions changing one document at once, on PostgreSQL with real connections. Apart from
test_ranked_entries.py, whose module-wide corpus holds a transaction open."""

import threading

import pytest
from django.db import connection, connections, transaction
from wagtail.models import Page

from policies.models import RiktlinjePage
from tests.factories import make_document
from tests.search.ranked_copy import assert_copy_current, copied

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent sessions need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["page", "entry"])
def test_two_transactions_changing_one_document_leave_its_row_current(committed_baseline, first):
    """A change of the page and one of its index entry, in two sessions at once: whichever
    commits first, the second rebuilds the row after it (an advisory lock per document), so
    the copy holds both changes; without the lock the second wrote the first's state as it was
    before it."""
    document = make_document(RiktlinjePage, title="Samtidigt ändrad riktlinje")
    content_type = document.content_type_id
    body_before = copied(document).body
    holding, done = threading.Event(), threading.Event()

    def change_page():
        Page.objects.filter(pk=document.pk).update(title="Ny titel i samma stund")

    def change_entry():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE wagtailsearch_indexentry SET body = body || "
                "to_tsvector('swedish', 'samtidighet') "
                "WHERE content_type_id = %s AND object_id = %s",
                [content_type, str(document.pk)],
            )

    changes = {"page": change_page, "entry": change_entry}
    second = "entry" if first == "page" else "page"

    def hold_first():
        try:
            with transaction.atomic():
                changes[first]()
                holding.set()
                done.wait(timeout=1.0)  # the other session waits for this one meanwhile
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_first)
    thread.start()
    assert holding.wait(timeout=20)
    other = threading.Thread(target=lambda: _in_own_session(changes[second]))
    other.start()
    other.join(timeout=0.5)
    done.set()
    thread.join(timeout=20)
    other.join(timeout=20)

    row = copied(document)
    assert row.title == "Ny titel i samma stund"
    assert row.body != body_before
    assert_copy_current()


def _in_own_session(change):
    try:
        with transaction.atomic():
            change()
    finally:
        connections.close_all()
