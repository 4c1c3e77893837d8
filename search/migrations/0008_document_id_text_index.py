"""An index on a styrdokument's id as text (PostgreSQL), the form the search joins it by.

modelsearch keeps the id of the object an index entry is for as text (`object_id`), so the
ranked search joins documents to their entries on `page_ptr_id::varchar(50) = object_id`. With
this index (and the hidden subtrees tested on each page's own path, StyrdokumentQuerySet.
outside_subtrees) PostgreSQL reads the documents of the entries that match, one by one; before,
it read every document (the whole table, 6–8 ms at 10,000 documents) to hash it, even for a
word found in a hundred of them. Nothing happens on other databases.
"""

from django.db import migrations

from ._postgres import postgres_index

INDEX = "search_styrdokument_id_text"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON policies_styrdokument (((page_ptr_id)::varchar(50)))"
)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_index_entry_storage"),
        ("policies", "0017_page_depth_path_index"),
    ]

    operations = [postgres_index(INDEX, CREATE)]
