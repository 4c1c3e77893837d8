"""The stored text of policies' models (the page types' fields and StreamField bodies included)
and the latest revision of each page, and any revision scheduled for publishing, lose the
invisible control characters the guard of governance.text_input refuses
(governance.stored_text): a document published later, by a decision or by the schedule, is
not refused for text stored before the guard. Reversing changes nothing."""

from django.db import migrations

from governance.stored_text import clean_stored_text


def clean(apps, schema_editor):
    clean_stored_text(("policies",), apps=apps, revisions=True)


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0019_plain_text"),
        ("governance", "0011_clean_stored_control_characters"),
    ]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop, elidable=True)]
