"""The ranked search's narrow copy of each document (search.models.RankedEntry), kept by
PostgreSQL triggers.

One function rebuilds a document's row from the page, the document and its index entry (or
deletes it when one of them is gone); triggers call it whenever one of the columns it copies
changes, whatever changed it: Wagtail's saves, moves (which rewrite the paths of a whole
subtree in one UPDATE) and unpublishing, modelsearch's index updates, bulk updates and the
shell. The rows are written in the same transaction as the change, so the copy is never behind
a committed page. The existing documents are copied at the end. On other databases the table
is created and stays empty: the search does not read it there.
"""

import django.contrib.postgres.search
from django.db import migrations, models

from ._postgres import postgres_index

COLUMNS = (
    "live",
    "publicity",
    "path",
    "title",
    "type_rank",
    "ranking_title",
    "ranking_summary",
    "document_type",
    "decision_body_id",
    "organisation_id",
    "title_vector",
    "body",
)
UPDATES = ", ".join(f"{column} = EXCLUDED.{column}" for column in COLUMNS)

# Every document's row as the copy holds it: its page, and the index entry of the page's own
# content type (another indexed object may have the same id).
ROWS = f"""
INSERT INTO search_rankedentry (page_id, {", ".join(COLUMNS)})
SELECT d.page_ptr_id, p.live, d.publicity, p.path, p.title, d.type_rank, d.ranking_title,
       d.ranking_summary, d.document_type, d.decision_body_id, d.organisation_id, e.title,
       e.body
FROM policies_styrdokument d
JOIN wagtailcore_page p ON p.id = d.page_ptr_id
JOIN wagtailsearch_indexentry e
  ON e.content_type_id = p.content_type_id AND e.object_id = d.page_ptr_id::varchar(50)
"""

# The first key of the transaction-level advisory lock a document's row is rebuilt under.
LOCK_CLASS = 7402

# The lock comes first, so that the statement after it reads (with a snapshot of its own, as
# every statement of a volatile function in READ COMMITTED) what a concurrent transaction that
# rebuilt the same row has committed: without it, a transaction updating the index entry while
# another published the page would wait for the other's row and then write the page's state
# as it was before.
REFRESH = f"""
CREATE OR REPLACE FUNCTION search_ranked_entry_refresh(document integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_CLASS}, document);
    {ROWS}
    WHERE d.page_ptr_id = document
    ON CONFLICT (page_id) DO UPDATE SET {UPDATES};
    IF NOT FOUND THEN
        DELETE FROM search_rankedentry WHERE page_id = document;
    END IF;
END
$$;
"""

# An index entry's object is named by its id as text; only a whole number can be a page.
FROM_ENTRY = r"""
CREATE OR REPLACE FUNCTION search_ranked_entry_from_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.object_id ~ '^[0-9]{1,9}$' THEN
        PERFORM search_ranked_entry_refresh(OLD.object_id::integer);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.object_id ~ '^[0-9]{1,9}$'
            AND (TG_OP = 'INSERT' OR NEW.object_id IS DISTINCT FROM OLD.object_id) THEN
        PERFORM search_ranked_entry_refresh(NEW.object_id::integer);
    END IF;
    RETURN NULL;
END
$$;
"""

FROM_ROW = """
CREATE OR REPLACE FUNCTION search_ranked_entry_from_{name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN  -- the row is gone for this transaction: the copy's goes too
        PERFORM search_ranked_entry_refresh(OLD.{key});
    ELSE
        PERFORM search_ranked_entry_refresh(NEW.{key});
    END IF;
    RETURN NULL;
END
$$;
"""


def changed(columns):
    return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)


PAGE_COLUMNS = ("live", "path", "title", "content_type_id")
DOCUMENT_COLUMNS = (
    "publicity",
    "type_rank",
    "ranking_title",
    "ranking_summary",
    "document_type",
    "decision_body_id",
    "organisation_id",
)

