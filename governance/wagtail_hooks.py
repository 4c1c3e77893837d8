"""Admin for the governance model, in Wagtail's own snippet views."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.action_menu import SubmitForModerationMenuItem
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .decision_makers import LEVEL_FIELDS, decision_maker_fields, identity
from .history import ACTIONS
from .models import Assignment, DecisionBody, LisArea, Organisation, Role, TargetGroup
from .viewsets import CasesViewSet, OutboxViewSet


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisation")
    list_display = ["name", "kind", "parent", "manager"]
    list_filter = ["kind"]
    search_fields = ["name"]
    # A few dozen rows: the database's own "contains" finds part-words ("säker" finds
    # "Säkerhetsskyddschef") and sorts by any column, which the search index does not.
    search_backend_name = None
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("parent")]),
        FieldRowPanel([FieldPanel("manager"), FieldPanel("email")]),
    ]


class RoleViewSet(SnippetViewSet):
    model = Role
    icon = "user"
    menu_label = _("Roller")
    list_display = ["name", "code", "group", "show_publicly"]
    search_fields = ["name"]
    # A few dozen rows: the database's own "contains" finds part-words ("säker" finds
    # "Säkerhetsskyddschef") and sorts by any column, which the search index does not.
    search_backend_name = None
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("group"), FieldPanel("sort_order")]),
        FieldPanel("show_publicly"),
    ]


class AssignmentViewSet(SnippetViewSet):
    model = Assignment
    icon = "user"
    menu_label = _("Uppdrag")
    list_display = ["user", "role", "organisation", "title"]
    list_filter = ["role", "organisation"]
    panels = [
        FieldRowPanel([FieldPanel("user"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("role"), FieldPanel("organisation")]),
    ]


class DecisionBodyForm(WagtailAdminModelForm):
    """Only those with governance.manage_decision_makers change who decides.

    Others (the samordnare edits names) see the fields disabled; a posted change to them is
    refused rather than silently ignored, so a forged form cannot pass. The body's kind and the
    document types it may adopt are guarded too: widening a stabschef's types to policies would
    let a policy be adopted on delegation instead of by kommunfullmäktige.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.may_manage = user is not None and user.has_perm("governance.manage_decision_makers")
        new_body = self.instance.pk is None
        self.guarded = [
            name
            for name in decision_maker_fields()
            if name in self.fields and not (new_body and name in LEVEL_FIELDS)
        ]
        if not self.may_manage:
            for name in self.guarded:
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Ändras bara av en administratör (behörigheten att ändra beslutsfattare)."
                )

    def _posted_change(self, name):
        """Whether the form posts another value for `name` than the body has (a field a browser
        does not post, being disabled, changes nothing)."""
        field = self.fields[name]
        posted = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        if posted is None or posted == []:
            return False
        initial = self.get_initial_for_field(field, name)
        key = identity if isinstance(posted, list) else _plain_key
        return key(posted) != key(initial)

    def clean(self):
        cleaned_data = super().clean()
        if self.may_manage:
            return cleaned_data
        for name in self.guarded:
            if self._posted_change(name):
                self.add_error(
                    name,
                    _(
                        "Du får inte ändra %(field)s. Beslutsfattare, ersättare, delegat, "
                        "arbetsflöde, slag av beslutsfattare och vilka dokumenttyper ett "
                        "beslutande organ får besluta om ändras bara av en administratör. "
                        "Inget har sparats."
                    )
                    % {"field": self.fields[name].label.lower()},
                )
        return cleaned_data


def _plain_key(value):
    return "" if value is None else str(getattr(value, "pk", value))


def _decision_body_panels():
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name"), FieldPanel("code")]),
        FieldPanel("kind"),
        FieldPanel("document_types"),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("official")]),
    ]
    if "deputy" in decision_maker_fields():
        panels.append(FieldPanel("deputy"))
    return [
        *panels,
        FieldPanel("workflow"),
        FieldPanel("review_delegate"),
        FieldPanel("sort_order"),
    ]


class DecisionBodyViewSet(SnippetViewSet):
    model = DecisionBody
    icon = "clipboard-list"
    menu_label = _("Beslutande organ")
    list_display = ["name", "short_name", "kind", "official"]
    list_filter = ["kind"]
    search_fields = ["name"]
    # A few dozen rows: the database's own "contains" finds part-words ("säker" finds
    # "Säkerhetsskyddschef") and sorts by any column, which the search index does not.
    search_backend_name = None
    edit_handler = ObjectList(_decision_body_panels(), base_form_class=DecisionBodyForm)


