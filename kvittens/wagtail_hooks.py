"""Kvittens in the admin (requirements, home units) and on the intranet's pages (through the
hooks policies offers, since policies may not import this app)."""

import importlib.util

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from policies.visibility import hidden_page_ids

from .models import Membership, Requirement
from .services import CONFIRM_ACTION, pending_for, status

# The coverage report registers its own hooks (menu item, URLs) in kvittens.coverage_hooks.
if importlib.util.find_spec("kvittens.coverage_hooks") is not None:
    importlib.import_module("kvittens.coverage_hooks")


@hooks.register("register_log_actions")
def register_kvittens_log_actions(actions):
    actions.register_action(
        CONFIRM_ACTION, _("Kvittens"), _("Bekräftade att dokumentet är läst och förstått")
    )


# -- the intranet ------------------------------------------------------------------------------


@hooks.register("styrdok_document_page_extras")
def document_box(request, page):
    """ "Läs och bekräfta" for a reader in the document's audience; nothing for anyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(page, "pk", None) is None:
        return ""
    current = status(user, page)
    if not current.in_audience:
        return ""
    return render_to_string(
        "kvittens/includes/document_box.html", {"status": current, "page": page}, request=request
    )


@hooks.register("styrdok_home_page_extras")
def home_list(request, page):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    items = pending_for(user)
    if not items:
        return ""
    for item in items:
        item.url = item.document.get_url(request)
    return render_to_string("kvittens/includes/home_list.html", {"items": items}, request=request)


# -- the admin ---------------------------------------------------------------------------------


class RequirementForm(WagtailAdminModelForm):
    """A requirement names at least one audience, and records who created it."""

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("everyone") or cleaned.get("groups") or cleaned.get("organisations")):
            raise forms.ValidationError(
                _(
                    "Ange vilka som ska bekräfta: alla medarbetare, en eller flera grupper "
                    "eller en eller flera organisationer."
                )
            )
        return cleaned

    def save(self, commit=True):
        if self.instance._state.adding and self.for_user is not None:
            self.instance.created_by = self.for_user
        return super().save(commit=commit)


class RequirementChooseViewMixin:
    def get_object_list(self):
        return super().get_object_list().exclude(document_id__in=hidden_page_ids(self.request.user))


class RequirementChooseView(RequirementChooseViewMixin, ChooseView):
    pass


class RequirementChooseResultsView(RequirementChooseViewMixin, ChooseResultsView):
    pass


class RequirementChooserViewSet(SnippetChooserViewSet):
    """Wagtail's snippet chooser lists every requirement to anyone with admin access; a
    requirement of a hidden document is left out (its `chosen` address is a 404 in
    policies.middleware)."""

    choose_view_class = RequirementChooseView
    choose_results_view_class = RequirementChooseResultsView


class RequirementViewSet(SnippetViewSet):
    model = Requirement
    icon = "tasks"
    menu_label = _("Kvittenskrav")
    admin_url_namespace = "kvittens_requirements"
    base_url_path = "kvittens/krav"
    list_display = ["__str__", "everyone", "reminder_days", "active", "created_at"]
    list_filter = ["active", "document_type", "everyone"]
    search_fields = ["document__title", "document_type"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("document"), FieldPanel("document_type")],
                heading=_("Vad ska bekräftas"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("everyone"),
                    FieldPanel("groups", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("organisations"),
                ],
                heading=_("Vem ska bekräfta"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("reminder_days"),
                            FieldPanel("reminder_interval_days"),
                            FieldPanel("max_reminders"),
                        ]
                    )
                ],
                heading=_("Påminnelser"),
            ),
            FieldPanel("active"),
        ],
        base_form_class=RequirementForm,
    )

    chooser_viewset_class = RequirementChooserViewSet

    def get_queryset(self, request):
        # A requirement of a document hidden from the reader is named after that document.
        return Requirement.objects.select_related("document").exclude(
            document_id__in=hidden_page_ids(request.user)
        )


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "group"
    menu_label = _("Tillhörighet")
    admin_url_namespace = "kvittens_memberships"
    base_url_path = "kvittens/tillhorighet"
    list_display = ["user", "organisation", "source", "updated_at"]
    list_filter = ["organisation", "source"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    search_backend_name = None
    panels = [FieldRowPanel([FieldPanel("user"), FieldPanel("organisation")])]

    def get_queryset(self, request):
        return Membership.objects.select_related("user", "organisation")


class KvittensViewSetGroup(SnippetViewSetGroup):
    items = (RequirementViewSet, MembershipViewSet)
    menu_icon = "tasks"
    menu_label = _("Kvittens")
    menu_name = "kvittens"


register_snippet(KvittensViewSetGroup)


# -- the demo kommun ----------------------------------------------------------------------------


@hooks.register("styrdok_demo_loaded")
def load_demo_kvittens(loader):
    """The fixture's "kvittens" part: home units, requirements and a few confirmations."""
    from .demo import load_kvittens  # noqa: PLC0415 - only when the demo is loaded

    load_kvittens(loader)
