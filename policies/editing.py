"""Editing creates only what the editor asked for.

Wagtail's page editor autosaves in the background (a JSON POST to the edit view). Left alone it
saves a new revision on every autosave, changed or not: opening an adopted document and
tabbing through its read-only decision fields left a draft revision and marked the document
"changed since published" in the register's admin, though nobody had touched it. And an
autosave may name a revision to overwrite (`overwrite_revision_id`); Wagtail checks only that
it is the latest and the editor's own, so it could rewrite the very revision that was submitted
for review or decided.

The edit view tells the page it is autosaving (`before_edit_page`); the page, whichever way its
revision is saved, then saves nothing that is unchanged and never overwrites a revision that a
workflow, a decision or the live site refers to. An autosave that fails validation saves
nothing in Wagtail itself; its message comes from the project's Swedish locale.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from wagtail import hooks
from wagtail.models import Revision

AUTOSAVE_ATTR = "_styrdok_autosave"

# Written by Wagtail as it saves, publishes or locks a page, never typed by an editor; they
# differ between revisions of identical content.
BOOKKEEPING_FIELDS = frozenset(
    {
        "pk",
        "id",
        "path",
        "depth",
        "numchild",
        "url_path",
        "content_type",
        "live",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "live_revision",
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "locked",
        "locked_at",
        "locked_by",
        "expired",
        "owner",
        "translation_key",
        "locale",
        "alias_of",
    }
)


def is_autosave(request):
    """Wagtail's autosave: a POST that asks for JSON and names no action (publish, submit …)."""
    return (
        request.method == "POST"
        and not request.accepts("text/html")
        and not any(key.startswith("action-") for key in request.POST)
    )


@hooks.register("before_edit_page")
def mark_autosave(request, page):
    if is_autosave(request):
        setattr(page, AUTOSAVE_ATTR, True)


def _content(data):
    """The editor's content as a revision stores it (JSON: dates as strings)."""
    data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    return {key: value for key, value in data.items() if key not in BOOKKEEPING_FIELDS}


def _is_protected(page, revision):
    """A revision someone else relies on: live, in a workflow, or recorded with a decision."""
    from wagtail.models import TaskState

    from .models import AdoptedVersion

    return (
        revision.pk == page.live_revision_id
        or revision.approved_go_live_at is not None
        or TaskState.objects.filter(revision_id=revision.pk).exists()
        or AdoptedVersion.objects.filter(revision_id=revision.pk).exists()
    )


class AutosaveGuard:
    """Mixin for the project's page models (before `Page` in the bases)."""

    def save_revision(self, *args, **kwargs):
        overwrite = kwargs.get("overwrite_revision")
        if overwrite is not None and _is_protected(self, overwrite):
            # The editor's change is kept, as a revision of its own.
            kwargs["overwrite_revision"] = None
        if getattr(self, AUTOSAVE_ATTR, False):
            latest = self.get_latest_revision()
            if latest is not None and _content(latest.content) == _content(
                self.serializable_data()
            ):
                # Nothing to save. Wagtail's view answers with the revision's id and time; an
                # unsaved one gives no id, so the editor's next autosave overwrites nothing.
                return Revision(
                    content_object=self,
                    base_content_type=self.get_base_content_type(),
                    user=kwargs.get("user"),
                    content=latest.content,
                    created_at=latest.created_at,
                    object_str=latest.object_str,
                )
        return super().save_revision(*args, **kwargs)
