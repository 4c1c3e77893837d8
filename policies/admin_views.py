"""Admin views of one document that are not Wagtail's own: its Beslutshistorik."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from governance.history import decision_history

from .models import Styrdokument


def document_history(request, page_id):
    """Beslutshistorik in the admin, for those who may read the document.

    A document restricted to groups keeps its history from everyone else, as it keeps its page.
    """
    document = get_object_or_404(
        Styrdokument.objects.visible_to(request.user).specific(), pk=page_id
    )
    return TemplateResponse(
        request,
        "policies/decision_history.html",
        {"page": document, "history": decision_history(document)},
    )
