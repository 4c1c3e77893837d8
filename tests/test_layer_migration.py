"""The move to layers keeps every row: a database holding the demo kommun in the previous layout
(the review cycle's models in governance) migrates to the new one (in revision) with its
reminders, calendar addresses, permissions and group grants intact.

Runs on whichever database the suite uses, so `.ci/run` proves it on SQLite and PostgreSQL.
"""

import datetime
import json
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from policies.demo import DEFAULT_FIXTURE
from policies.models import AdoptedVersion, Styrdokument
from revision.models import CalendarFeed, ReviewReminder, token_digest
from search.models import DocumentWord

pytestmark = pytest.mark.django_db(transaction=True)

PREVIOUS_LAYOUT = [("governance", "0007_outbox_and_reminder_claims"), ("revision", None)]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    ContentType.objects.clear_cache()
    # The models as the migrations applied so far define them.
    applied = MigrationExecutor(connection)._create_project_state(with_applied_migrations=True)
    return applied.apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def previous_demo(folder):
    """The demo kommun as the previous layout held it: page types added since (such as the
    accessibility statement in DIGG's model, policies 0014) have no table there yet, so such a
    page is the plain content page it was then; nor had it read acknowledgements (kvittens)."""
    data = json.loads(DEFAULT_FIXTURE.read_text(encoding="utf-8"))
    for item in data.get("pages", []):
        if item["type"] == "accessibility":
            item["type"] = "content"
    data.pop("kvittens", None)
    path = folder / "exempelkommun-tidigare.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# Models today's demo loader writes to whose tables or columns came after the previous layout.
WRITTEN_BY_THE_LOADER = (Styrdokument, AdoptedVersion, DocumentWord)


@contextmanager
def todays_columns(models):
    """Today's models write the demo: while they do, the columns and tables added since the
    previous layout are there, and afterwards they are removed again, so that the migrations
    add (and fill) them as they would on an installation of that layout."""
    added_fields, added_models = [], []
    tables = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in models:
            if model._meta.db_table not in tables:
                editor.create_model(model)
                added_models.append(model)
                continue
            with connection.cursor() as cursor:
                columns = {
                    column.name
                    for column in connection.introspection.get_table_description(
                        cursor, model._meta.db_table
                    )
                }
            for field in model._meta.local_concrete_fields:
                if field.column not in columns:
                    editor.add_field(model, field)
                    added_fields.append((model, field))
    try:
        yield
    finally:
        with connection.schema_editor() as editor:
            for model, field in added_fields:
                editor.remove_field(model, field)
            for model in added_models:
                editor.delete_model(model)


def test_demo_kommun_migrates_from_the_previous_layout_with_its_rows(committed_baseline, tmp_path):
    fixture = previous_demo(tmp_path)
    try:
        old = migrate(PREVIOUS_LAYOUT)
        # The demo kommun, written while the database is in the previous layout (the tables
        # are the same in both; only Django's model state differs).
        with todays_columns(WRITTEN_BY_THE_LOADER):
            call_command("load_demo", fixture=str(fixture), verbosity=0)
            documents = Styrdokument.objects.count()
            versions = AdoptedVersion.objects.count()
        assert documents > 10 and versions > 0

        OldReminder = old.get_model("governance", "ReviewReminder")
        OldFeed = old.get_model("governance", "CalendarFeed")
        OldUser = old.get_model("auth", "User")
        owner = OldUser.objects.filter(is_active=True).order_by("pk").first()
        document_id = Styrdokument.objects.order_by("pk").values_list("pk", flat=True).first()
        OldReminder.objects.create(
            document_id=document_id,
            due_date=datetime.date(2027, 1, 31),
            step="30",
            kind="owner",
            recipient_id=owner.pk,
            email="agare@exempelkommun.se",
            sent_on=datetime.date(2026, 12, 1),
        )
        OldFeed.objects.create(user_id=owner.pk, token="hemlig-kalenderadress")
        OldContentType = old.get_model("contenttypes", "ContentType")
        old_type = OldContentType.objects.get(app_label="governance", model="reviewreminder")
        OldPermission = old.get_model("auth", "Permission")
        grant = OldPermission.objects.get(content_type=old_type, codename="view_reviewreminder")
        group = Group.objects.create(name="Revisionsläsare")
        group.permissions.add(grant.pk)
    finally:
        migrate(latest())

    # Everything is where the new layout looks for it.
    assert Styrdokument.objects.count() == documents
    # Columns and tables added since were filled by their migrations (policies 0016, search 0005).
    assert not Styrdokument.objects.filter(ranking_title="").exists()
    assert DocumentWord.objects.values("document").distinct().count() == documents
    assert AdoptedVersion.objects.count() == versions
    reminder = ReviewReminder.objects.get()
    assert reminder.document_id == document_id
    assert reminder.recipient_id == owner.pk
    assert reminder.email == "agare@exempelkommun.se"
    # The address keeps working; only the digest of its secret is kept (revision 0002).
    feed = CalendarFeed.objects.get()
    assert feed.token_hash == token_digest("hemlig-kalenderadress")
    assert "hemlig-kalenderadress" not in {feed.nonce, feed.token_hash, feed.token}
    assert ReviewReminder._meta.db_table == "governance_reviewreminder"
    assert CalendarFeed._meta.db_table == "governance_calendarfeed"

    # The content types moved with their permissions, so the group keeps its grant.
    new_type = ContentType.objects.get_for_model(ReviewReminder)
    assert new_type.app_label == "revision"
    assert new_type.pk == old_type.pk
    assert not ContentType.objects.filter(app_label="governance", model="reviewreminder").exists()
    assert Permission.objects.get(pk=grant.pk).content_type_id == new_type.pk
    user = get_user_model().objects.get(pk=owner.pk)
    user.groups.add(group)
    assert user.has_perm("revision.view_reviewreminder")
