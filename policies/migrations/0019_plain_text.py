"""Each document's summary and body as plain text, which a search hit's snippet is taken from;
filled here for the documents that exist (save() keeps it from then on)."""

from django.db import migrations, models

from policies.text import document_plain_text

CHUNK = 200


def fill(apps, schema_editor):
    Styrdokument = apps.get_model("policies", "Styrdokument")
    pending = []
    documents = Styrdokument.objects.only("pk", "summary", "body").order_by("pk")
    for document in documents.iterator(CHUNK):
        document.plain_text = document_plain_text(document.summary, document.body)
        pending.append(document)
        if len(pending) == CHUNK:
            Styrdokument.objects.bulk_update(pending, ["plain_text"])
            pending = []
    if pending:
        Styrdokument.objects.bulk_update(pending, ["plain_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0018_feed_and_public_register_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="styrdokument",
            name="plain_text",
            field=models.TextField(
                blank=True,
                editable=False,
                verbose_name="sammanfattning och text utan formatering (för sökningen)",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
