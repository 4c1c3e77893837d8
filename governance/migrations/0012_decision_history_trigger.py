"""The decision history is refused to every writer on PostgreSQL, raw SQL included.

governance.record_guard refuses edits and deletions of the governance.* audit-log entries in
Django (the admin, imports, the shell's ORM). A statement written by hand (`manage.py dbshell`,
a cursor in the shell, another program on the database) passed it. These triggers refuse, row by
row, an UPDATE that touches a governance.* entry or turns an entry into one, and a DELETE of one,
on Wagtail's page and model log entries, with the same Swedish message.

A deliberate correction (a data migration, a test setting its scene) asks for it in its own
transaction with governance.record_guard.maintenance(), which sets the transaction-local
`styrdok.record_maintenance`. TRUNCATE (a restore, the test suite's flush) is not a row write
and is not refused. Other databases keep the Django guard only."""

from django.db import migrations

TABLES = ("wagtailcore_pagelogentry", "wagtailcore_modellogentry")
MESSAGE = (
    "Beslutshistoriken är en allmän handling och kan inte ändras eller raderas. Ett beslut "
    "ändras bara genom ett nytt beslut."
)

FUNCTION = f"""
CREATE OR REPLACE FUNCTION styrdok_refuse_record_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('styrdok.record_maintenance', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
    END IF;
    IF OLD.action LIKE 'governance.%' OR (TG_OP = 'UPDATE' AND NEW.action LIKE 'governance.%')
    THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = '{MESSAGE}',
            DETAIL = format('%s of %s %s', TG_OP, TG_TABLE_NAME, OLD.id);
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No parameters: the function's LIKE patterns hold "%".
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS styrdok_record_guard ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER styrdok_record_guard BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION styrdok_refuse_record_write()"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS styrdok_record_guard ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS styrdok_refuse_record_write()")


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0011_clean_stored_control_characters"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
