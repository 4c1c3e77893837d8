"""Public views around the documents: the permanent archive of adopted versions."""

import contextlib
import logging

from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import parse_etags
from wagtail.documents import get_document_model
from wagtail.documents.views.serve import serve
from wagtail.models import Page, ReferenceIndex

from .archive import pdf_is_stored
from .channels import PUBLIC, get_channel
from .models import AdoptedVersion, Publicity, Styrdokument
from .rich_text import shown_page_ids
from .tasks import generate_adopted_version_pdf

logger = logging.getLogger(__name__)

# A missing archival PDF is asked of the background task at most this often, and readers are
# asked to come back after PDF_RETRY_AFTER_SECONDS.
PDF_QUEUE_SECONDS = 300
PDF_RETRY_AFTER_SECONDS = 30


def visible_version(request, pk):
    """The adopted version and its document, or 404 if this reader may not read it here.

    The public site shows versions adopted as public of documents outside every subtree
    restricted to groups; the intranet shows every version, except of documents in a subtree
    restricted to groups the reader is not in (restrictions follow the document as it is now,
    itself or through an ancestor: a restricted document's history is too).
    """
    version = get_object_or_404(
        AdoptedVersion.objects.select_related("superseded_by", "document"), pk=pk
    )
    document = Styrdokument.objects.filter(pk=version.document_id).first()
    if document is None:
        raise Http404
    public = get_channel(request) == PUBLIC
    if public and version.publicity != Publicity.PUBLIC:
        raise Http404
    # Nobody is the public site's reader: a restriction anywhere above hides the document.
    reader = None if public else request.user
    if not Styrdokument.objects.filter(pk=document.pk).visible_to(reader).exists():
        raise Http404
    if version.imported and not document.live and not _may_edit(request, document):
        # A decision taken before Styrdok, registered by an import, of a document that is not
        # in the register yet: an import publishes nothing, so only its editors see it.
        raise Http404
    return version, document


def _may_edit(request, document):
    user = request.user
    return (
        get_channel(request) != PUBLIC
        and user.is_authenticated
        and document.permissions_for_user(user).can_edit()
    )


def adopted_version(request, pk):
    """Every adopted version keeps its own address, readable on the channel it was published to.

    offentlighetsprincipen: a superseded or repealed governing document stays available, clearly
    marked, with its own decision metadata and a link to what replaced it.
    """
    version, document = visible_version(request, pk)
    versions = document.adopted_versions.select_related("superseded_by")
    if get_channel(request) == PUBLIC:
        versions = versions.filter(publicity=Publicity.PUBLIC)
    page = version.as_page()
    current = document if document.live and document.is_visible_to(request) else None
    return TemplateResponse(
        request,
        "policies/adopted_version.html",
        {
            "page": page,
            "version": version,
            "successor_shown": successor_shown(request, version),
            "current_page": current,
            "body_items": page.body_items(),
            "adopted_versions": list(versions),
            # An archived version has no review status of its own: it is not reviewed, replaced.
            "archived": True,
        },
    )


def successor_shown(request, version):
    """Whether the reader may be told which version replaced this one.

    On the public site only a successor adopted as public is named (its version, date and
    link); a version replaced by an internal one says just "Ersatt". On the intranet the reader
    already sees the whole document, every version included.
    """
    successor = version.superseded_by if version.superseded_by_id else None
    if successor is None:
        return False
    return get_channel(request) != PUBLIC or successor.publicity == Publicity.PUBLIC


def _queue_missing_pdf(version):
    """Ask the background task for a missing PDF, at most once per PDF_QUEUE_SECONDS (so readers
    reloading the page do not fill the queue), and read the version again: with the immediate
    backend (development, tests) the task has already run."""
    key = f"styrdok:arkiv-pdf-beställd:{version.pk}"
    try:
        fresh = cache.add(key, True, timeout=PDF_QUEUE_SECONDS)
    except Exception:
        logger.warning("The cache could not be reached; queueing the PDF anyway", exc_info=True)
        fresh = True
    if fresh:
        try:
            result = generate_adopted_version_pdf.enqueue(version.pk)
        except Exception:
            logger.exception("Arkiv-PDF för %s kunde inte köas", version)
            result = None
        if result is None or result.is_finished:
            with contextlib.suppress(Exception):
                cache.delete(key)
    version.refresh_from_db(fields=["pdf", "pdf_sha256", "pdf_error"])
    return version


def adopted_version_pdf(request, pk):
    """The version's archival PDF: a file read, under the same audience rules as its page.

    A PDF that is missing (never rendered, its task failed, or the file was lost) is never
    rendered in the request: the background task is asked for it and the reader is told, in
    Swedish, that it is being prepared (503 with Retry-After), or that it could not be made.
    """
    version, _document = visible_version(request, pk)
    if not pdf_is_stored(version):
        version = _queue_missing_pdf(version)
    if not pdf_is_stored(version):
        template = (
            "policies/pdf_unavailable.html" if version.pdf_error else "policies/pdf_preparing.html"
        )
        response = TemplateResponse(request, template, {"version": version}, status=503)
        response["Retry-After"] = str(PDF_RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    etag = f'"{version.pdf_sha256}"'
    # A browser may send several ETags, or weak ones (W/"…"): any match is the same bytes.
    sent = {tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))}
    if etag in sent or "*" in sent:
        response = HttpResponseNotModified()
    else:
        response = FileResponse(
            version.pdf.open("rb"),
            content_type="application/pdf",
            filename=version.pdf_filename,
        )
    response["ETag"] = etag
    return response


def serve_document(request, document_id, document_filename):
    """Files follow the pages they belong to.

    On the public site a file exists only while a live page the public site shows uses it in
    its live (adopted or published) content: not a file that no page uses, nor one used only
    by a draft, an unpublished page of any kind, a page with a view restriction or a document
    that is internal or restricted. On the intranet a file used only by documents the reader
    may not see is a 404 too.
    """
    document = get_object_or_404(get_document_model(), id=document_id)
    channel = get_channel(request)
    if channel == PUBLIC and document.collection.get_view_restrictions().exists():
        raise Http404
    referencing = {
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(document)
        .filter(base_content_type__model="page")
        .values_list("object_id", flat=True)
    }
    if channel == PUBLIC:
        if not _used_by_a_public_page(document, referencing, request):
            raise Http404
        return serve(request, document_id, document_filename)
    using_documents = set(
        Styrdokument.objects.filter(pk__in=referencing).values_list("pk", flat=True)
    )
    if using_documents:
        visible = Styrdokument.objects.for_request(request).filter(pk__in=using_documents)
        if not visible.exists():
            raise Http404
    return serve(request, document_id, document_filename)


def _used_by_a_public_page(document, page_ids, request):
    """Whether a page the public site shows uses `document` in the content it shows.

    The reference index is updated by a background task, so it may lag behind a page that no
    longer uses the file; each candidate's own row (for a live page, its published content) is
    therefore checked as well. An index that lags the other way only delays publication.
    """
    shown = shown_page_ids(page_ids, request)
    if not shown:
        return False
    wanted = (ReferenceIndex._get_base_content_type(type(document)).pk, str(document.pk))
    for page in Page.objects.filter(pk__in=shown).specific():
        references = ReferenceIndex._extract_references_from_object(page)
        if any(
            (content_type_id, object_id) == wanted for content_type_id, object_id, *_ in references
        ):
            return True
    return False
