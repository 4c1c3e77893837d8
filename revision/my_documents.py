"""Mina dokument: every document the user is dokumentansvarig for, where it stands, and the two
things an owner does with it (start a revision, confirm it unchanged).

Reminder e-mails link here, so the page must answer "what do I have to do" at a glance: the
status in the owner's words (i kraft, revidering pågår, under beslut, försenad) and the next
review date. The actions go through governance/review.py like the review page's own: "Påbörja
revision" posts to the review page's start view; "Bekräfta oförändrad" posts here and is
recorded by `confirm_unchanged`, with the same checks as the review page.

The list is read in a fixed number of queries however many documents the owner has, because the
dashboard panel shows it on every visit to the admin's front page.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Exists, F, OuterRef
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page, WorkflowState

from governance.constants import BodyKind
from governance.models import DecisionBody
from governance.workflows import RecordedDecisionTask
from policies.models import Styrdokument

from .review import (
    can_start_revision,
    confirm_blocker,
    confirm_options,
    confirm_unchanged,
    confirmed_message,
    review_bodies,
    revision_blocker,
)
from .views import ConfirmUnchangedForm, _review_document

# The owner's statuses, most pressing first when several apply.
UNDER_DECISION = "under-beslut"
REVISION_ONGOING = "revidering-pagar"
OVERDUE = "forsenad"
IN_FORCE = "i-kraft"
NOT_ADOPTED = "ej-beslutat"
STATUS_LABELS = {
    UNDER_DECISION: _lazy("Under beslut"),
    REVISION_ONGOING: _lazy("Revidering pågår"),
    OVERDUE: _lazy("Försenad"),
    IN_FORCE: _lazy("I kraft"),
    NOT_ADOPTED: _lazy("Ej beslutat"),
}
PANEL_ROWS = 10


def owned_documents(user):
    """The user's documents (restricted ones only if the user may see them), due first."""
    if not (user.is_authenticated and user.is_active):
        return Styrdokument.objects.none()
    in_decision = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=Cast(OuterRef("pk"), CharField()),
        status=WorkflowState.STATUS_IN_PROGRESS,
    )
    return (
        Styrdokument.objects.filter(responsible_id=user.pk)
        .visible_to(user)
        .with_review_status()
        .annotate(in_decision=Exists(in_decision))
        .select_related("decision_body__review_delegate", "organisation")
        # Whether the user may edit (start a revision) asks for the page's workflow lock.
        .prefetch_workflow_states()
        .order_by(F("next_review").asc(nulls_last=True), "title", "pk")
    )


def owner_status(document, today):
    if document.in_decision:
        return UNDER_DECISION
    draft_pending = (
        document.has_unpublished_changes
        and document.latest_revision_id != document.live_revision_id
    )
    if document.in_workflow or (document.live and draft_pending):
        # Returned for changes, or a draft of the next version that is not yet submitted.
        return REVISION_ONGOING
    if not document.live:
        return NOT_ADOPTED
    if document.next_review is not None and document.next_review < today:
        return OVERDUE
    return IN_FORCE


class ConfirmRights:
    """Who may confirm for which body, decided for all the user's documents in two queries.

    The rule is revision.review.user_may_confirm_for; an assembly's recording steps and the
    user's groups are read once instead of once per document.
    """

    def __init__(self, user, documents):
        self.user = user
        self.allowed = user.is_active and (
            user.is_superuser or user.has_perm("governance.record_review")
        )
        self.step_groups = {}
        self.user_groups = set()
        assembly_ids = {
            body.pk
            for document in documents
            for body in _review_bodies(document)
            if body.kind != BodyKind.OFFICIAL
        }
        if self.allowed and not user.is_superuser and assembly_ids:
            for body_id, group_id in RecordedDecisionTask.objects.filter(
                decision_body_id__in=assembly_ids, active=True
            ).values_list("decision_body_id", "groups"):
                self.step_groups.setdefault(body_id, set()).add(group_id)
            self.user_groups = set(user.groups.values_list("pk", flat=True))

    def may_confirm_for(self, body):
        if not self.allowed:
            return False
        if self.user.is_superuser:
            return True
        if body.kind == BodyKind.OFFICIAL:
            return self.user.pk in (body.official_id, body.deputy_id)
        groups = self.step_groups.get(body.pk)
        return groups is None or bool(groups & self.user_groups)

    def bodies(self, document):
        return [body for body in _review_bodies(document) if self.may_confirm_for(body)]


