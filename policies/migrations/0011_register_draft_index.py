"""The pages that are not live, as a small partial index on PostgreSQL.

The register leaves out every page that is not live by a hashed set of their ids
(policies.register._excluded_sql); read from this index the set costs what there are drafts,
not what there are pages. Other databases scan for them.
"""

from django.db import migrations

DRAFTS = "styrdok_page_not_live"


def create_draft_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {DRAFTS} ON wagtailcore_page (id) WHERE NOT live"
        )


def drop_draft_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {DRAFTS}")


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0010_register_covering_indexes"),
    ]

    operations = [
        migrations.RunPython(create_draft_index, drop_draft_index),
    ]
