"""Admin views for one document's review cycle: the overview, Påbörja revision and
aktualitetsprövning (granskad utan ändringar)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateInput

from governance.fields import DiarienummerFormField
from governance.history import decision_history
from governance.models import DecisionBody, StyrdokSettings
from governance.text_input import no_control_characters_multiline
from policies.admin_views import document_breadcrumbs
from policies.models import Styrdokument, review_status_label

from .models import ReviewReminder
from .review import (
    can_start_revision,
    confirm_blocker,
    confirm_options,
    confirm_unchanged,
    confirmable_bodies,
    confirmed_message,
    review_bodies,
    revision_blocker,
    start_revision,
)


class ConfirmUnchangedForm(forms.Form):
    """Granskad utan ändringar: who confirmed it, when, and (for an assembly) the minutes."""

    body = forms.ModelChoiceField(
        label=_lazy("Prövat av"), queryset=DecisionBody.objects.none(), empty_label=None
    )
    decision_date = forms.DateField(
        label=_lazy("Datum för prövningen"),
        widget=AdminDateInput,
        error_messages={
            "required": _lazy("Ange datumet för prövningen."),
            "invalid": _lazy("Ange datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-11-23."),
        },
    )
    paragraph = forms.IntegerField(
        label=_lazy("Protokollsparagraf (§)"),
        required=False,
        min_value=1,
        max_value=99999,
        help_text=_lazy("Krävs när ett politiskt organ prövar dokumentet i ett sammanträde."),
        error_messages={"invalid": _lazy("Ange paragrafen som ett heltal, utan §-tecken.")},
    )
    diarienummer = DiarienummerFormField(label=_lazy("Diarienummer"), required=False)
    comment = forms.CharField(
        label=_lazy("Kommentar"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[no_control_characters_multiline],
        help_text=_lazy("T.ex. vad som kontrollerades och varför inga ändringar behövs."),
    )

    def __init__(self, *args, bodies=(), page=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["body"].queryset = DecisionBody.objects.filter(pk__in=[b.pk for b in bodies])
        if len(bodies) == 1:
            self.fields["body"].initial = bodies[0].pk
        self.fields["decision_date"].initial = timezone.localdate()

    def clean_decision_date(self):
        value = self.cleaned_data["decision_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Datumet för prövningen kan inte ligga i framtiden."))
        if self.page is not None and self.page.decision_date and value < self.page.decision_date:
            raise forms.ValidationError(
                _("Prövningen kan inte vara före dokumentets beslutsdatum (%(date)s).")
                % {"date": self.page.decision_date.isoformat()}
            )
        return value

    def clean(self):
        cleaned = super().clean()
        body = cleaned.get("body")
        if body is not None and body.decides_in_meeting:
            # A value that failed its own validation already has its message; only a missing
            # one gets "required".
            if not cleaned.get("paragraph") and "paragraph" not in self.errors:
                self.add_error(
                    "paragraph",
                    _("%(body)s prövar dokumentet i ett sammanträde: ange paragrafen.")
                    % {"body": body.name},
                )
            if not cleaned.get("diarienummer") and "diarienummer" not in self.errors:
                self.add_error(
                    "diarienummer",
                    _("Ange diarienumret för %(body)s beslut.") % {"body": body.name},
                )
        return cleaned


def _review_document(request, page_id):
    """The document, if it exists and the user may see it (restricted documents included)."""
    page = (
        Styrdokument.objects.visible_to(request.user)
        .with_review_status()
        .select_related("decision_body__review_delegate", "responsible", "organisation")
        .filter(pk=page_id)
        .first()
    )
    if page is None:
        raise Http404
    return page


class ReviewDocumentView(WagtailAdminTemplateMixin, TemplateView):
    """A screen of one document's review cycle.

    Anyone in the admin may open it for a document they may see; a hidden or unknown document is
    a 404. What each person may do there (start a revision, confirm) is decided per document.
    """

    header_icon = "date"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page = _review_document(request, kwargs["page_id"])

    def get_page_subtitle(self):
        return self.page.title

    def get_breadcrumbs_items(self):
        return document_breadcrumbs(self, self.page, {"url": "", "label": self.get_page_title()})

    def back_to_review(self):
        return redirect("styrdok_review:overview", page_id=self.page.pk)


class ReviewOverviewView(ReviewDocumentView):
    """Revision och aktualitetsprövning: where the document stands and what can be done."""

    template_name = "revision/review.html"
    page_title = _lazy("Revision och aktualitetsprövning")

    def get_context_data(self, confirm_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        page, user = self.page, self.request.user
        bodies = confirmable_bodies(user, page)
        if confirm_form is None and bodies:
            confirm_form = ConfirmUnchangedForm(bodies=bodies, page=page)
        draft_pending = (
            page.has_unpublished_changes
            and page.latest_revision_id != page.live_revision_id
            and not page.is_in_workflow
        )
        warning_days = StyrdokSettings.load(request_or_site=self.request).review_warning_days
        context.update(
            {
                "page": page,
                "status_label": review_status_label(page.current_review_status, warning_days),
                "status": page.current_review_status,
                "can_start": can_start_revision(user, page),
                "start_blocker": revision_blocker(page),
                "draft_pending": draft_pending,
                "confirm_form": confirm_form,
                "confirm_blocker": confirm_blocker(page),
                "review_bodies": review_bodies(page),
                # A claim still in flight (or left by a crash) is not a reminder that was sent.
                "reminders": ReviewReminder.objects.filter(
                    document=page, due_date=page.next_review, state="sent"
                )
                .select_related("recipient")
                .order_by("sent_at")
                if page.next_review
                else [],
                "history": decision_history(page),
                # Each adopted version's archival PDF, so the registrator can check what was
                # filed.
                "adopted_versions": list(page.adopted_versions.select_related("superseded_by")),
                "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
            }
        )
        return context


class ReviewStartView(ReviewDocumentView):
    """Påbörja revision: the link in every reminder; asks before creating the draft."""

    template_name = "revision/review_start.html"
    page_title = _lazy("Påbörja revision")

    def get_breadcrumbs_items(self):
        return document_breadcrumbs(
            self,
            self.page,
            {
                "url": reverse("styrdok_review:overview", args=[self.page.pk]),
                "label": ReviewOverviewView.page_title,
            },
            {"url": "", "label": self.get_page_title()},
        )

    def refuse_if_blocked(self):
        page = self.page
        if not can_start_revision(self.request.user, page):
            messages.error(
                self.request,
                _(
                    "Bara dokumentansvarig och redaktörer kan påbörja en revision av "
                    "”%(title)s”. Kontakta %(owner)s."
                )
                % {
                    "title": page.title,
                    "owner": _("samordnaren")
                    if page.owner_is_missing
                    else page.responsible_display,
                },
            )
            return self.back_to_review()
        blocker = revision_blocker(page)
        if blocker:
            messages.warning(self.request, blocker)
            return self.back_to_review()
        return None

    def get(self, request, *args, **kwargs):
        return self.refuse_if_blocked() or self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.page
        context.update(
            {
                "page": page,
                "draft_pending": page.has_unpublished_changes
                and page.latest_revision_id != page.live_revision_id,
                "workflow": page.get_workflow(),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        refused = self.refuse_if_blocked()
        if refused:
            return refused
        try:
            revision, created = start_revision(self.page, request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return self.back_to_review()
        if created:
            messages.success(
                request,
                _(
                    "Revisionen är påbörjad: ett utkast till version %(version)s är skapat. Gör "
                    "ändringarna och välj Skicka till granskning när utkastet är klart."
                )
                % {"version": revision.as_object().version},
            )
        else:
            messages.info(
                request,
                _("Det finns redan ett utkast som inte är inskickat. Fortsätt med det."),
            )
        return redirect("wagtailadmin_pages:edit", self.page.pk)


class ReviewConfirmView(ReviewOverviewView):
    """Granskad utan ändringar: only by POST, from the form on the review page, which is shown
    again with the errors when the form does not validate."""

    def get(self, request, *args, **kwargs):
        return self.back_to_review()

    def post(self, request, *args, **kwargs):
        page = self.page
        bodies, refusal = confirm_options(request.user, page)
        if refusal:
            messages.error(request, refusal)
            return self.back_to_review()
        form = ConfirmUnchangedForm(request.POST, bodies=bodies, page=page)
        if not form.is_valid():
            messages.error(request, _("Prövningen är inte registrerad. Rätta uppgifterna nedan."))
            return self.render_to_response(self.get_context_data(confirm_form=form), status=400)
        data = form.cleaned_data
        try:
            updated = confirm_unchanged(
                page,
                request.user,
                body=data["body"],
                decision_date=data["decision_date"],
                paragraph=data.get("paragraph"),
                diarienummer=data.get("diarienummer", ""),
                comment=data.get("comment", ""),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return self.back_to_review()
        messages.success(request, confirmed_message(updated))
        return self.back_to_review()
