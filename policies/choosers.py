"""Page choosers in the admin that never name a document hidden from the person editing.

A document restricted to groups does not exist for anyone outside them (policies.visibility),
yet a visible document may refer to it: a policy's required document "Uppfylls av", the document
a new one "Ersätter", a document reference or a page link in the text. And a form sent back with
an error shows the page it was sent, a hidden page's id too (the parent of a copy or an import).
Wagtail's page chooser shows the chosen page's title and edit address, its comparison of two
versions the referenced page's title, and the rich text editor a linked page's address (its
slugs, made of titles): an editor of the policy would read the restricted title.

Here such a reference is shown as one to a document the person may not see, and kept: saving the
form stores the same page, so an editor outside the groups cannot break a reference they cannot
see either. The person is the one whose request is being answered
(policies.rich_text.current_render_request); with no request, a restricted document is hidden
from everyone. register() sets the rule on Wagtail's own page chooser and the comparison of
page foreign keys; the rich text editor reads page links through VisiblePageLinkElementHandler
and the document reference block compares with VisiblePageBlockComparison.
"""

from django.db.models import ForeignKey
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from wagtail.admin.compare import (
    BlockComparison,
    ForeignObjectComparison,
    diff_text,
    register_comparison_class,
)
from wagtail.admin.rich_text.converters.contentstate import link_entity
from wagtail.admin.rich_text.converters.html_to_contentstate import (
    ExternalLinkElementHandler,
    PageLinkElementHandler,
)
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import AbstractPage, Page
from wagtail.utils.text import text_from_html

from .rich_text import current_render_request
from .visibility import hidden_paths, page_hidden_from

HIDDEN_TITLE = _("Ett dokument som du inte har behörighet att se")


def hidden_from_editor(page):
    """Whether `page` lies in a subtree hidden from the person whose request is being answered."""
    request = current_render_request()
    return page_hidden_from(page, getattr(request, "user", None))


_WAGTAILS_VALUE_DATA = AdminPageChooser.get_value_data_from_instance


def get_value_data_from_instance(chooser, instance):
    """AdminPageChooser's value for a chosen page, which names a hidden page only as hidden:
    its id stays (the form keeps the reference), its title, edit address and place in the tree
    do not."""
    if hidden_from_editor(instance):
        return {
            "id": instance.pk,
            "edit_url": None,
            chooser.display_title_key: str(HIDDEN_TITLE),
            "parent_id": None,
        }
    return _WAGTAILS_VALUE_DATA(chooser, instance)


class HiddenPage:
    """A hidden page as a comparison shows it: equal to itself (by id), named as hidden."""

    def __init__(self, pk):
        self.pk = pk

    def __eq__(self, other):
        return isinstance(other, HiddenPage) and other.pk == self.pk

    def __hash__(self):
        return hash(("hidden-page", self.pk))

    def __str__(self):
        return str(HIDDEN_TITLE)


def shown_to_editor(page):
    return HiddenPage(page.pk) if page is not None and hidden_from_editor(page) else page


class VisiblePageComparison(ForeignObjectComparison):
    """Wagtail's comparison of a foreign key, which names a hidden page only as hidden."""

    def get_objects(self):
        return tuple(shown_to_editor(page) for page in super().get_objects())


class VisiblePageBlockComparison(BlockComparison):
    """A page chooser block's comparison (Wagtail diffs the text of the rendered link: the
    title), which names a hidden page only as hidden."""

    def text(self, value):
        if isinstance(shown_to_editor(value), HiddenPage):
            return str(HIDDEN_TITLE)
        return text_from_html(self.block.render_basic(value))

    def htmlvalue(self, val):
        return escape(self.text(val))

    def htmldiff(self):
        return diff_text(self.text(self.val_a), self.text(self.val_b)).to_html()


def register():
    """Every page chooser names a hidden page only as hidden, and every comparison of a page
    foreign key too.

    The chooser's rule is set on Wagtail's AdminPageChooser itself: Wagtail builds that widget
    in its own forms (copying a page, where a hidden page sent as the new parent came back
    named in the form's error) as well as for every page foreign key and page chooser block of
    the project's forms, so only the class reaches them all. The comparison is registered for
    page foreign keys; Wagtail falls back to ForeignObjectComparison for them."""
    if AdminPageChooser.get_value_data_from_instance is not get_value_data_from_instance:
        AdminPageChooser.get_value_data_from_instance = get_value_data_from_instance
    register_comparison_class(ForeignKey, to=AbstractPage, comparison_class=VisiblePageComparison)


class VisiblePageLinkElementHandler(PageLinkElementHandler):
    """Wagtail's reading of a page link for the rich text editor, which gives a hidden page's
    link no address: the editor shows the link as one to a document they may not see, and
    saving keeps it (a page link is stored by the page's id alone)."""

    def get_attribute_data(self, attrs):
        pk = _page_id(attrs.get("id"))
        if pk is not None and _linked_page_hidden(pk):
            return {"id": pk, "url": str(HIDDEN_TITLE), "parentId": None}
        return super().get_attribute_data(attrs)


def _linked_page_hidden(pk):
    """hidden_from_editor for a linked page known by its id: its path is read only when the
    person editing has hidden subtrees at all (Wagtail's own reading loads the page again)."""
    request = current_render_request()
    roots = hidden_paths(getattr(request, "user", None))
    if not roots:
        return False
    path = Page.objects.filter(pk=pk).values_list("path", flat=True).first() or ""
    return bool(path) and path.startswith(tuple(roots))


def _page_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def register_rich_text_link(features):
    """The "link" feature's reading of stored links for the editor, as Wagtail registers it but
    with page links read by VisiblePageLinkElementHandler."""
    features.register_converter_rule(
        "contentstate",
        "link",
        {
            "from_database_format": {
                "a[href]": ExternalLinkElementHandler("LINK"),
                'a[linktype="page"]': VisiblePageLinkElementHandler("LINK"),
            },
            "to_database_format": {"entity_decorators": {"LINK": link_entity}},
        },
    )
