"""Föreslå upphävande: the admin form that starts a repeal decision for an adopted document."""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import PermissionCheckedMixin
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from governance.text_input import no_control_characters_multiline
from governance.viewsets import governance_permissions

from .admin_views import document_breadcrumbs
from .models import Styrdokument
from .repeal import check_proposal, current_version, propose_repeal


class RepealProposalForm(forms.Form):
    reason = forms.CharField(
        label=_lazy("Motivering"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        validators=[no_control_characters_multiline],
        error_messages={
            "required": _lazy("Skriv en motivering till förslaget om upphävande."),
            "max_length": _lazy("Motiveringen får vara högst %(limit_value)d tecken."),
        },
        help_text=_lazy(
            "Varför dokumentet ska upphävas, t.ex. att det ersatts av ett annat dokument eller "
            "att verksamheten har upphört. Motiveringen följer med ärendet till beslutet."
        ),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Skriv en motivering till förslaget om upphävande."))
        return reason


class ProposeRepealView(WagtailAdminTemplateMixin, PermissionCheckedMixin, TemplateView):
    """Föreslå upphävande, for those with governance.propose_repeal.

    The document is looked up before the permission is checked, so an unknown id is a 404 for
    everyone, as it always was.
    """

    template_name = "policies/repeal_propose.html"
    page_title = _lazy("Föreslå upphävande")
    header_icon = "cross"
    permission_policy = governance_permissions
    permission_required = "propose_repeal"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page = get_object_or_404(Styrdokument, pk=kwargs["page_id"]).specific
        self.form = RepealProposalForm(request.POST or None)

    def get_page_subtitle(self):
        return self.page.title

    def get_breadcrumbs_items(self):
        return document_breadcrumbs(self, self.page, {"url": "", "label": self.page_title})

    def refuse_if_blocked(self):
        """The document cannot be proposed for repeal now: say why, back in the editor."""
        problems = check_proposal(self.page, self.request.user)
        for problem in problems:
            messages.error(self.request, problem)
        return redirect("wagtailadmin_pages:edit", self.page.pk) if problems else None

    def get(self, request, *args, **kwargs):
        return self.refuse_if_blocked() or self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        refused = self.refuse_if_blocked()
        if refused:
            return refused
        if not self.form.is_valid():
            return self.render_to_response(self.get_context_data(), status=400)
        page = self.page
        try:
            proposal = propose_repeal(page, request.user, self.form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("wagtailadmin_pages:edit", page.pk)
        messages.success(
            request,
            _(
                "Förslaget om upphävande av ”%(title)s” är inskickat till arbetsflödet "
                "”%(workflow)s”. Dokumentet gäller tills %(body)s har beslutat."
            )
            % {
                "title": page.title,
                "workflow": proposal.workflow_state.workflow.name,
                "body": page.decision_body_name,
            },
        )
        return redirect("wagtailadmin_pages:edit", page.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "page": self.page,
                "form": self.form,
                "version": current_version(self.page),
                "workflow": self.page.get_workflow(),
            }
        )
        return context
