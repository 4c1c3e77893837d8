"""Wagtail's site history never names a document hidden from the person reading it.

Wagtail stores a log entry's label when it logs the action and later filters model log entries
by content type permission alone: anyone who may change files, or see kvittens requirements,
sees every such entry. A file used only by a restricted document carries its own title, and a
kvittens requirement or confirmation is named after its document ("Kvittens: <title>"), so
once a member edited one, the site history report and its CSV export showed the restricted
title to everyone else with admin access.

register() narrows Wagtail's ModelLogEntryManager.viewable_by_user, the one filter the site
history report, its filters and its exports read through: entries for a hidden file, or for an
object registered with policies.middleware.register_document_snippet whose document is hidden,
are left out. Page log entries already follow the page permission policy, which leaves hidden
pages out. Superusers and members see everything as before.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.documents import get_document_model
from wagtail.models.audit_log import ModelLogEntryManager

from .middleware import DOCUMENT_SNIPPETS
from .visibility import hidden_file_ids, hidden_page_ids, hidden_paths

CACHE_ATTR = "_styrdok_hidden_log_objects"


def hidden_objects(user):
    """{content type id: object ids (as stored in a log entry)} of what is hidden from `user`,
    cached on the user object: the report asks once per filter and once for its rows."""
    cached = user.__dict__.get(CACHE_ATTR)
    if cached is not None:
        return cached
    hidden = {}
    if hidden_paths(user):
        files = hidden_file_ids(user)
        if files:
            content_type = ContentType.objects.get_for_model(get_document_model())
            hidden[content_type.pk] = sorted(str(pk) for pk in files)
        pages = hidden_page_ids(user)
        for model, (field, _namespaces) in DOCUMENT_SNIPPETS.items():
            ids = model.objects.filter(**{f"{field}__in": pages}).values_list("pk", flat=True)
            if ids := sorted(str(pk) for pk in ids):
                content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
                hidden[content_type.pk] = ids
    user.__dict__[CACHE_ATTR] = hidden
    return hidden


def _without_hidden(entries, user):
    condition = Q()
    for content_type_id, object_ids in hidden_objects(user).items():
        condition |= Q(content_type_id=content_type_id, object_id__in=object_ids)
    return entries.exclude(condition) if condition else entries


_wagtail_viewable_by_user = ModelLogEntryManager.viewable_by_user


def viewable_by_user(self, user):
    """Wagtail's rule, then without the entries that name a document hidden from `user`."""
    return _without_hidden(_wagtail_viewable_by_user(self, user), user)


def register():
    if ModelLogEntryManager.viewable_by_user is not viewable_by_user:
        ModelLogEntryManager.viewable_by_user = viewable_by_user