def _review_bodies(document):
    return review_bodies(document)


def document_rows(user, documents):
    """Rows for the template: status, dates and which actions the user has on each document."""
    today = timezone.localdate()
    documents = list(documents)
    rights = ConfirmRights(user, documents)
    rows = []
    for document in documents:
        status = owner_status(document, today)
        bodies = rights.bodies(document) if not confirm_blocker(document) else []
        # One click is enough when an official confirms; an assembly's review needs the
        # minutes (§ and diarienummer), entered on the review page.
        quick_body = bodies[0] if len(bodies) == 1 and not bodies[0].decides_in_meeting else None
        rows.append(
            {
                "page": document,
                "status": status,
                "status_label": STATUS_LABELS[status],
                "late": document.live
                and document.next_review is not None
                and document.next_review < today,
                "flagged": document.review_flagged_at is not None,
                "can_start": status in (IN_FORCE, OVERDUE)
                and not revision_blocker(document)
                and can_start_revision(user, document),
                "continue_draft": status == REVISION_ONGOING and not document.in_workflow,
                "confirm_body": quick_body,
                "confirm_on_review_page": bool(bodies) and quick_body is None,
            }
        )
    return rows


class MyDocumentsView(WagtailAdminTemplateMixin, TemplateView):
    """Mina dokument: the owner's documents with status, next review and actions.

    Open to everyone in the admin: it lists only the user's own documents (none, for most).
    """

    template_name = "revision/my_documents/index.html"
    page_title = _lazy("Mina dokument")
    page_subtitle = _lazy("Dokument där du är dokumentansvarig")
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        documents = owned_documents(self.request.user)
        context.update(
            {
                "rows": document_rows(self.request.user, documents),
                "today": timezone.localdate(),
            }
        )
        return context


class MyDocumentsConfirmView(View):
    """Bekräfta oförändrad, in one click, for a document an official confirms.

    The same checks as the review page's form (revision.views.ReviewConfirmView): the document
    must be visible, the user must be allowed to confirm for the body, and the review is recorded
    by revision.review.confirm_unchanged with today's date. Every refusal goes back to Mina
    dokument with a message, a hidden document included.
    """

    http_method_names = ["post"]

    def post(self, request, page_id):
        try:
            page = _review_document(request, page_id)
        except Http404:
            messages.error(request, _("Dokumentet finns inte eller så får du inte se det."))
            return redirect("styrdok_my_documents:index")
        form = self.confirm_form(page)
        if form is None:
            return redirect("styrdok_my_documents:index")
        if not form.is_valid():
            # An assembly needs § and diarienummer: that is the review page's full form.
            messages.error(
                request,
                _("Prövningen är inte registrerad: fyll i uppgifterna på revisionssidan."),
            )
            return redirect("styrdok_review:overview", page_id=page.pk)
        body = form.cleaned_data["body"]
        if not isinstance(body, DecisionBody):
            raise Http404
        try:
            updated = confirm_unchanged(
                page, request.user, body=body, decision_date=form.cleaned_data["decision_date"]
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("styrdok_my_documents:index")
        messages.success(request, confirmed_message(updated))
        return redirect("styrdok_my_documents:index")

    def confirm_form(self, page):
        """Today's confirmation for the posted body, or None (with a message) when the user may
        not confirm the document now."""
        request = self.request
        bodies, refusal = confirm_options(request.user, page)
        if refusal:
            messages.error(request, refusal)
            return None
        return ConfirmUnchangedForm(
            {
                "body": request.POST.get("body", ""),
                "decision_date": timezone.localdate().isoformat(),
            },
            bodies=bodies,
            page=page,
        )


def owns_documents(user):
    return (
        user.is_authenticated
        and user.is_active
        and Styrdokument.objects.filter(responsible_id=user.pk).exists()
    )
