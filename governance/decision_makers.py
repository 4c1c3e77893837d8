"""Who decides is itself governed: every change of a body's decision makers is logged.

A body's official, deputy, review delegate and workflow decide who adopts its documents, so a
change to any of them is recorded (action governance.decision_makers_changed, with the old and
new values by id and name) in the body's history, whichever route saved it. Saving the model is
the one place every route passes; the admin's LogContext supplies the user.
"""

from django.db.models.signals import post_save, pre_save
from wagtail.log_actions import log

from .models import DecisionBody

# The order in which changes are listed in the log entry.
DECISION_MAKER_FIELDS = ("official", "deputy", "review_delegate", "workflow")
ACTION = "governance.decision_makers_changed"


def decision_maker_fields():
    """The guarded fields the model has."""
    names = {field.name for field in DecisionBody._meta.get_fields()}
    return [name for name in DECISION_MAKER_FIELDS if name in names]


def described(field_name, value):
    """A value as the log keeps it: its id and a readable name, so the entry outlives renames."""
    if value is None:
        return None
    if field_name in ("official", "deputy"):
        name = value.get_full_name() or value.get_username()
    else:
        name = str(value)
    return {"id": value.pk, "name": name}


def _remember(sender, instance, raw=False, **kwargs):
    if raw:
        return
    fields = decision_maker_fields()
    stored = (
        DecisionBody.objects.select_related(*fields).filter(pk=instance.pk).first()
        if instance.pk
        else None
    )
    instance._decision_makers_before = {
        name: getattr(stored, name) if stored is not None else None for name in fields
    }


def changes(instance):
    before = getattr(instance, "_decision_makers_before", None)
    if before is None:
        return []
    found = []
    for name in decision_maker_fields():
        old = before.get(name)
        new = getattr(instance, name)
        if getattr(old, "pk", None) != getattr(new, "pk", None):
            found.append((name, old, new))
    return found


def _log(sender, instance, raw=False, **kwargs):
    if raw:
        return
    found = changes(instance)
    instance._decision_makers_before = None
    if not found:
        return
    log(
        instance=instance,
        action=ACTION,
        data={
            "changes": [
                {
                    "field": name,
                    "label": str(DecisionBody._meta.get_field(name).verbose_name),
                    "old": described(name, old),
                    "new": described(name, new),
                }
                for name, old, new in found
            ]
        },
    )


def connect():
    """Idempotent; called from governance's wagtail_hooks (and, ideally, AppConfig.ready)."""
    pre_save.connect(_remember, sender=DecisionBody, dispatch_uid="styrdok_decision_makers_pre")
    post_save.connect(_log, sender=DecisionBody, dispatch_uid="styrdok_decision_makers_post")
