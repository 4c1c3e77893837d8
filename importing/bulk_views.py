"""Importera flera: upload a zip and its CSV, see the dry run's report, then import.

The same service as the command (importing.bulk.run_bulk_import). The two uploads wait in the
database (PendingImport, as for one Word file) between the preview and "Importera", so any web
server or worker can finish the import and nobody uploads twice; they are removed when the
import is done or cancelled, and stale ones after a day. "Importera" only queues a background
job (importing.tasks); its page shows the progress and then the report of every row.

Also here: the download of an imported decision's original file, under the archive's audience
rule (policies.views.visible_version), and this module's admin hooks (importing.wagtail_hooks
imports it).
"""

import io
import mimetypes

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import AdminPageChooser
from wagtail.log_actions import LogFormatter
from wagtail.models import Page

from policies.models import AdoptedVersion, PolicyPage, RegisterPage, RiktlinjePage, Styrdokument
from policies.views import visible_version

from .archive_zip import MB
from .bulk import IMPORTED_DECISION, BulkReport, run_bulk_import
from .csv_rows import COLUMNS, default_parent
from .drafts import IMPORT_PERMISSION
from .models import BulkImportJob, PendingImport
from .tasks import active_job, is_stale, start_bulk_import
from .views import ImportView

PARENT_TYPES = [RegisterPage, PolicyPage, RiktlinjePage]
CSV_MAX_BYTES = 5 * MB


def zip_max_bytes():
    return settings.STYRDOK_IMPORT_ZIP_MAX_MB * MB


