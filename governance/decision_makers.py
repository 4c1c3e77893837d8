"""Who decides is itself governed: every change of a body's decision makers is logged.

A body's official, deputy, review delegate and workflow decide who adopts its documents, and its
kind and document types decide at which level a document type is adopted (a policy by KF, not
by a stabschef) and who records its aktualitetsprövning, so a change to any of them is recorded
(action governance.decision_makers_changed, with the old and new values by id and name) in the
body's history, whichever route saved it. Saving the model is
the one place every route passes; the admin's LogContext supplies the user.
"""

from django.db.models.signals import post_save, pre_save
from wagtail.log_actions import log

from .constants import BodyKind, DocumentType
from .models import DecisionBody

# The order in which changes are listed in the log entry.
DECISION_MAKER_FIELDS = (
    "official",
    "deputy",
    "review_delegate",
    "workflow",
    "kind",
    "document_types",
)
# The fields that set a body's decision level. A new body has no workflow, official or deputy
# (those stay guarded), so it adopts nothing until an administrator gives it a workflow: its
# level may be chosen when it is created.
LEVEL_FIELDS = ("kind", "document_types")
ACTION = "governance.decision_makers_changed"


def decision_maker_fields():
    """The guarded fields the model has."""
    names = {field.name for field in DecisionBody._meta.get_fields()}
    return [name for name in DECISION_MAKER_FIELDS if name in names]


def identity(value):
    """What a guarded value is, for comparison: a related object's id, a plain value, or the
    set of document types as a sorted tuple."""
    if isinstance(value, (list, tuple, set)):
        return tuple(sorted(str(item) for item in value))
    if value in (None, ""):
        return None
    return getattr(value, "pk", value)


def described(field_name, value):
    """A value as the log keeps it: its id and a readable name, so the entry outlives renames."""
    if value in (None, "") or (field_name == "document_types" and not value):
        return None
    if field_name in ("official", "deputy"):
        name = value.get_full_name() or value.get_username()
    elif field_name == "kind":
        return {"id": value, "name": str(BodyKind(value).label) if value in BodyKind else value}
    elif field_name == "document_types":
        labels = dict(DocumentType.choices)
        types = sorted(value)
        return {"id": types, "name": ", ".join(str(labels.get(item, item)) for item in types)}
    else:
        name = str(value)
    return {"id": value.pk, "name": name}


def _remember(sender, instance, raw=False, **kwargs):
    if raw:
        return
    fields = decision_maker_fields()
    related = [name for name in fields if name not in LEVEL_FIELDS]
    stored = (
        DecisionBody.objects.select_related(*related).filter(pk=instance.pk).first()
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
        if identity(old) != identity(new):
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
