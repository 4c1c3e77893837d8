"""A copy with its subpages copies only what the person copying may see.

A styrdokument restricted to groups the person is not in exists, with its whole subtree, only
for those groups' members (policies.visibility). Wagtail's copy of a page with its subpages
(CopyPageAction with `recursive`) took the whole subtree anyway: the copy form said "Detta
kopierar 3 undersidor" where the person saw one, and the copy put drafts of the hidden documents
under the new page, which the person could neither see nor remove. For a person who does not
see everything:

- the copy form counts only the subpages they may see, and the live pages among them; with none
  visible it offers no choice of subpages, as Wagtail does for a page without any;
- the copy leaves out every page hidden from them, with what lies below it, and the new pages'
  child counts are those of the pages actually copied; an alias of a subtree (Wagtail's
  CreatePageAliasAction) likewise;
- the refusal of a live copy or alias (policies.copy_guard) is decided on those pages only.

Members of the groups, superusers and the shell (no person) copy the whole subtree as before.
register() wraps Wagtail's CopyPageAction._copy_page, CreatePageAliasAction._create_alias and
CopyForm.__init__ once.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.actions.copy_page import CopyPageAction
from wagtail.actions.create_alias import CreatePageAliasAction
from wagtail.admin.forms.pages import CopyForm
from wagtail.models import Page

from .visibility import hidden_paths

# On a CopyPageAction: the hidden roots strictly below the page it copies, for its person.
ROOTS_ATTR = "_styrdok_hidden_roots"

_wagtail_copy_form_init = CopyForm.__init__


def hidden_below(page, user):
    """The roots of the subtrees below `page` hidden from `user` (none for the shell)."""
    if user is None or not page.path:
        return ()
    return tuple(
        root for root in hidden_paths(user) if root.startswith(page.path) and root != page.path
    )


def _inside(path, roots):
    return any(path.startswith(root) for root in roots)


def _visible_only(wagtails):
    """Wagtail's recursive step (`_copy_page`, `_create_alias`), leaving out the pages hidden
    from the action's person: the first call is the page the action copies."""

    def step(self, page, *args, **kwargs):
        top = not hasattr(self, ROOTS_ATTR)
        if top:
            setattr(self, ROOTS_ATTR, hidden_below(self.page, self.user) if self.recursive else ())
        roots = getattr(self, ROOTS_ATTR)
        if not top and roots and _inside(page.path, roots):
            return None  # neither copied nor logged: for this person it does not exist
        made = wagtails(self, page, *args, **kwargs)
        if top and roots:
            recount_children(made)
        return made

    step.styrdok_visible_only = True
    return step


def recount_children(root):
    """Set each new page's numchild to its children actually copied: Wagtail counted every child
    it went through, the ones left out too."""
    rows = list(
        Page.objects.filter(path__startswith=root.path)
        .order_by("path")
        .values_list("pk", "path", "numchild")
    )
    counts = {path: 0 for _pk, path, _numchild in rows}
    for _pk, path, _numchild in rows:
        parent = path[: -Page.steplen]
        if parent in counts:
            counts[parent] += 1
    for pk, path, numchild in rows:
        if counts[path] != numchild:
            Page.objects.filter(pk=pk).update(numchild=counts[path])
            if pk == root.pk:
                root.numchild = counts[path]


def copy_form_init(self, *args, **kwargs):
    _wagtail_copy_form_init(self, *args, **kwargs)
    roots = hidden_below(self.page, self.user)
    if not roots:
        return
    visible = Page.objects.descendant_of(self.page)
    for root in roots:
        visible = visible.exclude(path__startswith=root)
    count = visible.count()
    if "copy_subpages" in self.fields:
        if count == 0:
            del self.fields["copy_subpages"]
        else:
            self.fields["copy_subpages"].help_text = ngettext(
                "This will copy %(count)s subpage.", "This will copy %(count)s subpages.", count
            ) % {"count": count}
    publish = self.fields.get("publish_copies")
    if publish is not None:
        _publish_choice(self, publish, count, visible.live().count() + int(self.page.live))


def _publish_choice(form, field, subpages, live):
    """Wagtail's choice to publish the copies, for the pages the person may see: none live, no
    choice; only the page itself, Wagtail's wording for a page without subpages."""
    if live == 0:
        del form.fields["publish_copies"]
    elif subpages == 0:
        field.label = _("Publish copied page")
        field.help_text = _("This page is live. Would you like to publish its copy as well?")
    else:
        field.help_text = ngettext(
            "%(count)s of the pages being copied is live. Would you like to publish its copy?",
            "%(count)s of the pages being copied are live. Would you like to publish their copies?",
            live,
        ) % {"count": live}


def register():
    """Idempotent; called from PoliciesConfig.ready."""
    if getattr(CopyPageAction._copy_page, "styrdok_visible_only", False):
        return
    CopyPageAction._copy_page = _visible_only(CopyPageAction._copy_page)
    CreatePageAliasAction._create_alias = _visible_only(CreatePageAliasAction._create_alias)
    CopyForm.__init__ = copy_form_init