class BulkUploadForm(forms.Form):
    zip_file = forms.FileField(
        label=_lazy("Zip-fil med dokumenten"),
        help_text=_lazy("Word-filer (.docx) och PDF-filer, gärna i mappar."),
        error_messages={"required": _lazy("Välj zip-filen med dokumenten.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
    )
    csv_file = forms.FileField(
        label=_lazy("CSV-fil med uppgifterna"),
        help_text=_lazy(
            "En rad per fil, sparad ur Excel som CSV (semikolon- eller kommaavgränsad)."
        ),
        error_messages={"required": _lazy("Välj CSV-filen med uppgifterna om dokumenten.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    parent = forms.ModelChoiceField(
        queryset=Page.objects.all(),
        required=False,
        label=_lazy("Förälder för rader utan förälder"),
        help_text=_lazy("Tomt: registret (Styrdokument)."),
        error_messages={"invalid_choice": _lazy("Sidan finns inte. Välj en annan plats.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["parent"].widget = AdminPageChooser(
            target_models=PARENT_TYPES, can_choose_root=False, user_perms="add_subpage"
        )

    def clean_zip_file(self):
        upload = self.cleaned_data["zip_file"]
        if upload.size > zip_max_bytes():
            raise ValidationError(
                _("”%(name)s” är större än %(max)s MB.")
                % {"name": upload.name, "max": zip_max_bytes() // MB}
            )
        upload.seek(0)
        if upload.read(4) != b"PK\x03\x04":
            raise ValidationError(_("”%(name)s” är ingen zip-fil.") % {"name": upload.name})
        upload.seek(0)
        return upload

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > CSV_MAX_BYTES:
            raise ValidationError(
                _("”%(name)s” är större än %(max)s MB; är det rätt fil?")
                % {"name": upload.name, "max": CSV_MAX_BYTES // MB}
            )
        return upload

    def clean_parent(self):
        parent = self.cleaned_data.get("parent") or default_parent()
        specific = parent.specific
        if isinstance(specific, Styrdokument) and specific.hidden_from(self.user):
            raise ValidationError(_("Sidan finns inte. Välj en annan plats."))
        if not isinstance(specific, tuple(PARENT_TYPES)):
            raise ValidationError(_("Välj registret, en policy eller en riktlinje."))
        return specific


class BulkView(ImportView):
    page_title = _lazy("Importera flera dokument")
    upload_url_name = "importing_bulk:upload"
    upload_label = _lazy("Importera flera dokument")


class BulkUploadView(BulkView):
    template_name = "importing/bulk_upload.html"

    def get(self, request, *args, **kwargs):
        form = BulkUploadForm(user=request.user)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = BulkUploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        PendingImport.remove_stale()
        parent = form.cleaned_data["parent"]
        pending = [
            PendingImport.objects.create(
                user=request.user, parent=parent, filename=upload.name[:255], data=upload.read()
            )
            for upload in (form.cleaned_data["zip_file"], form.cleaned_data["csv_file"])
        ]
        return redirect("importing_bulk:preview", pending[0].pk, pending[1].pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = COLUMNS
        context["zip_max_mb"] = zip_max_bytes() // MB
        # Whoever left an import's page finds it again here.
        context["jobs"] = [
            (job, job_summary(job, is_stale(job)))
            for job in BulkImportJob.objects.filter(user=self.request.user)[:5]
        ]
        return context


class BulkPreviewView(BulkView):
    """GET: the dry run's report. POST: import (or cancel), then the report of what was done."""

    template_name = "importing/bulk_report.html"

    def load(self, zip_id, csv_id):
        self.zip_upload = get_object_or_404(PendingImport, pk=zip_id, user=self.request.user)
        self.csv_upload = get_object_or_404(PendingImport, pk=csv_id, user=self.request.user)

    def run(self, dry_run):
        return run_bulk_import(
            io.BytesIO(bytes(self.zip_upload.data)),
            bytes(self.csv_upload.data),
            user=self.request.user,
            parent=self.zip_upload.parent,
            dry_run=dry_run,
            zip_name=self.zip_upload.filename,
            csv_name=self.csv_upload.filename,
        )

    def get(self, request, zip_id, csv_id):
        self.load(zip_id, csv_id)
        report = self.run(dry_run=True)
        return self.render_to_response(self.get_context_data(report=report))

    def post(self, request, zip_id, csv_id):
        self.load(zip_id, csv_id)
        running = active_job(self.zip_upload, self.csv_upload)
        if running is not None and not is_stale(running):
            # The files are being imported: neither cancelled nor imported a second time.
            return redirect("importing_bulk:job", running.pk)
        if "cancel" in request.POST:
            self.zip_upload.delete()
            self.csv_upload.delete()
            messages.success(request, _("Importen avbröts. Inget sparades."))
            return redirect("importing_bulk:upload")
        job, _created = start_bulk_import(self.zip_upload, self.csv_upload, request.user)
        return redirect("importing_bulk:job", job.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            report_context(
                kwargs["report"],
                self.zip_upload.filename,
                self.csv_upload.filename,
                self.zip_upload.parent,
            )
        )
        return context


def report_context(report, zip_name, csv_name, parent):
    pages = {
        page.pk: page
        for page in Page.objects.filter(pk__in=[row.page_id for row in report.rows if row.page_id])
    }
    for row in report.rows:
        row.page = pages.get(row.page_id)
    return {
        "report": report,
        "zip_name": zip_name,
        "csv_name": csv_name,
        "parent": parent,
        "rows": sorted(report.rows, key=lambda r: r.number),
    }


class BulkJobView(BulkView):
    """The import running in the background: its progress (the page reloads itself until it is
    done), then the report of every row. Only the person who started it sees it."""

    template_name = "importing/bulk_job.html"
    REFRESH_SECONDS = 3

    def load(self, job_id):
        jobs = BulkImportJob.objects.select_related("parent", "user")
        if not self.request.user.is_superuser:
            jobs = jobs.filter(user=self.request.user)
        self.job = get_object_or_404(jobs, pk=job_id)

    def get(self, request, job_id):
        self.load(job_id)
        return self.render_to_response(self.get_context_data())

    def post(self, request, job_id):
        """Start a stopped or failed import again from the same uploads."""
        self.load(job_id)
        job = self.job
        restartable = job.status == BulkImportJob.FAILED or is_stale(job)
        if not restartable or job.zip_upload is None or job.csv_upload is None:
            messages.error(request, _("Importen kan inte startas om. Ladda upp filerna igen."))
            return redirect("importing_bulk:job", job.pk)
        new_job, _created = start_bulk_import(job.zip_upload, job.csv_upload, request.user)
        return redirect("importing_bulk:job", new_job.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = self.job
        stale = is_stale(job)
        context.update(
            {
                "job": job,
                "stale": stale,
                "refresh": self.REFRESH_SECONDS if job.is_active and not stale else None,
                "restartable": (job.status == BulkImportJob.FAILED or stale)
                and job.zip_upload_id is not None
                and job.csv_upload_id is not None,
                "summary": job_summary(job, stale),
                "percent": percent(job),
            }
        )
        if job.status == BulkImportJob.DONE:
            report = BulkReport.from_json(job.report)
            context.update(report_context(report, job.zip_name, job.csv_name, job.parent))
            context["done"] = True
        return context


class BulkJobStatusView(BulkJobView):
    """The job's progress as JSON, for the page's script (static/js/bulk_import_job.js)."""

    def get(self, request, job_id):
        self.load(job_id)
        job, stale = self.job, is_stale(self.job)
        return JsonResponse(
            {
                "status": job.status,
                "active": job.is_active,
                "stale": stale,
                "summary": job_summary(job, stale),
                "done": job.rows_done,
                "total": job.rows_total,
                "percent": percent(job),
            }
        )

    def post(self, request, job_id):
        raise Http404


def percent(job):
    if not job.rows_total:
        return 0
    return round(100 * job.rows_done / job.rows_total)


def job_summary(job, stale):
    if stale:
        return _("Importen har stannat utan att bli klar. Starta om den.")
    if job.status == BulkImportJob.QUEUED:
        return _("Importen väntar på att starta.")
    if job.status == BulkImportJob.RUNNING:
        if job.rows_total is None:
            return _("Importen har startat: filerna läses.")
        return _("Importen pågår: %(done)s av %(total)s rader klara.") % {
            "done": job.rows_done,
            "total": job.rows_total,
        }
    if job.status == BulkImportJob.FAILED:
        return _("Importen misslyckades.")
    return _("Importen är klar.")


urlpatterns = [
    path("", BulkUploadView.as_view(), name="upload"),
    path("<uuid:zip_id>/<uuid:csv_id>/", BulkPreviewView.as_view(), name="preview"),
    path("jobb/<uuid:job_id>/", BulkJobView.as_view(), name="job"),
    path("jobb/<uuid:job_id>/status/", BulkJobStatusView.as_view(), name="job_status"),
]


# -- the original file of an imported decision ------------------------------------------------


def imported_original(request, pk):
    """An imported decision's original file (Word or PDF), for the readers of its archived
    version (policies.views.visible_version: the channel, the document's restriction, and for
    a document not yet in the register only its editors)."""
    version, _document = visible_version(request, pk)
    if not version.imported or not version.original_file:
        raise Http404
    storage = AdoptedVersion._meta.get_field("original_file").storage
    if not storage.exists(version.original_file.name):
        raise Http404
    content_type = mimetypes.guess_type(version.original_filename)[0] or "application/octet-stream"
    response = FileResponse(
        version.original_file.open("rb"),
        as_attachment=True,
        filename=version.original_filename or "original",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- admin hooks (loaded by importing.wagtail_hooks) -------------------------------------------


class BulkMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)


@hooks.register("register_styrdok_import_menu_item")
def bulk_import_menu_item():
    return BulkMenuItem(
        _lazy("Importera flera (zip och CSV)"),
        reverse("importing_bulk:upload"),
        icon_name="folder-open-inverse",
        order=200,
    )


@hooks.register("register_admin_urls")
def register_bulk_urls():
    return [
        path(
            "import/flera/",
            include((urlpatterns, "importing_bulk"), namespace="importing_bulk"),
        )
    ]


class ImportedDecisionFormatter(LogFormatter):
    label = _lazy("Tidigare beslut importerat")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        text = _("Tidigare beslut importerat: version %(version)s, %(body)s %(date)s") % {
            "version": data.get("version", ""),
            "body": data.get("body", ""),
            "date": data.get("decision_date", ""),
        }
        if data.get("paragraph"):
            text += f", § {data['paragraph']}"
        if data.get("diarienummer"):
            text += _(", dnr %(dnr)s") % {"dnr": data["diarienummer"]}
        return text + _(" (originalfil ”%(file)s”)") % {"file": data.get("filename", "")}


@hooks.register("register_log_actions")
def register_bulk_log_actions(actions):
    actions.register_action(IMPORTED_DECISION)(ImportedDecisionFormatter)
