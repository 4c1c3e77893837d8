"""An address already taken by a hidden document is never reported as taken.

Two siblings cannot share a slug. When the sibling holding it is a document restricted to
groups the person is not a member of (policies.visibility), Wagtail's message ("the slug … is
already in use") would tell them that a page they cannot see exists there, and which address it
has. For such a person the slug they asked for is silently given the first free suffix ("-2",
"-3", …, the same one every time for the same siblings), with no message; members, superusers
and the shell (no user) get Wagtail's own message as before.

register() applies the rule where Wagtail checks a slug for a person:

- the page editor, creating and editing (WagtailAdminPageForm.clean): the cleaned slug is
  replaced before Wagtail compares it with the siblings, so the model's own check agrees;
- copying and aliasing (Wagtail's CopyForm, whose new slug every copy and alias takes);
- moving, one page (MoveConfirmView) or many (the bulk move action): while those views check
  the destination, a collision only with hidden siblings counts as free, and MovePageAction gives
  the moved page its free suffix as it moves (page row and latest draft alike).

The imports pick a free slug themselves (importing.drafts) and compare titles only with what
the importer may see (importing.bulk).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from wagtail.actions.move_page import MovePageAction
from wagtail.admin.forms.pages import CopyForm, WagtailAdminPageForm
from wagtail.admin.views.pages.bulk_actions.move import MoveBulkAction
from wagtail.admin.views.pages.move import MoveConfirmView
from wagtail.models import Page, Revision

from .visibility import hidden_paths

# The person whose view of the tree a slug check follows, while a move view checks (see
# register()); None elsewhere: every sibling counts.
_slug_reader = ContextVar("styrdok_slug_reader", default=None)

_wagtail_slug_is_available = Page._slug_is_available


def _siblings(parent, page=None):
    siblings = parent.get_children()
    if page is not None and page.pk is not None:
        siblings = siblings.not_page(page)
    return siblings


def collides_only_with_hidden(slug, parent, user, page=None):
    """Whether `slug` is taken under `parent`, but only by pages hidden from `user`."""
    if not slug or parent is None or user is None:
        return False
    roots = hidden_paths(user)
    if not roots:
        return False
    taken = list(_siblings(parent, page).filter(slug=slug).values_list("path", flat=True))
    return bool(taken) and all(any(path.startswith(root) for root in roots) for path in taken)


def free_slug(slug, parent, page=None):
    """`slug`, or the first of `slug-2`, `slug-3`, … that no sibling (seen or not) has."""
    base = slug[:240]
    candidate, suffix = slug, 1
    while not _wagtail_slug_is_available(candidate, parent, page):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def slug_for(user, slug, parent, page=None):
    """The slug `user` gets for `page` under `parent` when asking for `slug`."""
    if collides_only_with_hidden(slug, parent, user, page):
        return free_slug(slug, parent, page)
    return slug


@contextmanager
def reading_as(user):
    token = _slug_reader.set(user)
    try:
        yield
    finally:
        _slug_reader.reset(token)


def _slug_is_available(slug, parent_page, page=None):
    """Wagtail's check; while a move view checks for a person, a slug held only by pages
    hidden from them counts as free (the move then takes a free suffix)."""
    if _wagtail_slug_is_available(slug, parent_page, page):
        return True
    return collides_only_with_hidden(slug, parent_page, _slug_reader.get(), page)


# -- the routes --------------------------------------------------------------------------------

_wagtail_page_form_clean = WagtailAdminPageForm.clean
_wagtail_copy_form_clean = CopyForm.clean
_wagtail_move_confirm_dispatch = MoveConfirmView.dispatch
_wagtail_bulk_move_objects = MoveBulkAction.get_actionable_objects
_wagtail_move_page = MovePageAction._move_page


def page_form_clean(self):
    slug = self.cleaned_data.get("slug")
    parent = getattr(self, "parent_page", None)
    if slug and parent is not None:
        user = getattr(self, "for_user", None)
        self.cleaned_data["slug"] = slug_for(user, slug, parent, self.instance)
    return _wagtail_page_form_clean(self)


def copy_form_clean(self):
    slug = self.cleaned_data.get("new_slug")
    parent = self.cleaned_data.get("new_parent_page") or self.page.get_parent()
    if slug and parent is not None:
        self.cleaned_data["new_slug"] = slug_for(self.user, slug, parent)
    return _wagtail_copy_form_clean(self)


def move_confirm_dispatch(self, request, *args, **kwargs):
    with reading_as(getattr(request, "user", None)):
        return _wagtail_move_confirm_dispatch(self, request, *args, **kwargs)


def bulk_move_objects(self):
    with reading_as(getattr(self.request, "user", None)):
        return _wagtail_bulk_move_objects(self)


def _rename(page, slug):
    """Give a page about to move its free slug: the page row and its latest revision (which a
    later publication would otherwise bring the taken slug back from)."""
    old = page.slug
    Page.objects.filter(pk=page.pk).update(slug=slug)
    page.slug = slug
    revision = Revision.page_revisions.filter(pk=page.latest_revision_id).first()
    if revision is not None and (revision.content or {}).get("slug") == old:
        Revision.objects.filter(pk=revision.pk).update(content={**revision.content, "slug": slug})


def move_page(self, page, target, parent_after):
    slug = slug_for(self.user, page.slug, parent_after, page)
    if slug != page.slug:
        _rename(page, slug)
    return _wagtail_move_page(self, page, target, parent_after)


def register():
    """Idempotent; called from PoliciesConfig.ready."""
    if WagtailAdminPageForm.clean is page_form_clean:
        return
    Page._slug_is_available = staticmethod(_slug_is_available)
    WagtailAdminPageForm.clean = page_form_clean
    CopyForm.clean = copy_form_clean
    MoveConfirmView.dispatch = move_confirm_dispatch
    MoveBulkAction.get_actionable_objects = bulk_move_objects
    MovePageAction._move_page = move_page
