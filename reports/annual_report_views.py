"""Årlig genomgång in the admin: the report for a chosen period, as a page and as a PDF/A.

The report is for those who prepare and receive kommunstyrelsen's yearly review: the
informationssäkerhetssamordnare, the Beslutsfattare (kommundirektör, stabschef) and the
nämndsekreterare who carry it to the meeting. Everyone else is refused. What each of them sees
is still limited to the documents they may read.

The PDF is long (tens of seconds to render at kommun scale), so no request renders it: asking
for it starts a background job (reports.tasks), whose page shows the progress and then offers
the file. The PDFs made before are listed on the report's page.
"""

import datetime
import logging

from django import forms
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
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

from .annual_report import build_report
from .exports import XLSX_CONTENT_TYPE, report_filename, report_workbook
from .models import RenderedReport, ReportJob, ReportKind
from .tasks import (
    EVERYONE,
    STEPS,
    audience_of,
    is_stale,
    latest_jobs,
    rendered_reports,
    report_content_hash,
    report_key,
    request_report,
)

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


def period_from(request, source):
    """(form, back URL) for a PDF request: the period from `source` (GET or POST data)."""
    today = timezone.localdate()
    data = {key: source.get(key, "") for key in ("fran", "till")}
    back = reverse("styrdok_annual_report:index")
    given = {key: source[key] for key in ("fran", "till") if key in source}
    if given:
        back += "?" + urlencode(given)
    return PeriodForm(data, today=today), back


def invalid_period(request, form, back, what=None):
    errors = [str(error) for errors in form.errors.values() for error in errors]
    messages.error(
        request,
        _("%(what)s kunde inte skapas: perioden är inte giltig. %(errors)s")
        % {"what": what or _("PDF:en"), "errors": " ".join(errors)},
    )
    return redirect(back)


def annual_key(user, start, end):
    return report_key(ReportKind.ANNUAL_REPORT, start, end, audience_of(user))


def step_rows(job):
    """Each step with what has happened to it: done, under way, waiting or skipped."""
    reached = {entry["step"]: entry for entry in job.steps}
    rows = []
    for number, label in enumerate(STEPS, start=1):
        entry = reached.get(number)
        at = parse_datetime(entry["at"]) if entry else None
        if job.status == ReportJob.DONE and entry is None:
            state = _("Behövdes inte")
        elif entry is None:
            state = _("Väntar")
        elif number == job.step and job.status == ReportJob.RUNNING:
            state = _("Pågår")
        elif number == job.step and job.status == ReportJob.FAILED:
            state = _("Avbröts")
        else:
            state = _("Klart")
        rows.append({"number": number, "label": str(label), "at": at, "state": state})
    return rows


def job_summary(job, now=None):
    """One sentence for the status region: what the job is doing now."""
    if job.status == ReportJob.QUEUED:
        text = _("PDF:en väntar på att skapas.")
    elif job.status == ReportJob.RUNNING:
        text = _("PDF:en skapas: steg %(step)s av %(total)s, %(label)s.") % {
            "step": job.step,
            "total": job.step_total,
            "label": str(STEPS[max(job.step, 1) - 1]).lower(),
        }
    elif job.status == ReportJob.DONE:
        text = _("PDF:en är klar.")
    else:
        text = _("PDF:en kunde inte skapas.")
    if job.is_active and is_stale(job, now):
        text += " " + _("Jobbet har inte kommit vidare på länge och kan startas om.")
    return text


def pdf_context(user, report):
    """The PDF part of the report page: the latest job, the stored PDFs and whether the latest
    one shows today's data (four queries, whatever the size of the register)."""
    key = annual_key(user, report.start, report.end)
    jobs = latest_jobs(key)
    job = jobs[0] if jobs else None
    rendered = rendered_reports(key)
    latest = rendered[0] if rendered else None
    return {
        "job": job,
        "job_summary": job_summary(job) if job else "",
        "job_stale": bool(job and job.is_active and is_stale(job)),
        "rendered": rendered,
        "latest_is_current": bool(latest and latest.content_hash == report_content_hash(report)),
        "request_url": reverse("styrdok_annual_report:pdf"),
        "xlsx_url": reverse("styrdok_annual_report:xlsx")
        + "?"
        + period_query(report.start, report.end),
    }


