"""A PostgreSQL-only index for the search's migrations: created with IF NOT EXISTS and dropped
on the way back, nothing on other databases (SQLite has no such index types, or the search
does not need them there). Django's migration loader skips modules whose names begin with "_",
so this is a helper and not a migration."""

from django.db import migrations


def postgres_index(name, create):
    """A RunPython operation for index `name` made by the statement `create`."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(forwards, backwards, elidable=False)
