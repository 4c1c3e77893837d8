"""The review cycle's models, moved here from governance. The tables already exist (governance
0003 and 0007 created them) and keep their names, so only Django's model state is created; the
content types move with their permissions, so no group loses a grant."""

import django.db.models.deletion
import revision.models
from django.conf import settings
from django.db import migrations, models


MOVED = ("reviewreminder", "calendarfeed")


def _relabel(apps, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if ContentType.objects.filter(app_label=new, model=model).exists():
            continue
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor):
    _relabel(apps, "governance", "revision")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, "revision", "governance")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("governance", "0007_outbox_and_reminder_claims"),
        ("policies", "0008_decision_record"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarFeed",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "token",
                            models.CharField(
                                default=revision.models.new_calendar_token,
                                max_length=64,
                                unique=True,
                                verbose_name="hemlig nyckel",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="skapad"),
                        ),
                        (
                            "last_fetched_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="senast hämtad"
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="review_calendar",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="person",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "revisionskalender",
                        "verbose_name_plural": "revisionskalendrar",
                        "db_table": "governance_calendarfeed",
                    },
                ),
                migrations.CreateModel(
                    name="ReviewReminder",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("due_date", models.DateField(verbose_name="revideras senast")),
                        ("step", models.CharField(max_length=40, verbose_name="steg")),
                        ("kind", models.CharField(max_length=20, verbose_name="slag")),
                        ("email", models.EmailField(max_length=254, verbose_name="e-postadress")),
                        ("sent_on", models.DateField(verbose_name="skickad (körningens datum)")),
                        (
                            "sent_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="skickad"),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[("claimed", "påbörjad"), ("sent", "skickad")],
                                default="sent",
                                max_length=10,
                                verbose_name="läge",
                            ),
                        ),
                        (
                            "claim_token",
                            models.CharField(
                                blank=True,
                                db_index=True,
                                default="",
                                max_length=32,
                                verbose_name="utskickets nyckel",
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="review_reminders",
                                to="policies.styrdokument",
                                verbose_name="dokument",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="mottagare",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "revisionspåminnelse",
                        "verbose_name_plural": "revisionspåminnelser",
                        "db_table": "governance_reviewreminder",
                        "ordering": ["-sent_at"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("document", "due_date", "step", "email"),
                                name="unique_review_reminder",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
