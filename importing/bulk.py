"""Bulk import: a zip of Word and PDF files plus a CSV of their metadata becomes drafts and
historical decisions, with a report of every row.

The command (import_styrdokument) and the admin view (bulk_views) both call run_bulk_import,
so the same checks, the same atomicity and the same report hold whichever way it is run.

- The CSV and the zip are checked as a whole first (columns, limits, unsafe names, files that
  no row names). A problem there stops the run before anything is written.
- Each row then imports whole or not at all: the draft (page, revision, images, the PDF it
  links to) and, for an earlier decision, the imported AdoptedVersion with its original file
  are made inside one savepoint; a failing row leaves nothing behind (files it stored are
  removed again) and the other rows go on.
- Nothing is published. A draft is a draft; a historical decision is an AdoptedVersion marked
  `imported`, which shows in the document's version table as "importerad" but never puts the
  document in the register: only a decision in the document's workflow does that.
- A dry run does all of it inside a transaction that is rolled back, so its report says what a
  real run would do, file by file, without leaving anything.
"""

import contextlib
import dataclasses
import datetime
import json
import posixpath
import re
import threading
from dataclasses import dataclass, field
from html import escape

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection

from policies.decisions import next_free_label
from policies.models import AdoptedVersion, Publicity, Styrdokument
from policies.personnummer import (
    FileTooLargeToCheck,
    extract_text,
    find_identity_numbers,
    too_large_message,
)
from policies.visibility import hidden_page_ids

from .archive_zip import ZipArchiveError, ZipMemberError, open_archive
from .csv_rows import CsvFileError, parse_csv, resolve_rows
from .docx import ImportFileError, convert_docx, create_draft
from .drafts import IMPORT_COLLECTION, IMPORT_PERMISSION
from .models import ImportRecord
from .pdf import pdf_conversion

IMPORTED_DECISION = "styrdok.import_decision"

IMPORTED, SKIPPED = "importerad", "hoppades över"
DRAFT, HISTORICAL = "utkast", "historiskt beslut"


class RowError(Exception):
    """One row cannot be imported; the message is Swedish and names the row and file."""


# -- the report -------------------------------------------------------------------------------


@dataclass
class RowResult:
    number: int
    filename: str
    title: str
    kind: str = DRAFT
    status: str = SKIPPED
    messages: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    page_id: int | None = None
    version: str = ""

    @property
    def imported(self):
        return self.status == IMPORTED


@dataclass
class BulkReport:
    """What happened to every row, and what stopped the run if something did."""

    dry_run: bool = False
    errors: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    ignored_files: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors and all(row.imported for row in self.rows)

    @property
    def imported_rows(self):
        return [row for row in self.rows if row.imported]

    @property
    def skipped_rows(self):
        return [row for row in self.rows if not row.imported]

    def summary(self):
        if self.errors:
            return _("Inget importerades: %(count)s fel i filerna.") % {"count": len(self.errors)}
        drafts = sum(1 for row in self.imported_rows if row.kind == DRAFT)
        decisions = len(self.imported_rows) - drafts
        verb = _("kan importeras") if self.dry_run else _("importerades")
        skipped = _("hoppas över") if self.dry_run else _("hoppades över")
        text = ngettext(
            "%(total)s rad: %(done)s %(verb)s (%(drafts)s utkast, %(decisions)s historiska "
            "beslut), %(skipped)s %(skipped_verb)s.",
            "%(total)s rader: %(done)s %(verb)s (%(drafts)s utkast, %(decisions)s historiska "
            "beslut), %(skipped)s %(skipped_verb)s.",
            len(self.rows),
        ) % {
            "total": len(self.rows),
            "done": len(self.imported_rows),
            "verb": verb,
            "skipped_verb": skipped,
            "drafts": drafts,
            "decisions": decisions,
            "skipped": len(self.skipped_rows),
        }
        if self.dry_run:
            text = _("Provkörning, inget sparades. %(text)s") % {"text": text}
        return text

    def as_json(self):
        """The report as JSON, to keep on a background job (importing.tasks) and show later."""
        return {
            "dry_run": self.dry_run,
            "errors": [str(error) for error in self.errors],
            "ignored_files": list(self.ignored_files),
            "rows": [
                {
                    **dataclasses.asdict(row),
                    "messages": [str(m) for m in row.messages],
                    "warnings": [str(w) for w in row.warnings],
                }
                for row in self.rows
            ],
        }

    @classmethod
    def from_json(cls, data):
        fields = {f.name for f in dataclasses.fields(RowResult)}
        return cls(
            dry_run=bool(data.get("dry_run")),
            errors=list(data.get("errors", [])),
            ignored_files=list(data.get("ignored_files", [])),
            rows=[
                RowResult(**{key: value for key, value in row.items() if key in fields})
                for row in data.get("rows", [])
            ],
        )

    def lines(self):
        """The report as plain Swedish lines, one per row (the command prints these)."""
        out = [*self.errors]
        for row in sorted(self.rows, key=lambda r: r.number):
            status = row.status
            if self.dry_run:
                status = _("kan importeras") if row.imported else _("hoppas över")
            head = f"Rad {row.number} (”{row.filename}”, {row.kind}): {status}"
            if row.version:
                head += f", version {row.version}"
            out.append(head)
            out.extend(f"    {message}" for message in row.messages)
            out.extend(f"    {_('Kontrollera')}: {warning}" for warning in row.warnings)
        if self.ignored_files:
            out.append(
                _("Hoppade över systemfiler i zip-filen: %(names)s")
                % {"names": ", ".join(self.ignored_files)}
            )
        out.append(self.summary())
        return out


