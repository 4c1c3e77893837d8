"""The pages around the documents: the start page and the register."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PagePermissionTester

from .documents import Styrdokument


class RegisterPermissionTester(PagePermissionTester):
    """The register holds only styrdokument, which only a workflow's decision step publishes."""

    def can_publish_subpage(self):
        return False


class HomePage(Page):
    """Startsida: the root of both channels."""

    intro = RichTextField(_("inledning"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("startsida")
        verbose_name_plural = _("startsidor")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["register"] = RegisterPage.objects.live().child_of(self).first()
        context["latest_documents"] = (
            Styrdokument.objects.for_request(request)
            .exclude(decision_date__isnull=True)
            .select_related("decision_body")
            .order_by("-decision_date", "title")[:5]
        )
        return context


class RegisterPage(Page):
    """Styrdokumentregister: every adopted document with its metadata, filterable and sortable."""

    intro = RichTextField(_("inledning"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["policies.HomePage"]
    subpage_types = ["policies.PolicyPage", "policies.RiktlinjePage"]
    max_count = 1

    class Meta:
        verbose_name = _("styrdokumentregister")
        verbose_name_plural = _("styrdokumentregister")

    def permissions_for_user(self, user):
        return RegisterPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from ..register import build_register

        context = super().get_context(request, *args, **kwargs)
        context.update(build_register(request, self))
        return context
