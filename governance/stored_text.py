"""Text stored before governance.text_input's guard loses the characters the guard refuses.

A title pasted from Word before the guard may hold a vertical tab; the guard then refuses every
later save of that record, the system's too (a decision publishing the document runs the page's
full validation, so do scheduled publishing, the review cycle and the reminders). So the stored
values are cleaned with the same rule (`strip_control_characters`; text of several lines keeps
its tabs and line breaks), by data migrations (governance, policies, search: each cleans the
models of its own layer) and by the command `clean_control_characters` for text written later by
raw SQL. The latest revision of each page, and any revision scheduled for publishing, are
cleaned too, so a draft published later does not bring the characters back.

Which fields are cleaned comes from today's rule (text_input.guarded_fields); a migration reads
and writes them through its historical models, skipping a field or a model that does not exist
at that point. Rows are read in chunks by primary key, written one by one with a queryset update
(no signal, no validation): running it again changes nothing.
"""

import json
from collections import Counter

from django.apps import apps as global_apps
from django.core.exceptions import FieldDoesNotExist
from wagtail.fields import StreamField

from .text_blocks import stream_data, strip_stream_text
from .text_input import ControlCharacterValidator, guarded_fields, strip_control_characters

CHUNK = 500
REVISION = "wagtailcore.Revision"


def text_columns(model, own_table=True):
    """{field name: multiline} for the guarded text fields of `model` (of its own table only,
    unless `own_table` is False: a revision's content holds the inherited fields too)."""
    return {
        field.name: validator.multiline
        for field, validator in _guarded(model, own_table)
        if isinstance(validator, ControlCharacterValidator)
    }


def stream_columns(model, own_table=True):
    """{field name: the field} for the guarded StreamFields of `model` (see text_columns)."""
    return {
        field.name: field
        for field, _validator in _guarded(model, own_table)
        if isinstance(field, StreamField)
    }


def _guarded(model, own_table):
    fields = guarded_fields(model)
    if not own_table:
        return fields
    local = set(model._meta.local_concrete_fields)
    return [(field, validator) for field, validator in fields if field in local]


def clean_stored_text(app_labels=None, apps=None, dry_run=False, revisions=False):
    """Remove the characters from the stored text of the guarded models of `app_labels` (every
    app if None), through `apps` (a migration's historical models; today's if None). Returns a
    Counter {(model label, field name): rows changed}; `dry_run` only counts."""
    counts = Counter()
    for model in global_apps.get_models():
        if app_labels is not None and model._meta.app_label not in app_labels:
            continue
        texts, streams = text_columns(model), stream_columns(model)
        if not (texts or streams):
            continue
        stored = _stored_model(apps, model)
        if stored is None:
            continue
        texts = {name: flag for name, flag in texts.items() if _has_field(stored, name)}
        streams = {name: field for name, field in streams.items() if _has_field(stored, name)}
        _clean_table(stored, model._meta.label, texts, streams, counts, dry_run)
    if revisions:
        _clean_revisions(apps or global_apps, counts, dry_run)
    return counts


def _stored_model(apps, model):
    if apps is None:
        return model
    try:
        return apps.get_model(model._meta.app_label, model._meta.model_name)
    except LookupError:
        return None


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:  # added by a later migration
        return False
    return True


def _chunks(manager, names):
    last = None
    while True:
        rows = manager.order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        rows = list(rows.values_list("pk", *names)[:CHUNK])
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _clean_table(model, label, texts, streams, counts, dry_run):
    names = [*texts, *streams]
    if not names:
        return
    manager = model._base_manager
    for rows in _chunks(manager, names):
        for pk, *values in rows:
            changes = _row_changes(model, dict(zip(names, values, strict=True)), texts, streams)
            for name in changes:
                counts[(label, name)] += 1
            if changes and not dry_run:
                manager.filter(pk=pk).update(**changes)


def _text_changes(values, texts):
    """{name: cleaned text} for the text `values` (a row, a revision's content) that change."""
    changes = {}
    for name, multiline in texts.items():
        value = values.get(name)
        if isinstance(value, str):
            cleaned = strip_control_characters(value, multiline)
            if cleaned != value:
                changes[name] = cleaned
    return changes


def _row_changes(model, row, texts, streams):
    changes = _text_changes(row, texts)
    for name, field in streams.items():
        if row[name] is None:
            continue
        data = stream_data(field, row[name])
        cleaned = strip_stream_text(field, data)
        if cleaned != data:
            changes[name] = model._meta.get_field(name).to_python(cleaned)
    return changes


# -- revisions ---------------------------------------------------------------------------------


def _clean_revisions(apps, counts, dry_run):
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    latest = Page._base_manager.exclude(latest_revision=None).values_list(
        "latest_revision_id", flat=True
    )
    scheduled = Revision._base_manager.exclude(approved_go_live_at=None).values_list(
        "pk", flat=True
    )
    ids = sorted(set(latest) | set(scheduled))
    fields = {}
    for start in range(0, len(ids), CHUNK):
        chunk = Revision._base_manager.filter(pk__in=ids[start : start + CHUNK])
        for revision in chunk.only("pk", "content", "content_type_id"):
            if revision.content_type_id not in fields:
                fields[revision.content_type_id] = _revision_fields(apps, revision)
            content = revision.content
            changed = _content_changes(content, fields[revision.content_type_id])
            for name in changed:
                counts[(REVISION, f"content.{name}")] += 1
            if changed and not dry_run:
                Revision._base_manager.filter(pk=revision.pk).update(content={**content, **changed})


def _revision_fields(apps, revision):
    """(text fields {name: multiline}, stream fields {name: field}) of a revision's model."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(pk=revision.content_type_id).first()
    try:
        model = global_apps.get_model(content_type.app_label, content_type.model)
    except (AttributeError, LookupError):
        return {}, {}
    return text_columns(model, own_table=False), stream_columns(model, own_table=False)


def _content_changes(content, fields):
    if not isinstance(content, dict):
        return {}
    texts, streams = fields
    changes = _text_changes(content, texts)
    for name, field in streams.items():
        value = content.get(name)
        if value:
            changes.update(_stream_content_change(name, field, value))
    return changes


def _stream_content_change(name, field, value):
    """A revision holds a StreamField's value as a JSON string (or, from older code, a list)."""
    data = json.loads(value) if isinstance(value, str) else value
    cleaned = strip_stream_text(field, data)
    if cleaned == data:
        return {}
    return {name: json.dumps(cleaned) if isinstance(value, str) else cleaned}
