"""The stored synonym groups lose the invisible control characters the guard of
governance.text_input refuses (governance.stored_text). Reversing changes nothing."""

from django.db import migrations

from governance.stored_text import clean_stored_text


def clean(apps, schema_editor):
    clean_stored_text(("search",), apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0009_ranked_entries"),
        ("governance", "0011_clean_stored_control_characters"),
    ]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop, elidable=True)]
