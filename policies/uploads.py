"""Uploaded files are checked by what they contain, not only by what they are called.

Wagtail accepts a file when its name ends in an allowed extension (WAGTAILDOCS_EXTENSIONS). A
browser given an HTML page named `bilaga.pdf` may still run it, and a reader who expects a PDF
gets something else, so each extension must come with the bytes that format starts with (its
"magic bytes"). Text formats (txt, csv) must be text and must not be markup. The check is in the
documents' form base (WAGTAILDOCS_DOCUMENT_FORM_BASE), which Wagtail uses for every upload:
the documents library, the multiple upload and the chooser in the page editor.

The same form checks a file that replaces another, or a new title, on a document that a page of
the public site links to (a public styrdokument, or any page that is not one): the personnummer
guard checked the old file when the page was saved or adopted, and the new one would be
published at the same address without a new decision. A new file with a personnummer or
samordningsnummer is refused and the old file is kept. A new document is not linked by any
page yet: the page that links it checks it (policies.rules, policies.public_pages).

Wagtail's multiple upload keeps a file whose other fields did not validate as an UploadedFile and
later makes the document from it with a form that has no file field
(CreateFromUploadedDocumentView): the stored file is attached outside the form. register() gives
that form the same content check on the stored file, so every route to a document's file passes
check_upload, and a refused file leaves no document behind.
"""

import os
import zipfile

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.documents.views.multiple import CreateFromUploadedDocumentView

from .personnummer import (
    MAX_FILE_BYTES,
    FileTooLargeToCheck,
    attached_file_findings,
    extract_text,
    too_large_message,
)

HEAD_BYTES = 8192

# What the start of markup looks like: refused in every format, whatever the file is named.
MARKUP_STARTS = (
    b"<!doctype",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<svg",
    b"<?xml",
    b"<iframe",
)

# Office Open XML and OpenDocument files are ZIP archives with a known part inside.
ZIP_FORMATS = {
    "docx": lambda names: "word/document.xml" in names,
    "xlsx": lambda names: "xl/workbook.xml" in names,
    "pptx": lambda names: "ppt/presentation.xml" in names,
    "odt": lambda names: "mimetype" in names,
}
FORMAT_NAMES = {
    "pdf": "en PDF-fil",
    "docx": "ett Word-dokument (.docx)",
    "xlsx": "ett Excel-dokument (.xlsx)",
    "pptx": "en PowerPoint-presentation (.pptx)",
    "odt": "ett OpenDocument-dokument (.odt)",
    "rtf": "ett RTF-dokument",
    "txt": "en textfil",
    "csv": "en CSV-fil",
}


def _head(uploaded):
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    uploaded.seek(0)
    return head


def _looks_like_markup(head):
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(MARKUP_STARTS) or b"<script" in head.lower()


def _is_text(head):
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            if encoding == "utf-8" and exc.start >= len(head) - 3:
                text = head[: exc.start].decode(encoding)
            else:
                continue
        controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n\f")
        return controls == 0
    return False


ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _odt_mimetype(archive, names):
    """The `mimetype` member, never unpacked further than the value it may hold: a member that
    packs to a few bytes and inflates to gigabytes (a zip bomb) is no OpenDocument file."""
    limit = len(ODT_MIMETYPE) + 16
    if "mimetype" not in names or archive.getinfo("mimetype").file_size > limit:
        return b""
    with archive.open("mimetype") as member:
        return member.read(limit).strip()


def _zip_matches(uploaded, extension):
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if extension == "odt":
                return _odt_mimetype(archive, names) == ODT_MIMETYPE
            return ZIP_FORMATS[extension](names)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return False
    finally:
        uploaded.seek(0)


def content_matches(uploaded, extension):
    """Whether the bytes of `uploaded` are the format its extension names."""
    head = _head(uploaded)
    if _looks_like_markup(head):
        return False
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension in ZIP_FORMATS:
        return head.startswith(b"PK\x03\x04") and _zip_matches(uploaded, extension)
    if extension == "rtf":
        return head.startswith(b"{\\rtf")
    if extension in ("txt", "csv"):
        return _is_text(head)
    # An extension allowed in settings that this module does not know: no content rule.
    return True


def mismatch_message(filename, extension):
    return _(
        "Filen ”%(name)s” är inte %(format)s: innehållet stämmer inte med filändelsen "
        ".%(extension)s. Spara filen i rätt format och ladda upp den igen."
    ) % {
        "name": filename,
        "format": FORMAT_NAMES.get(extension, _("en fil av den typen")),
        "extension": extension,
    }


def check_upload(uploaded):
    """Raise a ValidationError with a Swedish message when the content does not match."""
    name = os.path.basename(getattr(uploaded, "name", "") or "")
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if not content_matches(uploaded, extension):
        raise forms.ValidationError(mismatch_message(name, extension), code="content_mismatch")


