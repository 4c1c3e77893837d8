"""pg_trgm on PostgreSQL, for fuzzy matching of titles and the search vocabulary.

Nothing happens on other databases (SQLite matches by edit distance in Python instead).
"""

from django.db import migrations

CREATE = "CREATE EXTENSION IF NOT EXISTS pg_trgm"


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop, elidable=False)]
