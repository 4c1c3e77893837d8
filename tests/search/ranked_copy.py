"""Reading the ranked search's narrow copy (search.models.RankedEntry) in tests: its rows, and
what the page, document and index-entry tables say they should be."""

from django.db import connection

from search.models import RankedEntry

EXPECTED = """
SELECT d.page_ptr_id, p.live, d.publicity, p.path, p.title, d.type_rank, d.ranking_title,
       d.ranking_summary, d.document_type, d.decision_body_id, d.organisation_id,
       e.title::text, e.body::text
FROM policies_styrdokument d
JOIN wagtailcore_page p ON p.id = d.page_ptr_id
JOIN wagtailsearch_indexentry e
  ON e.content_type_id = p.content_type_id AND e.object_id = d.page_ptr_id::varchar(50)
ORDER BY 1
"""
COPIED = """
SELECT page_id, live, publicity, path, title, type_rank, ranking_title, ranking_summary,
       document_type, decision_body_id, organisation_id, title_vector::text, body::text
FROM search_rankedentry ORDER BY 1
"""


def rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def assert_copy_current():
    expected = rows(EXPECTED)
    assert expected, "the test needs documents in the index"
    assert rows(COPIED) == expected


def index_entry_count(object_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM wagtailsearch_indexentry WHERE object_id = %s", [str(object_id)]
        )
        return cursor.fetchone()[0]


def copied(page):
    return RankedEntry.objects.filter(pk=page.pk).first()
