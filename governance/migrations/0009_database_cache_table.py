"""The table of Django's database cache (styrdok/cache.py), created by `migrate` so that a fresh
installation, the test databases and CI have it without a separate `createcachetable`.

Created whatever CACHES says: an installation that moves from Redis back to the database cache
needs no extra step. Not a model: Django's cache backend owns the table's layout.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "styrdok_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    # create_table leaves an existing table as it is.
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    if TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("governance", "0008_review_cycle_moved_to_revision")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