class TargetGroupViewSet(SnippetViewSet):
    model = TargetGroup
    icon = "group"
    menu_label = _("Målgrupper")
    list_display = ["name", "description"]
    panels = [FieldPanel("name"), FieldPanel("description")]


class LisAreaViewSet(SnippetViewSet):
    model = LisArea
    icon = "list-ol"
    menu_label = _("LIS-områden")
    list_display = ["number", "name"]
    panels = [FieldRowPanel([FieldPanel("number"), FieldPanel("name")]), FieldPanel("description")]


class GovernanceViewSetGroup(SnippetViewSetGroup):
    items = (
        OrganisationViewSet,
        RoleViewSet,
        AssignmentViewSet,
        DecisionBodyViewSet,
        TargetGroupViewSet,
        LisAreaViewSet,
    )
    menu_icon = "folder-open-inverse"
    menu_label = _("Styrning")
    menu_name = "styrning"


register_snippet(GovernanceViewSetGroup)


class DecisionMakersChangedFormatter(LogFormatter):
    label = _("Beslutsfattare ändrade")

    def format_message(self, log_entry):
        def name(value):
            return value["name"] if value else "–"

        return "; ".join(
            f"{change['label'].capitalize()}: {name(change['old'])} → {name(change['new'])}"
            for change in log_entry.data.get("changes", [])
        ) or str(self.label)


@hooks.register("register_log_actions")
def register_governance_log_actions(actions):
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)
    actions.register_action("governance.decision_makers_changed")(DecisionMakersChangedFormatter)
    # Repeal (upphävande) as a decision: policies.repeal.
    for action, label, message in (
        ("governance.repeal_proposed", _("Förslag om upphävande"), _("Upphävande föreslaget")),
        ("governance.repealed", _("Upphävande"), _("Upphävd genom beslut")),
    ):
        if action not in ACTIONS:
            actions.register_action(action, label, message)


@hooks.register("register_admin_viewset")
def register_governance_viewsets():
    return [CasesViewSet(), OutboxViewSet()]


@hooks.register("before_edit_page")
def point_to_case_page(request, page):
    """In the page editor, say where the document stands and link approvers to their case page."""
    if request.method != "GET" or not hasattr(page, "decision_body"):
        return None
    task_state = page.current_workflow_task_state
    if task_state is None:
        return None
    task = task_state.task.specific
    url = reverse("styrdok_cases:case", args=[task_state.pk])
    if task.get_actions(page, request.user):
        messages.warning(
            request,
            format_html(
                "Dokumentet väntar på ditt beslut i steget ”{}”. "
                '<a href="{}">Öppna ärendet</a> för att jämföra, kommentera och besluta.',
                task.name,
                url,
            ),
        )
    else:
        messages.info(
            request,
            format_html(
                "Dokumentet är låst medan det granskas och beslutas (steget ”{}”). "
                '<a href="{}">Se ärendet</a>.',
                task.name,
                url,
            ),
        )
    return None


class StyrdokSubmitMenuItem(SubmitForModerationMenuItem):
    """The editor's submit button says where a styrdokument goes: a new document to its organ's
    granskning and beslut, a returned one back to the first step (the round starts over)."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = context.get("page")
        if context["view"] == "create":
            # The new document's own organ decides, not a workflow found from its parent.
            parent = context["parent_page"]
            if any(
                hasattr(cls, "decision_body")
                for cls in parent.specific_class.allowed_subpage_models()
            ):
                context["label"] = _("Skicka till granskning och beslut")
            return context
        if page is None or not hasattr(page, "decision_body"):
            return context
        if page.get_workflow() is None:
            # Stored before its body was chosen: the body chosen in the form decides.
            context["label"] = _("Skicka till granskning och beslut")
            return context
        state = page.current_workflow_state
        if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
            first = state.workflow.tasks.filter(active=True).first()
            context["label"] = _("Skicka in igen till %(task)s") % {
                "task": first.name if first else state.workflow.name
            }
        return context


@hooks.register("construct_page_action_menu")
def styrdok_submit_label(menu_items, request, context):
    for index, item in enumerate(menu_items):
        if type(item) is SubmitForModerationMenuItem:
            menu_items[index] = StyrdokSubmitMenuItem(order=item.order)