# -- files stored during a row ----------------------------------------------------------------


class StoredFiles:
    """The files a row (or a dry run) stores, so they can be removed if it is rolled back.

    The database forgets a rolled-back row; storage does not. Images and documents are saved by
    create_draft and Wagtail, so their files are noticed through post_save, for this thread only
    (another request saving a file at the same moment is none of this run's business).
    """

    _local = threading.local()

    def __init__(self):
        self.files = []

    def __enter__(self):
        self._local.active = self
        return self

    def __exit__(self, *exc):
        self._local.active = None

    def add(self, field_file):
        if field_file:
            self.files.append((field_file.storage, field_file.name))

    def mark(self):
        return len(self.files)

    def remove_since(self, mark=0):
        for storage, name in self.files[mark:]:
            with contextlib.suppress(OSError):
                storage.delete(name)
        del self.files[mark:]

    @classmethod
    def noticed(cls, sender, instance, created=False, **kwargs):
        active = getattr(cls._local, "active", None)
        if active is not None and created:
            active.add(getattr(instance, "file", None))


def _connect_file_signals():
    for model in (get_image_model(), get_document_model()):
        post_save.connect(StoredFiles.noticed, sender=model, dispatch_uid=f"bulk-files-{model}")


_connect_file_signals()


# -- planning: which rows make which document -----------------------------------------------


@dataclass
class DocumentPlan:
    """One document: the row its draft comes from and the earlier decisions to register."""

    key: tuple
    source: object  # CsvRow
    decisions: list  # CsvRow, newest first
    rows: list
    parent: "DocumentPlan | None" = None
    page: object = None
    failed: str = ""
    existing: bool = False  # the document is already in Styrdok: only decisions are added
    labels: dict | None = None


def _date_key(row):
    return (row.decision_date or datetime.date.max, row.number)


def plan_documents(rows):
    """Group the rows by document (title under parent); the draft is made from the newest row
    (a row without beslutsdatum counts as newest). Rows older than it are earlier decisions of
    the document even when not marked historisk; the newest is one too if it is marked so."""
    groups = {}
    for row in rows:
        groups.setdefault(row.document_key, []).append(row)
    plans = {}
    for key, group in groups.items():
        source = max(group, key=_date_key)
        if source.existing is not None:
            decisions = sorted(group, key=_date_key, reverse=True)
            plans[key] = DocumentPlan(
                key, source, decisions, group, page=source.existing, existing=True
            )
            continue
        decisions = [row for row in group if row.historical or row is not source]
        for row in decisions:
            if row is not source and not row.historical:
                _implied_decision(row, source)
        decisions.sort(key=_date_key, reverse=True)
        plans[key] = DocumentPlan(key=key, source=source, decisions=decisions, rows=group)
    for plan in plans.values():
        parent_row = plan.source.parent_row
        plan.parent = plans.get(parent_row.document_key) if parent_row is not None else None
    return _ordered(list(plans.values()))


