"""A deputy for each deciding official, the stalled-run threshold, and no Wagtail default moderation.

Wagtail installs a "Moderators approval" workflow on the root page and the groups Moderators and
Editors. A styrdokument must only be decided by a Styrdok decision step, so the default workflow
(one that holds nothing but Wagtail's own group approval tasks) is removed, or deactivated if runs
already used it, and so are the two default groups.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

WAGTAIL_DEFAULT_GROUPS = ["Moderators", "Editors"]


def remove_wagtail_defaults(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    Task = apps.get_model("wagtailcore", "Task")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    DecisionBody = apps.get_model("governance", "DecisionBody")
    Group = apps.get_model("auth", "Group")

    group_approval = ContentType.objects.filter(
        app_label="wagtailcore", model="groupapprovaltask"
    ).first()
    if group_approval is not None:
        for workflow in Workflow.objects.all():
            task_types = set(
                WorkflowTask.objects.filter(workflow=workflow).values_list(
                    "task__content_type_id", flat=True
                )
            )
            if not task_types or task_types != {group_approval.pk}:
                continue
            task_ids = list(
                WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True)
            )
            WorkflowPage.objects.filter(workflow=workflow).delete()
            WorkflowContentType.objects.filter(workflow=workflow).delete()
            DecisionBody.objects.filter(workflow=workflow).update(workflow=None)
            if WorkflowState.objects.filter(workflow=workflow).exists():
                workflow.active = False
                workflow.save(update_fields=["active"])
                continue
            workflow.delete()
            unused = Task.objects.filter(pk__in=task_ids).exclude(
                pk__in=TaskState.objects.values("task_id")
            )
            unused.exclude(pk__in=WorkflowTask.objects.values("task_id")).delete()
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_styrdok_permissions"),
        ("wagtailcore", "0048_add_default_workflows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="decisionbody",
            name="deputy",
            field=models.ForeignKey(
                blank=True,
                help_text="Beslutar i beslutsfattarens ställe, t.ex. när beslutsfattaren själv har skickat in dokumentet eller har granskat det.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="deputy_decision_bodies",
                to=settings.AUTH_USER_MODEL,
                verbose_name="ersättare",
            ),
        ),
        migrations.AddField(
            model_name="styrdoksettings",
            name="stall_days",
            field=models.PositiveSmallIntegerField(
                default=14,
                help_text="Ett ärende som väntat så många dagar på samma steg visas som fastnat på samordnarens och administratörernas startsida.",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(365),
                ],
                verbose_name="beslutsärende fastnat efter (dagar)",
            ),
        ),
        migrations.RunPython(remove_wagtail_defaults, migrations.RunPython.noop),
    ]
