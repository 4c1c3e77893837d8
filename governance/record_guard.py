"""The decision history is a record: its governance.* entries are never edited or deleted.

Every submission, step and decision is written to Wagtail's audit log (PageLogEntry, and
ModelLogEntry for a beslutande organ's decision makers) with a governance.* action, and a
decision's entry is the proof that its revision may go live (policies.decisions). Wagtail itself
never changes or removes a page's log entries, and nothing in Styrdok does. Refused, from the
admin, an import or the shell alike:

- a save of an existing entry or a delete of one (pre_save/pre_delete);
- a queryset's delete(): Django sends pre_delete for each row, and its fast path
  (`_raw_delete`, used when no signal is connected) is refused for governance.* rows too;
- a queryset's update() or bulk_update() that touches a governance.* row or turns an ordinary
  entry into one: Wagtail's log entry querysets (LogEntryQuerySet) are wrapped at register().

On PostgreSQL, triggers refuse the same writes to every writer, hand-written SQL included
(migration governance/0012). A deliberate correction (a data migration, a test back-dating its
scene) builds a plain `QuerySet(PageLogEntry)` inside maintenance(), which the triggers let
through for that transaction only.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext_lazy as _
from wagtail.models import ModelLogEntry, PageLogEntry
from wagtail.models.audit_log import LogEntryQuerySet

PREFIX = "governance."
GUARDED = (PageLogEntry, ModelLogEntry)

RECORD_MESSAGE = _(
    "Beslutshistoriken är en allmän handling och kan inte ändras eller raderas. Ett beslut "
    "ändras bara genom ett nytt beslut."
)


@contextmanager
def maintenance(using="default"):
    """A transaction in which the database's triggers let the decision history be corrected
    (PostgreSQL's transaction-local `styrdok.record_maintenance`). The Django guard still
    applies: the correction is written through a plain QuerySet, deliberately."""
    with transaction.atomic(using=using):
        _record_maintenance(using, "on")
        yield
        # Inside an outer transaction the setting would outlive this block; an error instead
        # rolls the block back, the setting with it.
        _record_maintenance(using, "off")


def _record_maintenance(using, value):
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('styrdok.record_maintenance', %s, true)", [value])


def is_governance_entry(action):
    return (action or "").startswith(PREFIX)


def _refuse_change(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("action", flat=True).first()
    if is_governance_entry(stored) or (stored is not None and is_governance_entry(instance.action)):
        raise ValidationError(RECORD_MESSAGE)


def _refuse_delete(sender, instance, **kwargs):
    if is_governance_entry(instance.action):
        raise ValidationError(RECORD_MESSAGE)


def _guarded(queryset):
    return issubclass(queryset.model, GUARDED)


def _holds_record(queryset):
    return queryset.filter(action__startswith=PREFIX).exists()


def _refuse_bulk_write(queryset, new_action=None):
    if not _guarded(queryset):
        return
    if is_governance_entry(new_action) or _holds_record(queryset):
        raise ValidationError(RECORD_MESSAGE)


_wagtail_update = LogEntryQuerySet.update
_wagtail_bulk_update = LogEntryQuerySet.bulk_update
_wagtail_raw_delete = LogEntryQuerySet._raw_delete


def update(self, **kwargs):
    action = kwargs.get("action")
    _refuse_bulk_write(self, action if isinstance(action, str) else None)
    if "action" in kwargs and not isinstance(action, str) and _guarded(self):
        raise ValidationError(RECORD_MESSAGE)  # an expression could write any action
    return _wagtail_update(self, **kwargs)


def bulk_update(self, objs, fields, *args, **kwargs):
    objs = list(objs)
    if _guarded(self) and objs:
        pks = [obj.pk for obj in objs]
        _refuse_bulk_write(self.model.objects.filter(pk__in=pks))
        if "action" in fields and any(is_governance_entry(obj.action) for obj in objs):
            raise ValidationError(RECORD_MESSAGE)
    return _wagtail_bulk_update(self, objs, fields, *args, **kwargs)


def _raw_delete(self, using):
    _refuse_bulk_write(self)
    return _wagtail_raw_delete(self, using)


update.alters_data = True
update.queryset_only = False
bulk_update.alters_data = True
_raw_delete.alters_data = True


def connect():
    """Idempotent; called from GovernanceConfig.ready."""
    for model in GUARDED:
        name = model._meta.model_name
        pre_save.connect(_refuse_change, sender=model, dispatch_uid=f"styrdok_record_save_{name}")
        pre_delete.connect(
            _refuse_delete, sender=model, dispatch_uid=f"styrdok_record_delete_{name}"
        )
    if LogEntryQuerySet.update is not update:
        LogEntryQuerySet.update = update
        LogEntryQuerySet.bulk_update = bulk_update
        LogEntryQuerySet._raw_delete = _raw_delete