class AnnualReportView(AnnualReportAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """The report in the admin, for the period in the query string (or the default one), with
    its PDFs: the one being made, and those made before."""

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
        if form.is_valid():
            start, end = form.period
            report = build_report(start, end, user=self.request.user)
            context["pdf"] = pdf_context(self.request.user, report)
        base_url = reverse("styrdok_annual_report:index")
        quick = [
            {
                "label": label,
                "url": f"{base_url}?{period_query(start, end)}",
                "active": report is not None and (report.start, report.end) == (start, end),
            }
            for label, start, end in quick_periods()
        ]
        context.update({"form": form, "report": report, "quick_periods": quick})
        return context


class AnnualReportPdfView(AnnualReportAccessMixin, View):
    """Asks for the report as a PDF/A: POST starts (or joins) the background job and shows its
    progress; nothing here renders the PDF. GET (an old bookmark) shows the report's page."""

    def get(self, request):
        form, back = period_from(request, request.GET)
        if not form.is_valid():
            return invalid_period(request, form, back)
        return redirect(back + "#pdf")

    def post(self, request):
        form, back = period_from(request, request.POST)
        if not form.is_valid():
            return invalid_period(request, form, back)
        start, end = form.period
        try:
            job, created = request_report(
                start, end, request.user, force=request.POST.get("ny") == "1"
            )
        except Exception:
            logger.exception("Årlig genomgång: the PDF job could not be queued")
            messages.error(
                request,
                _("PDF:en kunde inte beställas just nu. Försök igen senare, eller skriv ut sidan."),
            )
            return redirect(back)
        if not created:
            messages.info(request, _("PDF:en för perioden förbereds redan. Här syns hur det går."))
        return redirect("styrdok_annual_report:job", pk=job.pk)


def job_for(request, pk):
    """The job, if it was made for readers who see what this reader sees; else 404."""
    job = get_object_or_404(ReportJob.objects.select_related("result"), pk=pk)
    if job.audience != audience_of(request.user):
        raise Http404
    return job


class ReportJobView(AnnualReportAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """A PDF job's progress. While it runs the page reloads itself (a meta refresh: no script);
    the status sentence is a live region, so a screen reader hears each new step."""

    template_name = "reports/report_job.html"
    page_title = _lazy("PDF av årlig genomgång")
    header_icon = "doc-full"
    refresh_seconds = 3

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("styrdok_annual_report:index"), "label": _("Årlig genomgång")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = job_for(self.request, self.kwargs["pk"])
        context.update(job_context(job, self.refresh_seconds))
        context.update(
            {
                "period": {
                    "fran": f"{job.period_start:%Y-%m-%d}",
                    "till": f"{job.period_end:%Y-%m-%d}",
                },
                "report_url": reverse("styrdok_annual_report:index")
                + "?"
                + period_query(job.period_start, job.period_end),
                "request_url": reverse("styrdok_annual_report:pdf"),
                "status_url": reverse("styrdok_annual_report:job_status", args=[job.pk]),
            }
        )
        return context


def job_context(job, refresh_seconds):
    """What the progress page and its status feed show of a job."""
    stale = job.is_active and is_stale(job)
    return {
        "job": job,
        "steps": step_rows(job),
        "summary": job_summary(job),
        "stale": stale,
        "refresh": refresh_seconds if job.is_active and not stale else None,
    }


class ReportJobStatusView(AnnualReportAccessMixin, View):
    """The job's progress as JSON, for the progress page's script: with JavaScript the page
    updates its status and steps in place (so a screen reader hears each new step) instead of
    reloading; without it the page's meta refresh does the same by reloading."""

    def get(self, request, pk):
        context = job_context(job_for(request, pk), ReportJobView.refresh_seconds)
        job = context["job"]
        response = JsonResponse(
            {
                "status": job.status,
                "active": job.is_active,
                "stale": context["stale"],
                "summary": context["summary"],
                "steps": [
                    {
                        "number": step["number"],
                        "text": step_text(step),
                        "current": step["number"] == job.step and job.is_active,
                    }
                    for step in context["steps"]
                ],
                "refresh": context["refresh"],
            }
        )
        response["Cache-Control"] = "private, no-store"
        return response


def step_text(step):
    """A step as the progress page writes it: "Skriver PDF: Pågår (10:42:07)"."""
    text = f"{step['label']}: {step['state']}"
    if step["at"]:
        text += f" ({timezone.localtime(step['at']):%H:%M:%S})"
    return text


def audience_note(user):
    if audience_of(user) == EVERYONE:
        return _("Alla dokument i registret")
    return _(
        "De dokument du får läsa: dokument som är begränsade till grupper du inte tillhör "
        "ingår inte"
    )


class AnnualReportXlsxView(AnnualReportAccessMixin, View):
    """The report as an Excel workbook, one sheet per section, for the period in the query
    string. Built in the request, unlike the PDF: at 10,000 documents the workbook takes about a
    second on top of the report's own page (bench/reports.py)."""

    def get(self, request):
        form, back = period_from(request, request.GET)
        if not form.is_valid():
            return invalid_period(request, form, back, what=_("Excel-filen"))
        start, end = form.period
        report = build_report(start, end, user=request.user)
        data = report_workbook(report, audience_note(request.user))
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
        response["Cache-Control"] = "private, no-store"
        return response


class RenderedReportDownloadView(AnnualReportAccessMixin, View):
    """A stored PDF, read from the default storage through this view, never from a public URL,
    and only by readers with the audience it was made for."""

    def get(self, request, pk):
        rendered = get_object_or_404(RenderedReport, pk=pk)
        if rendered.audience != audience_of(request.user):
            raise Http404
        try:
            handle = rendered.file.open("rb")
        except (FileNotFoundError, OSError, ValueError):
            logger.warning("Årlig genomgång: the stored PDF %s is missing", rendered.file.name)
            messages.error(request, _("PDF-filen finns inte längre. Skapa en ny PDF."))
            return redirect(
                reverse("styrdok_annual_report:index")
                + "?"
                + period_query(rendered.period_start, rendered.period_end)
            )
        response = FileResponse(
            handle, as_attachment=True, filename=rendered.filename, content_type="application/pdf"
        )
        response["Cache-Control"] = "private, no-store"
        return response
