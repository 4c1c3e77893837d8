"""ReviewReminder and CalendarFeed now belong to the revision app (revision 0001). Only
Django's model state changes here: the tables keep their names and their rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0007_outbox_and_reminder_claims"),
        ("revision", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="reviewreminder", name="document"),
                migrations.RemoveField(model_name="reviewreminder", name="recipient"),
                migrations.DeleteModel(name="CalendarFeed"),
                migrations.DeleteModel(name="ReviewReminder"),
            ],
            database_operations=[],
        ),
    ]
