"""The synonym list every installation starts with (search.synonyms.SEED_SYNONYMS).

Added only where the list is empty, so a kommun's own edits are never overwritten; reversing
removes nothing a kommun may have edited since (it is a no-op).
"""

from django.db import migrations

from search.synonyms import SEED_SYNONYMS

SEED_NOTE = "Från Styrdoks grundlista"


def seed(apps, schema_editor):
    SynonymGroup = apps.get_model("search", "SynonymGroup")
    if SynonymGroup.objects.exists():
        return
    SynonymGroup.objects.bulk_create(
        SynonymGroup(terms="\n".join(terms), one_way=one_way, note=SEED_NOTE)
        for terms, one_way in SEED_SYNONYMS
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_synonyms"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
