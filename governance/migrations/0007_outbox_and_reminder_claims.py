"""The outbox of notifications (Utskick), the run lock, and claims on review reminders.

Existing ReviewReminder rows were written after their message went out: they default to "sent".
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0006_deputy_stall_days_no_default_workflow"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RunLock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, unique=True, verbose_name="namn")),
                ("token", models.CharField(max_length=32, verbose_name="nyckel")),
                ("acquired_at", models.DateTimeField(verbose_name="tagen")),
            ],
            options={
                "verbose_name": "körningslås",
                "verbose_name_plural": "körningslås",
            },
        ),
        migrations.AddField(
            model_name="reviewreminder",
            name="claim_token",
            field=models.CharField(
                blank=True,
                db_index=True,
                default="",
                max_length=32,
                verbose_name="utskickets nyckel",
            ),
        ),
        migrations.AddField(
            model_name="reviewreminder",
            name="state",
            field=models.CharField(
                choices=[("claimed", "påbörjad"), ("sent", "skickad")],
                default="sent",
                max_length=10,
                verbose_name="läge",
            ),
        ),
        migrations.CreateModel(
            name="OutboxMessage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254, verbose_name="e-postadress")),
                ("subject", models.CharField(max_length=255, verbose_name="ämne")),
                ("body", models.TextField(verbose_name="text")),
                ("kind", models.CharField(max_length=40, verbose_name="slag")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "väntar"),
                            ("sending", "skickas"),
                            ("sent", "skickat"),
                            ("failed", "misslyckades"),
                        ],
                        db_index=True,
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("attempts", models.PositiveIntegerField(default=0, verbose_name="försök")),
                (
                    "last_error",
                    models.TextField(blank=True, default="", verbose_name="senaste fel"),
                ),
                (
                    "next_attempt_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="nästa försök"),
                ),
                (
                    "claimed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="påbörjat"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="skapat")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="skickat")),
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
                "verbose_name": "utskick",
                "verbose_name_plural": "utskick",
                "ordering": ["-created_at", "-pk"],
                "permissions": [
                    ("view_outbox", "Kan se utskick"),
                    ("resend_outbox", "Kan skicka om utskick"),
                ],
                "indexes": [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")],
            },
        ),
    ]
