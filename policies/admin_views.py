"""Admin views of one document that are not Wagtail's own: its Beslutshistorik."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from governance.history import decision_history

from .models import Styrdokument


def document_breadcrumbs(view, page, *items):
    """Home › the document (its editor) › the screen: the path every per-document screen shows."""
    return [
        *view.breadcrumbs_items,
        {"url": reverse("wagtailadmin_pages:edit", args=[page.pk]), "label": page.title},
        *items,
    ]


class DocumentHistoryView(WagtailAdminTemplateMixin, TemplateView):
    """Beslutshistorik in the admin, for those who may read the document.

    A document restricted to groups keeps its history from everyone else, as it keeps its page:
    the check is the document's visibility (a 404), not a permission.
    """

    template_name = "policies/decision_history.html"
    page_title = _("Beslutshistorik")
    header_icon = "history"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page = get_object_or_404(
            Styrdokument.objects.visible_to(request.user).specific(), pk=kwargs["page_id"]
        )

    def get_page_subtitle(self):
        return self.page.title

    def get_breadcrumbs_items(self):
        return document_breadcrumbs(self, self.page, {"url": "", "label": self.page_title})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"page": self.page, "history": decision_history(self.page)})
        return context
