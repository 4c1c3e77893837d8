"""Public views around the documents: the permanent archive of adopted versions."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from .channels import PUBLIC, get_channel
from .models import AdoptedVersion, Publicity, Styrdokument


def adopted_version(request, pk):
    """Every adopted version keeps its own address, readable on the channel it was published to.

    offentlighetsprincipen: a superseded or repealed governing document stays available, clearly
    marked, with its own decision metadata and a link to what replaced it.
    """
    version = get_object_or_404(AdoptedVersion.objects.select_related("superseded_by"), pk=pk)
    document = Styrdokument.objects.filter(pk=version.document_id).first()
    if document is None:
        raise Http404
    if get_channel(request) == PUBLIC:
        if version.publicity != Publicity.PUBLIC or document.restricted_to.exists():
            raise Http404
    elif not Styrdokument.objects.filter(pk=document.pk).visible_to(request.user).exists():
        # Restrictions follow the document as it is now: a restricted document's history is too.
        raise Http404
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
            "current_page": current,
            "body_items": page.body_items(),
            "adopted_versions": list(versions),
        },
    )