def _implied_decision(row, source):
    """A second, older row of a document is one of its earlier decisions."""
    if row.decision_date is None:
        row.error(
            _(
                "Samma dokument som rad %(row)s (samma titel och förälder). Flera rader om ett "
                "dokument är tidigare beslut och behöver beslutsdatum; markera dem med "
                "Historisk = Ja."
            )
            % {"row": source.number}
        )
    elif not row.decision_body_ref:
        row.error(
            _(
                "Raden är ett tidigare beslut om samma dokument som rad %(row)s och måste ange "
                "vem som beslutade (Beslutad av)."
            )
            % {"row": source.number}
        )
    row.historical = True


def _ordered(plans):
    """Parents before their children; a loop of parents is an error on each of its rows."""
    ordered, placed, visiting = [], set(), set()

    def place(plan):
        if plan.key in placed:
            return
        if plan.key in visiting:
            plan.failed = _("Förälder och dokument hänvisar till varandra i en slinga.")
            return
        visiting.add(plan.key)
        if plan.parent is not None:
            place(plan.parent)
        visiting.discard(plan.key)
        placed.add(plan.key)
        ordered.append(plan)

    for plan in plans:
        place(plan)
    return ordered


# -- running ----------------------------------------------------------------------------------


@dataclass
class ImportRun:
    archive: object
    user: object
    report: BulkReport
    files: StoredFiles
    results: dict = field(default_factory=dict)  # row number -> RowResult
    progress: object = None  # called with (rows done, rows in all) as documents finish


def check_permission(user):
    if user is None or not (user.is_active and user.has_perm(IMPORT_PERMISSION)):
        raise PermissionDenied(_("Du har inte behörighet att importera styrdokument."))


def run_bulk_import(
    zip_source,
    csv_data,
    *,
    user,
    parent=None,
    dry_run=False,
    zip_name="import.zip",
    csv_name="metadata.csv",
    progress=None,
):
    """Import the zip's files as the CSV describes them; returns a BulkReport.

    `user` must hold importing.import_documents and may only add documents where the page tree
    and their page permissions let them. `parent` is where rows without a
    Förälder go (by default the register). `progress(done, total)` is told how many rows are
    finished after each document, between the rows' savepoints (a background job records it;
    an exception it raises stops the run there, every finished row kept whole).
    """
    check_permission(user)
    report = BulkReport(dry_run=dry_run)
    try:
        archive = open_archive(zip_source, zip_name)
    except ZipArchiveError as exc:
        report.errors.append(str(exc))
        return report
    try:
        rows = _read_rows(csv_data, csv_name, archive, report, parent, user)
        if rows is None:
            return report
        with StoredFiles() as files:
            run = ImportRun(
                archive=archive, user=user, report=report, files=files, progress=progress
            )
            if dry_run:
                _dry_run(run, rows)
            else:
                _execute(run, rows)
    finally:
        archive.close()
    return report


def _read_rows(csv_data, csv_name, archive, report, parent, user):
    """The CSV's rows resolved and matched to the zip's files, or None (with report.errors)
    when the files as a whole cannot be used."""
    report.ignored_files = list(archive.ignored)
    try:
        rows = parse_csv(csv_data, csv_name, max_rows=archive.limits.max_files)
    except CsvFileError as exc:
        report.errors.append(str(exc))
        return None
    resolve_rows(rows, parent=parent, user=user)
    named = set()
    for row in rows:
        if not row.filename:
            continue
        member = archive.find(row.filename)
        if member is None:
            row.error(
                _("Filen ”%(file)s” finns inte i zip-filen ”%(zip)s”.")
                % {"file": row.filename, "zip": archive.filename}
            )
        else:
            row.member = member
            named.add(member)
    unnamed = sorted(set(archive.members) - named)
    for name in unnamed:
        report.errors.append(
            _(
                "Filen ”%(file)s” i zip-filen nämns inte på någon rad i ”%(csv)s”. Lägg till "
                "en rad för den eller ta bort den ur zip-filen."
            )
            % {"file": name, "csv": csv_name}
        )
    return None if report.errors else rows


def _dry_run(run, rows):
    """The real run inside a transaction that is rolled back, and its files removed."""
    try:
        with transaction.atomic():
            _execute(run, rows)
            transaction.set_rollback(True)
    finally:
        run.files.remove_since(0)


def _execute(run, rows):
    plans = plan_documents(rows)
    for row in rows:
        kind = HISTORICAL if row.historical else DRAFT
        result = RowResult(number=row.number, filename=row.filename, title=row.title, kind=kind)
        run.results[row.number] = result
        run.report.rows.append(result)
    done = 0
    _tell(run, done, len(rows))
    for plan in plans:
        _import_document(run, plan)
        done += len(plan.rows)
        _tell(run, done, len(rows))


