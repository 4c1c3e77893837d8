"""The archival PDF of each adopted version: rendered once, stored, never rewritten.

A superseded version's PDF is the one made when it was adopted: nothing later (a new version, a
renamed body, a departed owner) touches it. A missing file is rendered again from the version's
own snapshot, which gives the same bytes with the same software.
"""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone

from .models import AdoptedVersion, Publicity, Styrdokument
from .pdf import render_template_pdf, w3c_datetime

logger = logging.getLogger(__name__)

# "A table of contents for documents with more than a few headings."
TOC_MIN_HEADINGS = 4


def _date(value):
    return value.strftime("%Y-%m-%d") if value else ""


def superseded_title(page, public):
    """The document this one replaces, as the PDF's readers may know it: by the title it was
    adopted under (public: a public adoption), never if it is restricted to groups, itself or
    through an ancestor. Its current title may have become internal since, so that is not used."""
    other = Styrdokument.objects.filter(pk=page.supersedes_id).visible_to(None).first()
    if other is None:
        return ""
    versions = AdoptedVersion.objects.filter(document_id=other.pk)
    if public:
        versions = versions.filter(publicity=Publicity.PUBLIC)
    adopted = versions.order_by("-adopted_at", "-pk").first()
    return adopted.title if adopted else ""


def supersedes_text(version, page):
    """Ersätter: another document, a note about one outside Styrdok, or the previous version."""
    parts = []
    if page.supersedes_id:
        title = superseded_title(page, public=version.publicity == Publicity.PUBLIC)
        if title:
            parts.append(title)
    if page.supersedes_note:
        parts.append(page.supersedes_note)
    if parts:
        return "; ".join(parts)
    previous = AdoptedVersion.objects.filter(superseded_by=version).first()
    if previous is not None and version.publicity == Publicity.PUBLIC:
        # A public PDF does not describe an internal decision (as the public page does not).
        previous = previous if previous.publicity == Publicity.PUBLIC else None
    if previous is not None:
        text = f"Version {previous.version}, beslutad {_date(previous.decision_date)}"
        return f"{text} ({previous.diarienummer})" if previous.diarienummer else text
    return ""


def _title_block(version, page, organisation, areas):
    """The PDF's first-page table; rows without a value are left out only where a blank would
    mislead (no end date, no förvaltning, no LIS-område)."""
    rows = [
        ("Dokumenttyp", page.document_type_label),
        ("Beslutad av", version.decision_body_name),
        ("Beslutsdatum", _date(version.decision_date)),
        ("Dnr", version.diarienummer),
        ("§", str(version.protocol_paragraph or "")),
        ("Dokumentansvarig", page.responsible_display),
        ("Giltig från", _date(page.valid_from)),
    ]
    if page.valid_until:
        rows.append(("Gäller till", _date(page.valid_until)))
    rows += [
        ("Revideras senast", _date(page.next_review)),
        ("Version", version.version),
        ("Ersätter", supersedes_text(version, page)),
    ]
    if organisation:
        rows.append(("Förvaltning", organisation))
    if areas:
        rows.append(("LIS-område", ", ".join(areas)))
    rows.append(("Publicering", Publicity(version.publicity).label))
    return rows


def _running_footer(version):
    return " · ".join(
        part
        for part in (
            f"Dnr {version.diarienummer}" if version.diarienummer else "",
            f"Beslutad {_date(version.decision_date)}" if version.decision_date else "",
        )
        if part
    )


def version_pdf_context(version):
    page = version.as_page()
    items = page.body_items()
    headings = [item for item in items if item["type"] == "heading"]
    areas = [area.name for area in page.lis_areas.all()]
    organisation = page.organisation.name if page.organisation_id and page.organisation else ""
    title_block = _title_block(version, page, organisation, areas)

    subject = page.summary or (
        f"{page.document_type_label}, beslutad av {version.decision_body_name} "
        f"{_date(version.decision_date)}"
    )
    keywords = [
        "styrdokument",
        page.document_type_label,
        version.decision_body_name,
        version.diarienummer,
        f"version {version.version}",
        organisation,
        *areas,
    ]
    return {
        "page": page,
        "version": version,
        "body_items": items,
        "toc": headings if len(headings) >= TOC_MIN_HEADINGS else [],
        "title_block": title_block,
        "pdf_title": page.title,
        "pdf_subject": subject,
        "pdf_keywords": [keyword for keyword in keywords if keyword],
        "pdf_created": w3c_datetime(version.adopted_at),
        "running_header": f"{page.title} · version {version.version}",
        "running_footer": _running_footer(version),
        # Archived versions carry no review status: the PDF is the decision as made.
        "archived": True,
        "is_intranet": False,
    }


def render_version_pdf(version):
    return render_template_pdf(
        "policies/pdf/adopted_version.html",
        version_pdf_context(version),
        public=version.publicity == Publicity.PUBLIC,
    )


def pdf_is_stored(version):
    return bool(version.pdf) and version.pdf.storage.exists(version.pdf.name)


def store_version_pdf(version, replace=False):
    """Render and store the version's PDF unless it is already there.

    `replace` is only for the current version when its decision is republished (a corrected
    typo); a superseded version is never re-rendered while its file exists.
    """
    if pdf_is_stored(version) and not (replace and version.is_current):
        return version
    rendered = render_version_pdf(version)
    storage = AdoptedVersion._meta.get_field("pdf").storage
    name = f"{version.document_id}/{version.pk}-{version.pdf_filename}"
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(rendered.data))
    fields = {
        "pdf": saved,
        "pdf_sha256": rendered.sha256,
        "pdf_size": len(rendered.data),
        "pdf_pages": rendered.pages,
        "pdf_generated_at": timezone.now(),
        "pdf_error": "",
    }
    AdoptedVersion.objects.filter(pk=version.pk).update(**fields)
    for key, value in fields.items():
        setattr(version, key, value)
    return version


def record_failure(version, exc):
    message = f"{type(exc).__name__}: {exc}"[:2000]
    AdoptedVersion.objects.filter(pk=version.pk).update(pdf_error=message)
    version.pdf_error = message
    logger.exception("Arkiv-PDF för %s kunde inte skapas", version)