TRIGGERS = [
    (
        "search_ranked_entry_index",
        "wagtailsearch_indexentry",
        "AFTER INSERT OR UPDATE OR DELETE ON wagtailsearch_indexentry FOR EACH ROW",
        "search_ranked_entry_from_entry",
    ),
    (
        "search_ranked_entry_page",
        "wagtailcore_page",
        f"AFTER UPDATE ON wagtailcore_page FOR EACH ROW WHEN ({changed(PAGE_COLUMNS)})",
        "search_ranked_entry_from_page",
    ),
    (
        "search_ranked_entry_page_deleted",
        "wagtailcore_page",
        "AFTER DELETE ON wagtailcore_page FOR EACH ROW",
        "search_ranked_entry_from_page",
    ),
    (
        "search_ranked_entry_document",
        "policies_styrdokument",
        f"AFTER UPDATE ON policies_styrdokument FOR EACH ROW WHEN ({changed(DOCUMENT_COLUMNS)})",
        "search_ranked_entry_from_document",
    ),
    (
        "search_ranked_entry_document_added",
        "policies_styrdokument",
        "AFTER INSERT OR DELETE ON policies_styrdokument FOR EACH ROW",
        "search_ranked_entry_from_document",
    ),
]
FUNCTIONS = (
    "search_ranked_entry_from_entry()",
    "search_ranked_entry_from_page()",
    "search_ranked_entry_from_document()",
    "search_ranked_entry_refresh(integer)",
)

COPY_EXISTING = f"{ROWS} ON CONFLICT (page_id) DO NOTHING"


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The vectors stay in the row (as migration 0007 keeps the index entry's).
    schema_editor.execute(
        "ALTER TABLE search_rankedentry ALTER COLUMN body SET STORAGE MAIN, "
        "ALTER COLUMN title_vector SET STORAGE MAIN"
    )
    schema_editor.execute(REFRESH)
    schema_editor.execute(FROM_ENTRY)
    schema_editor.execute(FROM_ROW.format(name="page", key="id"))
    schema_editor.execute(FROM_ROW.format(name="document", key="page_ptr_id"))
    for name, table, when, function in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        schema_editor.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {function}()")
    schema_editor.execute(COPY_EXISTING)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, _when, _function in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for function in FUNCTIONS:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0008_document_id_text_index"),
        ("policies", "0018_feed_and_public_register_indexes"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        migrations.CreateModel(
            name="RankedEntry",
            fields=[
                (
                    "page_id",
                    models.IntegerField(primary_key=True, serialize=False, verbose_name="sida"),
                ),
                ("live", models.BooleanField(verbose_name="publicerad")),
                ("publicity", models.CharField(max_length=10, verbose_name="offentlighet")),
                ("path", models.CharField(max_length=255, verbose_name="plats i sidträdet")),
                ("title", models.CharField(max_length=255, verbose_name="titel")),
                ("type_rank", models.PositiveSmallIntegerField(verbose_name="typens ordning")),
                (
                    "ranking_title",
                    models.CharField(max_length=255, verbose_name="titel med små bokstäver"),
                ),
                (
                    "ranking_summary",
                    models.TextField(verbose_name="sammanfattning med små bokstäver"),
                ),
                ("document_type", models.CharField(max_length=20, verbose_name="dokumenttyp")),
                (
                    "decision_body_id",
                    models.BigIntegerField(null=True, verbose_name="beslutande organ"),
                ),
                ("organisation_id", models.BigIntegerField(null=True, verbose_name="förvaltning")),
                (
                    "title_vector",
                    django.contrib.postgres.search.SearchVectorField(
                        null=True, verbose_name="indexerad titel"
                    ),
                ),
                (
                    "body",
                    django.contrib.postgres.search.SearchVectorField(
                        null=True, verbose_name="indexerad text"
                    ),
                ),
            ],
            options={
                "verbose_name": "sökpost",
                "verbose_name_plural": "sökposter",
                "default_permissions": (),
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
        postgres_index(
            "search_ranked_body",
            "CREATE INDEX IF NOT EXISTS search_ranked_body ON search_rankedentry USING gin (body)",
        ),
    ]
