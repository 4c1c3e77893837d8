"""The decision history is a record: its governance.* entries are never edited or deleted.

Every submission, step and decision is written to Wagtail's audit log (PageLogEntry) with a
governance.* action, and a decision's entry is the proof that its revision may go live
(policies.decisions). Wagtail itself never changes or removes a page's log entries, and nothing
in Styrdok does; a save of an existing entry or a delete (one entry, or a queryset: Django sends
the signal for each row) is refused, from the admin, an import or the shell alike.
"""

from django.core.exceptions import ValidationError
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageLogEntry

PREFIX = "governance."

RECORD_MESSAGE = _(
    "Beslutshistoriken är en allmän handling och kan inte ändras eller raderas. Ett beslut "
    "ändras bara genom ett nytt beslut."
)


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


def connect():
    """Idempotent; called from GovernanceConfig.ready."""
    pre_save.connect(_refuse_change, sender=PageLogEntry, dispatch_uid="styrdok_record_save")
    pre_delete.connect(_refuse_delete, sender=PageLogEntry, dispatch_uid="styrdok_record_delete")
