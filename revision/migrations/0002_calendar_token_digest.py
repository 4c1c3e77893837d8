"""Store a nonce and the digest of the calendar secret instead of the secret itself.

An address made before this keeps working (its digest is stored), but its secret is gone from
the database, so the page cannot show it any more; "Byt adress" makes one that it can show.
"""

import hashlib
import secrets

from django.db import migrations, models

import revision.models


def digest_existing_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("revision", "CalendarFeed")
    for feed in CalendarFeed.objects.all():
        feed.token_hash = hashlib.sha256(feed.token.encode()).hexdigest()
        feed.nonce = secrets.token_urlsafe(32)
        feed.save(update_fields=["token_hash", "nonce"])


class Migration(migrations.Migration):
    dependencies = [("revision", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="nonce",
            field=models.CharField(max_length=64, null=True, verbose_name="slumpvärde"),
        ),
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(max_length=64, null=True, verbose_name="kontrollsumma"),
        ),
        migrations.RunPython(digest_existing_tokens, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.AlterField(
            model_name="calendarfeed",
            name="nonce",
            field=models.CharField(
                default=revision.models.new_calendar_nonce,
                editable=False,
                max_length=64,
                unique=True,
                verbose_name="slumpvärde",
            ),
        ),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(
                editable=False, max_length=64, unique=True, verbose_name="kontrollsumma"
            ),
        ),
    ]
