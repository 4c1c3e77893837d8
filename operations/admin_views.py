"""Rapporter → Körningar: when each periodic job last ran, how long it took and what it did."""

import django_filters
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.reports import ReportView

from .models import JobRun

VIEW_PERMISSION = "operations.view_jobrun"

# Names shown for the jobs Styrdok runs from cron; any other job is shown by its own name.
JOB_LABELS = {
    "send_review_reminders": _("Revisionspåminnelser"),
    "send_outbox": _("Utkorgen (utskick)"),
    "send_kvittens_reminders": _("Kvittenspåminnelser"),
}


def job_label(job):
    return JOB_LABELS.get(job, job)


def job_choices():
    jobs = set(JobRun.objects.values_list("job", flat=True).distinct()) | set(JOB_LABELS)
    return sorted(((job, job_label(job)) for job in jobs), key=lambda choice: str(choice[1]))


class JobRunFilterSet(WagtailFilterSet):
    job = django_filters.ChoiceFilter(
        label=_("Jobb"), choices=job_choices, empty_label=_("Alla jobb")
    )
    ok = django_filters.ChoiceFilter(
        label=_("Utfall"),
        choices=[("ja", _("Lyckades")), ("nej", _("Misslyckades"))],
        empty_label=_("Alla"),
        method="filter_ok",
    )

    def filter_ok(self, queryset, name, value):
        return queryset.filter(ok=value == "ja") if value else queryset

    class Meta:
        model = JobRun
        fields = ["job"]


class JobRunReportView(ReportView):
    page_title = _("Körningar")
    header_icon = "history"
    template_name = "wagtailadmin/reports/base_report.html"
    results_template_name = "operations/job_runs_results.html"
    filterset_class = JobRunFilterSet
    index_url_name = "styrdok_job_runs:index"
    index_results_url_name = "styrdok_job_runs:index_results"
    model = JobRun
    permission_required = "view_jobrun"
    list_export = ["job", "started_at", "finished_at", "duration", "status_label", "summary"]
    export_headings = {
        "job": _("Jobb"),
        "started_at": _("Startad"),
        "finished_at": _("Avslutad"),
        "duration": _("Tidsåtgång"),
        "status_label": _("Utfall"),
        "summary": _("Sammanfattning"),
    }

    def user_has_permission(self, permission):
        return self.request.user.has_perm(f"operations.{permission}")

    def get_queryset(self):
        return JobRun.objects.order_by("-started_at", "-pk")

    def latest_per_job(self):
        """The newest run of every job, one query for the ids and one for the rows."""
        newest = JobRun.objects.values("job").annotate(newest=Max("started_at"))
        rows = {}
        for run in JobRun.objects.filter(started_at__in=[row["newest"] for row in newest]).order_by(
            "job", "-pk"
        ):
            rows.setdefault(run.job, run)
        latest = list(rows.values())
        for run in latest:
            run.label = job_label(run.job)
        return sorted(latest, key=lambda run: str(run.label))

    def decorate_paginated_queryset(self, object_list):
        for run in object_list:
            run.label = job_label(run.job)
        return object_list

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["latest_runs"] = self.latest_per_job()
        return context
