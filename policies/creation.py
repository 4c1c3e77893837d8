"""Creating pages side by side: two pages created under one parent at the same moment.

Wagtail's tree (treebeard) gives a new child the path after its parent's last child, read
without a lock, and the admin's create view runs outside a transaction. Two editors (or an
editor's autosave and their own "Spara utkast" a moment later) creating a page under the same
register at once would both take the same path: the second insert fails on the unique path and
the editor gets a server error. `SerialChildren.add_child` takes the parent's row lock first and
reads its child count again, so creations under one parent follow each other, in the shell and
in imports as in the admin.

What the lock cannot undo is two creations of the same address: the second then fails Wagtail's
own "the slug is in use" check inside its save, after the form was valid.
`PageCreationConflictMiddleware` turns that into a Swedish message on the parent's page list,
where the first page (perhaps the autosave's) already is, instead of a server error.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Page

# The admin route that creates a page under a parent (wagtail.admin.urls.pages).
CREATE_ROUTE = "wagtailadmin_pages:add"


class SerialChildren:
    """Children are added one at a time per parent (see the module's docstring)."""

    def add_child(self, **kwargs):
        with transaction.atomic():
            numchild = (
                Page.objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("numchild", flat=True)
                .first()
            )
            if numchild is not None:
                # Another creation may have committed while this one waited for the lock.
                self.numchild = numchild
            check_slug_is_free(self, kwargs.get("instance"))
            return super().add_child(**kwargs)


def check_slug_is_free(parent, page):
    """The new page's address is still free under the parent, now that no other creation can
    take it; Wagtail's own check in save() would name the parent by its URL, which a page of
    two channels does not have outside a request, and fail with a server error instead."""
    if page is None or not page.slug:
        return
    if not Page._slug_is_available(page.slug, parent, page):
        raise ValidationError(
            {
                "slug": _("Webbadressen ”%(slug)s” används redan av en annan sida här.")
                % {"slug": page.slug}
            }
        )


class PageCreationConflictMiddleware:
    """A page the admin could not create after all (its address was taken a moment earlier):
    the editor is told so on the parent's page list, never shown a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = getattr(request, "resolver_match", None)
        if not isinstance(exception, ValidationError) or match is None:
            return None
        if match.view_name != CREATE_ROUTE:
            return None
        parent_id = match.kwargs.get("parent_page_id")
        details = " ".join(str(message) for message in getattr(exception, "messages", [])) or _(
            "Uppgifterna krockade med en sida som sparades samtidigt."
        )
        messages.error(
            request,
            _(
                "Sidan kunde inte skapas: %(details)s Den kan redan ha sparats automatiskt en "
                "stund innan; leta efter den i listan nedan."
            )
            % {"details": details},
        )
        if parent_id is None:
            return redirect(reverse("wagtailadmin_explore_root"))
        return redirect(reverse("wagtailadmin_explore", args=[parent_id]))