def _tell(run, done, total):
    if run.progress is not None:
        run.progress(done, total)


def _import_document(run, plan):
    if plan.existing:
        _import_existing(run, plan)
        return
    blocked = _blocked_reason(plan)
    if blocked:
        for row in plan.rows:
            _skip(run, row, row.errors or [blocked])
        plan.failed = plan.failed or blocked
        return
    if not _import_row(run, plan, plan.source, lambda: _create_document(run, plan)):
        for row in plan.decisions:
            if row is not plan.source:
                _skip(
                    run,
                    row,
                    row.errors
                    or [
                        _("Dokumentets utkast (rad %(row)s) kunde inte importeras.")
                        % {"row": plan.source.number}
                    ],
                )
        return
    for row in plan.decisions:
        if row is plan.source:
            continue
        if row.errors:
            _skip(run, row, row.errors)
            continue
        _import_row(run, plan, row, lambda row=row: _register_decision(run, plan, row))


def _import_existing(run, plan):
    """Earlier decisions of a document already in Styrdok, each in its own savepoint, newest
    first (each is superseded by the next newer one)."""
    for row in plan.decisions:
        result = run.results[row.number]
        result.page_id = plan.page.pk
        if row.errors:
            _skip(run, row, row.errors)
            continue
        _import_row(run, plan, row, lambda row=row: _register_decision(run, plan, row))


def _blocked_reason(plan):
    """Why none of a document's rows can be imported, or ""."""
    if plan.failed:
        return plan.failed
    if plan.source.errors:
        return _("%(label)s kunde inte importeras.") % {"label": plan.source.label}
    if plan.parent is not None and plan.parent.page is None:
        return _(
            "Föräldern ”%(title)s” (rad %(row)s) importerades inte, så dokumentet har ingen "
            "plats att ligga på."
        ) % {"title": plan.parent.source.title, "row": plan.parent.source.number}
    return ""


def _import_row(run, plan, row, work):
    """Do `work` for `row` in a savepoint of its own; True if it was imported."""
    mark = run.files.mark()
    result = run.results[row.number]
    try:
        with transaction.atomic():
            work()
    except (RowError, ImportFileError, ZipMemberError) as exc:
        run.files.remove_since(mark)
        _skip(run, row, [f"{row.label}: {exc}"])
        return False
    except ValidationError as exc:
        run.files.remove_since(mark)
        _skip(run, row, [f"{row.label}: {message}" for message in _messages(exc)])
        return False
    except (DatabaseError, PermissionDenied) as exc:
        run.files.remove_since(mark)
        _skip(run, row, [f"{row.label}: {exc}"])
        return False
    result.status = IMPORTED
    return True


def _messages(error):
    if hasattr(error, "message_dict"):
        return [
            message
            for name, messages in error.message_dict.items()
            for message in (
                messages if name == "__all__" else [f"{_field_label(name)}: {m}" for m in messages]
            )
        ]
    return list(error.messages)