def public_pages_using(document):
    """Titles of the pages that link `document` and that the public site shows or will show: a
    styrdokument marked public, or any page that is not a styrdokument (Wagtail's reference
    index of the pages' stored content)."""
    from wagtail.models import Page, ReferenceIndex

    from .models import Publicity, Styrdokument

    ids = {
        int(pk)
        for pk in ReferenceIndex.get_references_to(document)
        .filter(base_content_type__model="page")
        .values_list("object_id", flat=True)
    }
    if not ids:
        return []
    not_public = Styrdokument.objects.filter(pk__in=ids).exclude(publicity=Publicity.PUBLIC)
    pages = Page.objects.filter(pk__in=ids).exclude(pk__in=not_public.values("pk"))
    return list(pages.order_by("title").values_list("title", flat=True))


def _uploaded_text(uploaded):
    name = os.path.basename(getattr(uploaded, "name", "") or "")
    uploaded.seek(0)
    data = uploaded.read(MAX_FILE_BYTES)
    uploaded.seek(0)
    return name, extract_text(name, data)


def identity_number_message(titles, where, finding, more):
    message = _(
        "Filen används av sidor som visas på den externa webbplatsen (%(pages)s), och "
        "%(where)s innehåller ett %(kind)s (%(number)s) i avsnittet ”…%(passage)s…”. En "
        "offentlig sida får inte innehålla personnummer eller samordningsnummer. Ta bort numret "
        "och försök igen; den tidigare filen och titeln finns kvar."
    ) % {
        "pages": ", ".join(f"”{title}”" for title in titles[:5]),
        "where": where,
        "kind": finding.kind,
        "number": finding.masked,
        "passage": finding.passage,
    }
    if more:
        message += " " + _("Ytterligare %(count)s nummer hittades.") % {"count": more}
    return message


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, with the content check on every newly uploaded file and the
    personnummer guard on a new file or title of a document that a public page links to."""

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        # An edit that keeps the stored file has nothing new to check.
        if uploaded and "file" in self.changed_data and hasattr(uploaded, "read"):
            check_upload(uploaded)
        return uploaded

    def clean(self):
        cleaned_data = super().clean()
        changed = {"file", "title"} & set(self.changed_data)
        if self.instance.pk and changed and not self.has_error("file"):
            self._refuse_identity_numbers(cleaned_data)
        return cleaned_data

    def _refuse_identity_numbers(self, cleaned_data):
        # One query first: most documents are not linked from a public page, and reading a
        # large PDF costs far more.
        titles = public_pages_using(self.instance)
        if not titles:
            return
        uploaded = cleaned_data.get("file")
        replaced = "file" in self.changed_data and hasattr(uploaded, "read")
        try:
            name, text = _uploaded_text(uploaded) if replaced else ("", "")
        except FileTooLargeToCheck as exc:
            self.add_error("file" if "file" in self.fields else None, too_large_message(exc))
            return
        title = cleaned_data.get("title", self.instance.title) or ""
        shown, findings = attached_file_findings(title, name, text)
        if not findings:
            return
        where = _("filen ”%(name)s”") % {"name": shown} if replaced else _("titeln")
        more = getattr(findings, "total", len(findings)) - 1
        message = identity_number_message(titles, where, findings[0], more)
        field = "file" if replaced and "file" in self.fields else "title"
        self.add_error(field if field in self.fields else None, message)


def check_stored_upload(upload):
    """check_upload for a file the multiple upload stored (an UploadedFile), read from storage."""
    stored = upload.file
    try:
        stored.open("rb")
    except (OSError, ValueError) as error:
        raise forms.ValidationError(
            _("Den uppladdade filen kunde inte läsas. Ladda upp den igen."), code="unreadable"
        ) from error
    # Left open and rewound: Wagtail reads the same file to save the document.
    try:
        check_upload(stored)
    finally:
        stored.seek(0)


_wagtail_upload_edit_form_class = CreateFromUploadedDocumentView.get_edit_form_class


def upload_edit_form_class(view):
    """Wagtail's form for a document made from a stored upload, also checking the stored file."""
    base = _wagtail_upload_edit_form_class(view)

    class StoredUploadForm(base):
        def clean(self):
            cleaned_data = super().clean()
            upload = getattr(view, "upload", None)
            if upload is not None:
                try:
                    check_stored_upload(upload)
                except forms.ValidationError as error:
                    self.add_error(None, error)
                # The model's own check of the extension (Document.clean) reads the instance's
                # file, which Wagtail attaches only after validation: give it the stored name.
                self.instance.file.name = upload.file.name
            return cleaned_data

        def _update_errors(self, errors):
            # The model reports a bad file on `file`, which this form has no field for.
            if hasattr(errors, "error_dict"):
                unknown = [name for name in errors.error_dict if name not in self.fields]
                for name in unknown:
                    errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(
                        errors.error_dict.pop(name)
                    )
            super()._update_errors(errors)

    return StoredUploadForm


def register():
    """Idempotent; called from PoliciesConfig.ready."""
    if CreateFromUploadedDocumentView.get_edit_form_class is not upload_edit_form_class:
        CreateFromUploadedDocumentView.get_edit_form_class = upload_edit_form_class
