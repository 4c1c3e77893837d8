"""Föreslå upphävande: the admin form that starts a repeal decision for an adopted document."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.admin import messages

from .models import Styrdokument
from .repeal import check_proposal, current_version, propose_repeal


class RepealProposalForm(forms.Form):
    reason = forms.CharField(
        label=_lazy("Motivering"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
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


def propose_repeal_view(request, page_id):
    page = get_object_or_404(Styrdokument, pk=page_id).specific
    if not request.user.has_perm("governance.propose_repeal"):
        raise PermissionDenied
    problems = check_proposal(page, request.user)
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return redirect("wagtailadmin_pages:edit", page.pk)
    form = RepealProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = propose_repeal(page, request.user, form.cleaned_data["reason"])
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
    return TemplateResponse(
        request,
        "policies/repeal_propose.html",
        {
            "page": page,
            "form": form,
            "version": current_version(page),
            "workflow": page.get_workflow(),
        },
        status=400 if request.method == "POST" else 200,
    )
