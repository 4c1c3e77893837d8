"""Årlig genomgång in the admin: the report for a chosen period, as a page and as a PDF/A.

The report is for those who prepare and receive kommunstyrelsen's yearly review: the
informationssäkerhetssamordnare, the Beslutsfattare (kommundirektör, stabschef) and the
nämndsekreterare who carry it to the meeting. Everyone else is refused. What each of them sees
is still limited to the documents they may read.
"""

import datetime
import logging

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import PermissionCheckedMixin
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateInput

from governance.viewsets import governance_permissions
from policies.dates import add_months

from .annual_report import build_report, render_report_pdf

logger = logging.getLogger(__name__)

MAX_PERIOD_MONTHS = 60
EARLIEST = datetime.date(1990, 1, 1)
QUICK_YEARS = 5
# Until the yearly review has been held (it usually is in the first quarter), the default is
# the year just ended; from March on, the current year so far.
PREVIOUS_YEAR_UNTIL_MONTH = 3


def may_view_annual_report(user):
    """Superusers and whoever is given the permission (in setup: the samordnare, the
    Beslutsfattare and the nämndsekreterare, who prepare or receive the yearly review)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.has_perm("governance.view_annual_report")


def default_period(today=None):
    """Before March: the previous full calendar year. From March: this year up to today."""
    today = today or timezone.localdate()
    if today.month < PREVIOUS_YEAR_UNTIL_MONTH:
        return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    return datetime.date(today.year, 1, 1), today


def quick_periods(today=None):
    """This year so far and the previous full years, newest first: (label, start, end)."""
    today = today or timezone.localdate()
    periods = [
        (_("%(year)s hittills") % {"year": today.year}, datetime.date(today.year, 1, 1), today)
    ]
    for year in range(today.year - 1, today.year - QUICK_YEARS, -1):
        periods.append((str(year), datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    return periods


DATE_ERRORS = {
    "required": _lazy("Ange ett datum."),
    "invalid": _lazy("Ange ett giltigt datum i formen ÅÅÅÅ-MM-DD, t.ex. 2025-01-01."),
}


class PeriodForm(forms.Form):
    """The report's period. Both days are included."""

    fran = forms.DateField(
        label=_lazy("Från och med"), widget=AdminDateInput, error_messages=DATE_ERRORS
    )
    till = forms.DateField(
        label=_lazy("Till och med"), widget=AdminDateInput, error_messages=DATE_ERRORS
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_fran(self):
        start = self.cleaned_data["fran"]
        if start < EARLIEST:
            raise forms.ValidationError(
                _("Perioden kan inte börja före %(date)s.") % {"date": f"{EARLIEST:%Y-%m-%d}"}
            )
        if start > self.today:
            raise forms.ValidationError(_("Perioden kan inte börja efter dagens datum."))
        return start

    def clean_till(self):
        end = self.cleaned_data["till"]
        latest = add_months(self.today, 12)
        if end > latest:
            raise forms.ValidationError(
                _("Till och med kan ligga högst ett år fram i tiden (senast %(date)s).")
                % {"date": f"{latest:%Y-%m-%d}"}
            )
        return end

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("fran"), cleaned_data.get("till")
        if start and end:
            if start > end:
                raise forms.ValidationError(
                    _("Från och med måste vara samma dag som eller före till och med.")
                )
            if end >= add_months(start, MAX_PERIOD_MONTHS):
                raise forms.ValidationError(
                    _("Perioden kan vara högst fem år. Välj en kortare period.")
                )
        return cleaned_data

    @property
    def period(self):
        return self.cleaned_data["fran"], self.cleaned_data["till"]


def period_form(request):
    """The form bound to the request's period, or to the default period when none is given."""
    today = timezone.localdate()
    if "fran" in request.GET or "till" in request.GET:
        data = {"fran": request.GET.get("fran", ""), "till": request.GET.get("till", "")}
    else:
        start, end = default_period(today)
        data = {"fran": f"{start:%Y-%m-%d}", "till": f"{end:%Y-%m-%d}"}
    return PeriodForm(data, today=today)


def period_query(start, end):
    return urlencode({"fran": f"{start:%Y-%m-%d}", "till": f"{end:%Y-%m-%d}"})


class AnnualReportAccessMixin(PermissionCheckedMixin):
    """Only those with governance.view_annual_report (see may_view_annual_report)."""

    permission_policy = governance_permissions
    permission_required = "view_annual_report"


class AnnualReportView(AnnualReportAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """The report in the admin, for the period in the query string (or the default one)."""

    template_name = "reports/annual_report.html"
    page_title = _lazy("Årlig genomgång")
    page_subtitle = _lazy("Styrdokument och informationssäkerhetsarbetet")
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = period_form(self.request)
        report = None
        pdf_url = None
        if form.is_valid():
            start, end = form.period
            report = build_report(start, end, user=self.request.user)
            pdf_url = reverse("styrdok_annual_report:pdf") + "?" + period_query(start, end)
        base_url = reverse("styrdok_annual_report:index")
        quick = [
            {
                "label": label,
                "url": f"{base_url}?{period_query(start, end)}",
                "active": report is not None and (report.start, report.end) == (start, end),
            }
            for label, start, end in quick_periods()
        ]
        context.update({"form": form, "report": report, "pdf_url": pdf_url, "quick_periods": quick})
        return context


class AnnualReportPdfView(AnnualReportAccessMixin, View):
    """The same report as a PDF/A to download; a bad period goes back to the form, saying why."""

    def get(self, request):
        form = period_form(request)
        back = (
            reverse("styrdok_annual_report:index")
            + "?"
            + urlencode(
                {key: request.GET.get(key, "") for key in ("fran", "till") if key in request.GET}
            )
        )
        if not form.is_valid():
            errors = [str(error) for errors in form.errors.values() for error in errors]
            messages.error(
                request,
                _("PDF:en kunde inte skapas: perioden är inte giltig. %(errors)s")
                % {"errors": " ".join(errors)},
            )
            return redirect(back)
        start, end = form.period
        report = build_report(start, end, user=request.user)
        try:
            pdf = render_report_pdf(report)
        except Exception:
            logger.exception("Årlig genomgång: PDF rendering failed for %s", report.period_label)
            messages.error(
                request,
                _("PDF:en kunde inte skapas just nu. Försök igen senare, eller skriv ut sidan."),
            )
            return redirect(back)
        response = HttpResponse(pdf.data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
