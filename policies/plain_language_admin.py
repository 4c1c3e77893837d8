"""Klarspråk in the admin: the editor's side panel, its live update, the list of words to avoid,
and the readability stored when a document is saved.

The panel only advises. It holds no form field, so it can never make a save, a submission or
an autosave fail; warnings are styled as warnings and nothing else.

PoliciesConfig.ready() imports this module and adds the side panel to Wagtail's page editor;
the module registers its own admin URL, snippet and signal receivers, each once.
"""

import functools
import logging

from django.contrib.auth.models import Group
from django.db import DatabaseError, transaction
from django.db.models.signals import post_migrate, post_save
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.ui.side_panels import BaseSidePanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models.plain_language import AvoidWord, DocumentReadability, split_forms
from .plain_language import analyse, document_stats

RESULT_TEMPLATE = "policies/includes/plain_language_result.html"
SIDE_PANEL_TEMPLATE = "policies/panels/plain_language.html"
ANALYSE_URL_NAME = "styrdok_plain_language_analyse"

logger = logging.getLogger(__name__)


def avoid_words():
    """(word, forms, suggestion, comment) of every word on the kommun's list, in one query."""
    return [
        (word, split_forms(forms), suggestion, comment)
        for word, forms, suggestion, comment in AvoidWord.objects.order_by("word").values_list(
            "word", "forms", "suggestion", "comment"
        )
    ]


def document_analysis(document):
    return analyse(getattr(document, "body", None), getattr(document, "summary", ""), avoid_words())


# -- the panel ---------------------------------------------------------------------------


class PlainLanguageSidePanel(BaseSidePanel):
    """Klarspråk in the editor's side panel, beside Wagtail's own checks: LIX for the document
    and each section, the longest sentences and the words to avoid, read from the revision
    being edited and refreshed from the form as the editor types."""

    class SidePanelToggle(BaseSidePanel.SidePanelToggle):
        aria_label = _("Visa eller dölj klarspråk")
        icon_name = "doc-full"
        has_counter = False

    name = "klarsprak"
    title = _("Klarspråk")
    template_name = SIDE_PANEL_TEMPLATE
    order = 360

    class Media:
        js = ["js/plain_language.js"]
        css = {"all": ["css/plain_language.css"]}

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["analysis"] = document_analysis(self.object)
        context["analyse_url"] = reverse(ANALYSE_URL_NAME)
        context["may_edit_words"] = self.request.user.has_perm("policies.change_avoidword")
        return context


def with_plain_language(get_side_panels):
    """Wagtail's page editor has no hook for side panels of one's own: its create and edit
    views' get_side_panels() are wrapped so that a styrdokument's editor gets Klarspråk too.
    Not for the views' JSON answers (autosave), which render no panels."""

    @functools.wraps(get_side_panels)
    def side_panels(view):
        from .models.documents import Styrdokument

        panels = get_side_panels(view)
        page = getattr(view, "page", None)
        if isinstance(page, Styrdokument) and not getattr(view, "expects_json_response", False):
            panels.append(PlainLanguageSidePanel(page, view.request))
        return panels

    side_panels.adds_plain_language = True
    return side_panels


def add_side_panel():
    """Give the page editor (create and edit) the Klarspråk side panel, once."""
    from wagtail.admin.views.pages.create import CreateView
    from wagtail.admin.views.pages.edit import EditView

    for view in (CreateView, EditView):
        if not getattr(view.get_side_panels, "adds_plain_language", False):
            view.get_side_panels = with_plain_language(view.get_side_panels)


@require_POST
def analyse_view(request):
    """The panel's content for the form as it is now (the edit form's own fields, posted)."""
    from .models.documents import Styrdokument

    stream_block = Styrdokument._meta.get_field("body").stream_block
    try:
        body = stream_block.value_from_datadict(request.POST, request.FILES, "body")
        analysis = analyse(body, request.POST.get("summary", ""), avoid_words())
    except (ValueError, TypeError, KeyError, AttributeError, IndexError):
        message = _("Texten kunde inte läsas just nu. Klarspråksrutan uppdateras när du sparar.")
        return HttpResponse(
            f'<p class="help-block help-warning">{message}</p>',
            status=400,
            content_type="text/html; charset=utf-8",
        )
    html = render_to_string(RESULT_TEMPLATE, {"analysis": analysis}, request=request)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@hooks.register("register_admin_urls")
def plain_language_urls():
    return [path("klarsprak/analys/", analyse_view, name=ANALYSE_URL_NAME)]


# -- the list of words to avoid ----------------------------------------------------------


class AvoidWordViewSet(SnippetViewSet):
    model = AvoidWord
    icon = "doc-full"
    menu_label = _("Ord att undvika (klarspråk)")
    menu_name = "ord-att-undvika"
    add_to_settings_menu = True
    list_display = ["word", "suggestion", "forms", "comment"]
    search_fields = ["word", "forms", "suggestion", "comment"]
    # A short list: the database's "contains" finds any part of a word.
    search_backend_name = None
    ordering = ["word"]


register_snippet(AvoidWordViewSet)


# -- who may edit the list ---------------------------------------------------------------

AVOID_WORD_PERMISSIONS = (
    "add_avoidword",
    "change_avoidword",
    "delete_avoidword",
    "view_avoidword",
)


def editor_group_names():
    """The samordnare and the redaktörer look after the kommun's language."""
    from governance.setup import COORDINATORS, EDITORS

    return [COORDINATORS, EDITORS]


def grant_permissions(groups=None):
    """Give the list's permissions to the groups that edit it (idempotent)."""
    from governance.setup import grant_permissions as grant

    grant("policies", AVOID_WORD_PERMISSIONS, editor_group_names(), groups)


def grant_after_migrate(sender, app_config=None, **kwargs):
    if app_config is not None and app_config.label == "policies":
        grant_permissions()


def grant_to_new_group(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw and instance.name in editor_group_names():
        grant_permissions([instance])


# -- the stored readability --------------------------------------------------------------

TEXT_FIELDS = {"body", "summary"}


def store_readability(document):
    stats = document_stats(getattr(document, "body", None), getattr(document, "summary", ""))
    DocumentReadability.objects.update_or_create(
        document_id=document.pk,
        defaults={
            "lix": stats.lix,
            "words": stats.words,
            "sentences": stats.sentences,
            "long_words": stats.long_words,
        },
    )


def readability_on_save(sender, instance, update_fields=None, **kwargs):
    """A document's row saved with its text (created, edited as a draft before its first
    publication, or published): its readability follows. Saving a revision of a live document
    writes only Wagtail's bookkeeping fields, and leaves the live text's figures alone."""
    from .models.documents import Styrdokument

    if not isinstance(instance, Styrdokument) or instance.pk is None:
        return
    if update_fields is not None and not TEXT_FIELDS & set(update_fields):
        return
    # Advice, never a condition of saving: should the figures not be stored (a database still
    # in an earlier layout, before migration 0013), the document's save goes on without them.
    try:
        with transaction.atomic():
            store_readability(instance)
    except DatabaseError:
        logger.warning("Läsbarheten för dokument %s kunde inte sparas.", instance.pk)


post_save.connect(readability_on_save, dispatch_uid="policies.plain_language.readability")
post_save.connect(grant_to_new_group, sender=Group, dispatch_uid="policies.plain_language.group")
post_migrate.connect(grant_after_migrate, dispatch_uid="policies.plain_language.migrated")