def _field_label(name):
    try:
        return str(Styrdokument._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return ""


def _skip(run, row, messages):
    result = run.results[row.number]
    result.status = SKIPPED
    result.messages = list(dict.fromkeys(messages))


# -- one document: its draft ---------------------------------------------------------------------


def _parent_page(plan):
    return plan.parent.page if plan.parent is not None else plan.source.parent


def _create_document(run, plan):
    row = plan.source
    parent = _parent_page(plan).specific
    # Only a document the importer may see is reported: a restricted sibling with the same
    # title does not exist for them, and the new draft takes a free slug (importing.drafts).
    siblings = parent.get_children().exclude(pk__in=hidden_page_ids(run.user))
    if siblings.filter(title__iexact=row.title).exists():
        raise RowError(
            _(
                "Det finns redan ett dokument med titeln ”%(title)s” under ”%(parent)s”; raden "
                "har importerats tidigare eller dokumentet finns redan."
            )
            % {"title": row.title, "parent": parent.title}
        )
    data = run.archive.read(row.member)
    conversion = _convert(run, row, data, draft=True)
    labels = _labels(plan)
    page = create_draft(
        parent,
        conversion,
        run.user,
        page_class=row.page_class,
        overrides=_draft_fields(row, labels["draft"]),
        kind=ImportRecord.Kind.BULK,
    )
    plan.page = page
    result = run.results[row.number]
    result.page_id = page.pk
    result.warnings = list(conversion.warnings)
    if row.historical:
        decision = conversion if _is_docx(row) else _convert(run, row, data, draft=False)
        _create_version(run, plan, row, decision, data, labels[row.number])
    result.kind = HISTORICAL if row.historical else DRAFT


def _is_docx(row):
    return posixpath.splitext(row.member)[1].lower() in (".docx", ".doc")


def _convert(run, row, data, draft):
    """The file's Conversion: Word through importing.docx; a PDF as importing.pdf describes,
    attached to the draft as a file in the documents library when it is the draft's source."""
    name = posixpath.basename(row.member)
    if _is_docx(row):
        return convert_docx(data, name)
    if posixpath.splitext(name)[1].lower() != ".pdf":
        raise RowError(
            _("”%(file)s” är varken ett Word-dokument (.docx) eller en PDF-fil.") % {"file": name}
        )
    if not draft:
        return pdf_conversion(data, name, decision=True)
    pdf_conversion(data, name)  # refuses a file that is no readable PDF before it is stored
    attached = _attach_pdf(run, row, data, name)
    link = f'<a linktype="document" id="{attached.pk}">{escape(name)}</a>'
    return pdf_conversion(data, name, link_html=link)


def _attach_pdf(run, row, data, name):
    root = Collection.get_first_root_node()
    holder = root.get_children().filter(name=IMPORT_COLLECTION).first()
    holder = holder or root.add_child(name=IMPORT_COLLECTION)
    collection = holder.get_children().filter(name=row.title[:255]).first()
    collection = collection or holder.add_child(name=row.title[:255])
    document = get_document_model()(
        title=row.title[:255],
        file=ContentFile(data, name=name),
        collection=collection,
        uploaded_by_user=run.user,
    )
    document.file_size = len(data)
    document.save()
    return document


def _draft_fields(row, version):
    """What the CSV says about the draft; a value the CSV leaves empty may come from the file's
    own front table. Decision date and § are not draft fields: the decision step sets them."""
    values = {
        "title": row.title,
        "document_type": row.document_type,
        "publicity": row.publicity,
        "version": version,
    }
    optional = {
        "decision_body_id": row.decision_body.pk if row.decision_body else None,
        "diarienummer": row.diarienummer,
        "responsible_id": row.responsible.pk if row.responsible else None,
        "responsible_role_id": row.responsible_role.pk if row.responsible_role else None,
        "next_review": row.next_review,
    }
    values.update({name: value for name, value in optional.items() if value})
    return values


def _labels(plan):
    """Version labels: the CSV's, or counted from the oldest decision (1.0, 2.0 …); the draft
    gets the next major version after the newest decision."""
    if plan.existing:
        return _existing_labels(plan)
    labels, used = {}, set()
    for row in sorted(plan.decisions, key=_date_key):
        if row.version:
            used.add(row.version)
    for number, row in enumerate(sorted(plan.decisions, key=_date_key), start=1):
        label = row.version or next_free_label(f"{number}.0", used)
        used.add(label)
        labels[row.number] = label
    majors = [int(label.split(".")[0]) for label in used if re.match(r"^\d+", label)]
    draft = None if plan.source.historical else plan.source.version
    labels["draft"] = draft or next_free_label(f"{max(majors, default=0) + 1}.0", used)
    return labels


def _existing_labels(plan):
    """Decisions older than every version of a document already in Styrdok: the CSV's labels,
    or 0.1, 0.2 … from the oldest, skipping labels the document already uses. Counted once
    per run, so registering the rows one by one does not shift them."""
    if plan.labels is None:
        used = set(
            AdoptedVersion.objects.filter(document=plan.page).values_list("version", flat=True)
        )
        used.update(row.version for row in plan.decisions if row.version)
        labels, minor = {}, 0
        for row in sorted(plan.decisions, key=_date_key):
            if row.version:
                labels[row.number] = row.version
                continue
            minor += 1
            while f"0.{minor}" in used:
                minor += 1
            labels[row.number] = f"0.{minor}"
        plan.labels = labels
    return plan.labels


def _check_older_than_the_documents_versions(plan, row):
    """An existing document's history is only added to before its oldest version: a newer
    decision is taken in Styrdok's workflow, and the chain of versions stays unbroken."""
    oldest = (
        AdoptedVersion.objects.filter(document=plan.page, decision_date__isnull=False)
        .order_by("decision_date", "adopted_at")
        .first()
    )
    if oldest is not None and row.decision_date >= oldest.decision_date:
        raise RowError(
            _(
                "”%(title)s” har redan version %(version)s beslutad %(date)s. Ett tidigare "
                "beslut kan bara läggas till före dokumentets äldsta version; ett nyare beslut "
                "fattas i dokumentets arbetsflöde."
            )
            % {
                "title": plan.page.title,
                "version": oldest.version,
                "date": oldest.decision_date.isoformat(),
            }
        )


# -- one earlier decision: an imported AdoptedVersion -------------------------------------------


def _register_decision(run, plan, row):
    if plan.existing:
        _check_older_than_the_documents_versions(plan, row)
    data = run.archive.read(row.member)
    conversion = _convert(run, row, data, draft=False)
    _create_version(run, plan, row, conversion, data, _labels(plan)[row.number])
    run.results[row.number].kind = HISTORICAL
    run.results[row.number].page_id = plan.page.pk


def _version_content(page, row, conversion, label):
    """The document as this decision adopted it: the file's text with the CSV's decision."""
    content = page.specific.serializable_data()
    content.update(
        {
            "title": row.title,
            "draft_title": row.title,
            "body": conversion.blocks,
            "decision_body": row.decision_body.pk if row.decision_body else None,
            "decision_date": row.decision_date.isoformat() if row.decision_date else None,
            "diarienummer": row.diarienummer,
            "protocol_paragraph": row.paragraph,
            "version": label,
            "publicity": row.publicity,
            "next_review": None,
            "valid_from": row.decision_date.isoformat() if row.decision_date else None,
            "live": False,
        }
    )
    return content


def _refuse_identity_numbers(row, conversion, data):
    """A public decision is shown on the public site, with its original file, once the document
    is in the register: the personnummer guard applies to it as to a public draft."""
    if row.publicity != Publicity.PUBLIC:
        return
    name = posixpath.basename(row.member)
    try:
        file_text = extract_text(name, data)
    except FileTooLargeToCheck as exc:
        raise RowError(too_large_message(exc, name)) from exc
    text = "\n".join(
        [
            row.title,
            name,
            file_text,
            json.dumps(conversion.blocks, ensure_ascii=False),
        ]
    )
    findings = find_identity_numbers(text)
    if findings:
        raise RowError(
            _(
                "”%(file)s” innehåller ett %(kind)s (%(number)s). Ett offentligt beslut visas på "
                "den externa webbplatsen när dokumentet har fastställts: ta bort numret ur filen "
                "eller importera beslutet som Intern."
            )
            % {"file": name, "kind": findings[0].kind, "number": findings[0].masked}
        )


def _create_version(run, plan, row, conversion, data, label):
    """An AdoptedVersion marked imported, superseded by the next newer decision of the document
    (rows are registered newest first, so that one is always free to supersede it)."""
    document = plan.page
    _refuse_identity_numbers(row, conversion, data)
    newer = (
        AdoptedVersion.objects.filter(document=document, decision_date__gt=row.decision_date)
        .order_by("decision_date", "adopted_at")
        .first()
    )
    if AdoptedVersion.objects.filter(document=document, version=label).exists():
        raise RowError(
            _("Dokumentet har redan en version %(version)s; ange en annan version.")
            % {"version": label}
        )
    now = timezone.now()
    version = AdoptedVersion(
        document=document,
        title=row.title,
        version=label,
        decision_body_name=row.decision_body.name if row.decision_body else "",
        decision_date=row.decision_date,
        diarienummer=row.diarienummer,
        protocol_paragraph=row.paragraph,
        publicity=row.publicity,
        adopted_at=now,
        content=_version_content(document, row, conversion, label),
        imported=True,
        original_filename=posixpath.basename(row.member),
        superseded_at=now if newer is not None else None,
        superseded_by=newer,
    )
    version.original_file.save(posixpath.basename(row.member), ContentFile(data), save=False)
    run.files.add(version.original_file)
    version.save()
    log(
        instance=document,
        action=IMPORTED_DECISION,
        user=run.user,
        data={
            "version": label,
            "filename": version.original_filename,
            "body": version.decision_body_name,
            "decision_date": row.decision_date.isoformat(),
            "diarienummer": row.diarienummer,
            "paragraph": row.paragraph,
        },
    )
    result = run.results[row.number]
    result.version = label
    result.warnings.extend(w for w in conversion.warnings if w not in result.warnings)
    return version
