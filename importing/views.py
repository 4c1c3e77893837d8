"""Importera Word-fil: upload one .docx under a parent, preview what it becomes, create the draft.

The uploaded file waits in the database (PendingImport) between the preview and "Skapa
utkast", so the editor does not upload it twice and any web server can finish the import;
it is removed once the draft exists, and stale uploads after a day.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminPageChooser
from wagtail.blocks import StreamValue
from wagtail.models import Page

from policies.models import PolicyPage, RegisterPage, RiktlinjePage, Styrdokument
from policies.personnummer import block_texts
from policies.visibility import hidden_page_ids

from .docx import ImportFileError, convert_docx, max_bytes
from .drafts import (
    IMPORT_PERMISSION,
    create_draft,
    error_lines,
    identity_number_warnings,
    may_import_under,
    plan_draft,
)
from .models import ImportRecord, PendingImport

PARENT_TYPES = [RegisterPage, PolicyPage, RiktlinjePage]


def _hidden_from(page, user):
    specific = page.specific_deferred
    return isinstance(specific, Styrdokument) and specific.hidden_from(user)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_lazy("Word-fil (.docx)"),
        # An empty file gets the converter's message, which names it.
        allow_empty_file=True,
        error_messages={"required": _lazy("Välj en Word-fil (.docx) att importera.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )
    parent = forms.ModelChoiceField(
        queryset=Page.objects.all(),
        label=_lazy("Placera under"),
        help_text=_lazy(
            "Registret, en policy eller en riktlinje. Dokumenttypen avgör vad som får ligga var."
        ),
        error_messages={
            "required": _lazy("Välj var dokumentet ska ligga."),
            "invalid_choice": _lazy("Sidan finns inte. Välj en annan plats."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        parent = self.data.get("parent", "")
        if parent and not str(parent).isdigit():
            # The chooser widget cannot render a value that is no page id.
            self.data = self.data.copy()
            self.data["parent"] = "0"
        self.fields["parent"].widget = AdminPageChooser(
            target_models=PARENT_TYPES, can_choose_root=False, user_perms="add_subpage"
        )

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        if _hidden_from(parent, self.user):
            raise ValidationError(_("Sidan finns inte. Välj en annan plats."))
        if not may_import_under(self.user, parent):
            raise ValidationError(
                _(
                    "Du kan inte importera styrdokument under ”%(title)s”. Välj registret, en "
                    "policy eller en riktlinje där du får lägga till dokument."
                )
                % {"title": parent.title}
            )
        return parent.specific

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            # Said before the file is read into memory.
            raise ValidationError(
                _("”%(name)s” är större än %(max)s MB och kan inte importeras.")
                % {"name": upload.name, "max": max_bytes() // (1024 * 1024)}
            )
        data = upload.read()
        try:
            self.conversion = convert_docx(data, upload.name)
        except ImportFileError as error:
            raise ValidationError(str(error)) from None
        self.data_bytes = data
        return upload

    def clean(self):
        cleaned = super().clean()
        parent, conversion = cleaned.get("parent"), getattr(self, "conversion", None)
        if parent is not None and conversion is not None:
            try:
                plan_draft(parent, conversion, self.user)
            except ValidationError as error:
                self.add_error("parent", error.messages)
        return cleaned


class ImportView(WagtailAdminTemplateMixin, TemplateView):
    """An import screen: only for those who may import, under the breadcrumb of its upload
    page (`upload_url_name`, `upload_label`)."""

    header_icon = "upload"
    upload_url_name = "importing:word_upload"
    upload_label = _lazy("Importera Word-fil")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Start")},
            {"url": reverse(self.upload_url_name), "label": self.upload_label},
        ]


class UploadView(ImportView):
    template_name = "importing/word_upload.html"
    page_title = _lazy("Importera Word-fil")

    def get(self, request, *args, **kwargs):
        initial = {}
        parent_id = request.GET.get("parent", "")
        if parent_id.isdigit():
            parent = Page.objects.filter(pk=int(parent_id)).first()
            if parent is not None and not _hidden_from(parent, request.user):
                initial["parent"] = parent
        form = UploadForm(user=request.user, initial=initial)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        PendingImport.remove_stale()
        pending = PendingImport.objects.create(
            user=request.user,
            parent=form.cleaned_data["parent"],
            filename=form.conversion.filename,
            data=form.data_bytes,
        )
        return redirect("importing:word_preview", pending.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["max_mb"] = max_bytes() // (1024 * 1024)
        return context


class PreviewView(ImportView):
    template_name = "importing/word_preview.html"
    page_title = _lazy("Förhandsgranska import")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.pending_id = kwargs["pk"]

    def load(self):
        """The stored upload, converted again (identically); a redirect with the reason when
        it is no Word file (an upload of the bulk import, say)."""
        self.pending = get_object_or_404(PendingImport, pk=self.pending_id, user=self.request.user)
        self.parent = self.pending.parent.specific
        try:
            self.conversion = convert_docx(bytes(self.pending.data), self.pending.filename)
        except ImportFileError as error:
            messages.error(self.request, str(error))
            return redirect("importing:word_upload")
        return None

    def get_page_subtitle(self):
        return self.pending.filename

    def get(self, request, *args, **kwargs):
        refused = self.load()
        if refused:
            return refused
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        refused = self.load()
        if refused:
            return refused
        if "cancel" in request.POST:
            self.pending.delete()
            messages.success(request, _("Importen avbröts. Inget sparades."))
            return redirect("importing:word_upload")
        accepted = [i for i in request.POST.getlist("krav") if i in self.conversion.suggestion_ids]
        title = " ".join(request.POST.get("title", "").split())[:255]
        overrides = {"title": title} if title else None
        try:
            with transaction.atomic():
                page = create_draft(
                    self.parent,
                    self.conversion,
                    request.user,
                    accepted_requirements=accepted,
                    overrides=overrides,
                )
                self.pending.delete()
        except (ValidationError, PermissionDenied) as error:
            problems = (
                error_lines(error, Styrdokument)
                if isinstance(error, ValidationError)
                else [str(error)]
            )
            context = self.get_context_data(problems=problems, accepted=accepted, title=title)
            return self.render_to_response(context, status=400)
        messages.success(
            request,
            _(
                "Utkastet ”%(title)s” skapades från ”%(filename)s”. Granska texten och "
                "uppgifterna innan du skickar det till granskning."
            )
            % {"title": page.title, "filename": self.conversion.filename},
        )
        return redirect("wagtailadmin_pages:edit", page.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        conversion = self.conversion
        stream_block = Styrdokument._meta.get_field("body").stream_block
        body = StreamValue(stream_block, conversion.blocks, is_lazy=True)
        try:
            plan = plan_draft(self.parent, conversion, self.request.user)
        except ValidationError as error:
            plan = None
            context.setdefault("problems", error.messages)
        context.update(
            {
                "pending": self.pending,
                "parent": self.parent,
                "conversion": conversion,
                "body": body,
                "plan": plan,
                "page_type": plan.page_class._meta.verbose_name if plan else "",
                "identity_numbers": identity_number_warnings(block_texts(body)),
                "accepted": kwargs.get("accepted", []),
                "title": kwargs.get("title") or conversion.title,
            }
        )
        return context


class RecordListView(WagtailAdminTemplateMixin, TemplateView):
    """Importerade filer: which file became which draft, imported by whom and when. A record
    whose document is restricted to groups the reader is not in is left out, title and all."""

    template_name = "importing/records.html"
    page_title = _lazy("Importerade filer")
    header_icon = "list-ul"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("importing.view_importrecord"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Start")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        records = (
            ImportRecord.objects.select_related("user", "page")
            .exclude(page_id__in=hidden_page_ids(self.request.user))
            .order_by("-created_at", "-pk")
        )
        paginator = Paginator(records, self.paginate_by)
        context["page_obj"] = paginator.get_page(self.request.GET.get("p"))
        context["records"] = context["page_obj"].object_list
        return context


urlpatterns = [
    path("word/", UploadView.as_view(), name="word_upload"),
    path("word/<uuid:pk>/", PreviewView.as_view(), name="word_preview"),
    path("importerade/", RecordListView.as_view(), name="records"),
]
