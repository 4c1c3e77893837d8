"""The intranet's "Jag har läst och förstått": a POST from the document page's kvittens box.

Kvittens exists on the intranet only; on the public host every address here is a 404, so the
public site never shows that it exists.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache

from policies.channels import PUBLIC, get_channel
from policies.models import AdoptedVersion, Styrdokument

from .services import confirm as confirm_version


def _refusal(request, document, message, status=400):
    return TemplateResponse(
        request,
        "kvittens/confirm_refused.html",
        {"document": document, "message": message},
        status=status,
    )


def _document_for(request, document_id):
    """The live document the reader may see, or 404 (an unknown, unpublished or restricted
    document does not exist for them)."""
    document = (
        Styrdokument.objects.for_request(request)
        .filter(pk=document_id)
        .defer_streamfields()
        .first()
    )
    if document is None:
        raise Http404
    return document


def _posted_version(request, document):
    raw = (request.POST.get("version") or "").strip()
    if not raw.isdigit():
        raise ValidationError("Formuläret saknar vilken version du har läst. Ladda om sidan.")
    version = AdoptedVersion.objects.filter(pk=int(raw), document=document).first()
    if version is None:
        raise ValidationError(
            "Versionen finns inte för det här dokumentet. Ladda om sidan och försök igen."
        )
    return version


@never_cache
def confirm(request, document_id):
    if get_channel(request) == PUBLIC:
        raise Http404
    document = _document_for(request, document_id)
    if request.method != "POST":
        message = (
            "Bekräfta att du har läst dokumentet med knappen ”Jag har läst och förstått” på "
            "dokumentets sida."
        )
        response = _refusal(request, document, message, status=405)
        response["Allow"] = "POST"
        return response
    try:
        version = _posted_version(request, document)
        confirm_version(request.user, document, version)
    except ValidationError as exc:
        return _refusal(request, document, " ".join(exc.messages))
    return redirect(document.get_url(request) + "#kvittens")
