"""The pages around the documents: the start page and the register."""

from django.db import router
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PagePermissionTester
from wagtail.search import index

from governance.text_blocks import RichTextBlock

from ..blocks import HeadingBlock, InformationBodyBlock
from ..channels import PUBLIC, get_channel
from ..public_pages import PublicPageForm, PublicTextGuard
from ..register import build_register
from ..visibility import document_shown_to_request
from .choices import Publicity
from .documents import CHILD_LIST_FIELDS, Styrdokument
from .routing import CompiledQuery, ServedPage, compiled_query, route_in_one_query


class RegisterPermissionTester(PagePermissionTester):
    """The register holds only styrdokument, which only a workflow's decision step publishes."""

    def can_publish_subpage(self):
        return False

    def can_submit_for_moderation(self):
        # The register itself is not a styrdokument and is not decided (see has_workflow).
        return False


class HomePage(PublicTextGuard, ServedPage, Page):
    """Startsida: the root of both channels."""

    intro = RichTextField(_("inledning"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    base_form_class = PublicPageForm
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "policies.RegisterPage",
        "policies.InformationPage",
        "policies.ContentPage",
        "policies.AccessibilityStatementPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("startsida")
        verbose_name_plural = _("startsidor")

    def route(self, request, path_components):
        """The whole address in one query rather than two per level (policies.models.routing);
        the start page's own address too, whose query also answers the view-restriction check
        and the menus."""
        return route_in_one_query(self, request, path_components)

    route.styrdok_one_query_route = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["register"] = RegisterPage.objects.live().child_of(self).first()
        context["latest_documents"] = latest_documents(request)
        return context


LATEST = 5  # documents in the start page's "Senast beslutade"
# The statement reads this many times LATEST, so that the reader still gets LATEST when some of
# the newest lie in subtrees hidden from them.
LATEST_OVERFETCH = 2


def _latest(documents):
    return (
        documents.exclude(decision_date__isnull=True)
        .select_related("decision_body", "organisation")
        # Only what the list shows and document_shown checks: the body stays unread.
        .only(*CHILD_LIST_FIELDS)
        .order_by("-decision_date", "title", "pk")
    )


def latest_documents(request):
    """The LATEST most recently decided documents the reader of `request` may see.

    Built on for_request, the start page's list cost 1.5–2 ms of Python on every request (the
    hidden subtrees' condition, compiled each time) for five rows. The newest live documents
    (public ones on the public site) are read instead by a statement compiled once per process
    and prepared, and each is checked with document_shown_to_request, for_request's twin, as
    the search's page of results is. When so many of them are hidden from the reader that
    fewer than LATEST remain, for_request is asked after all."""
    public = get_channel(request) == PUBLIC
    fetch = LATEST * LATEST_OVERFETCH

    def build():
        documents = Styrdokument.objects.live()
        if public:
            documents = documents.filter(publicity=Publicity.PUBLIC)
        return CompiledQuery(_latest(documents)[:fetch])

    query = compiled_query(("latest", public, fetch, router.db_for_read(Styrdokument)), build)
    newest = query.run()
    shown = [document for document in newest if document_shown_to_request(document, request)]
    if len(shown) < LATEST and len(newest) == fetch:
        return list(_latest(Styrdokument.objects.for_request(request))[:LATEST])
    return shown[:LATEST]


class RegisterPage(PublicTextGuard, ServedPage, Page):
    """Styrdokumentregister: every adopted document with its metadata, filterable and sortable."""

    intro = RichTextField(_("inledning"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    base_form_class = PublicPageForm
    parent_page_types = ["policies.HomePage"]
    subpage_types = ["policies.PolicyPage", "policies.RiktlinjePage"]
    max_count = 1

    class Meta:
        verbose_name = _("styrdokumentregister")
        verbose_name_plural = _("styrdokumentregister")

    def permissions_for_user(self, user):
        return RegisterPermissionTester(user, self)

    @property
    def has_workflow(self):
        """Wagtail offers "submit" on a new page only if its parent has a workflow. The documents
        added here are decided by their own body's workflow (Styrdokument.get_workflow), not by one
        attached to the tree, where Styrdok keeps none."""
        return True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(build_register(request, self))
        return context


class InformationPage(PublicTextGuard, ServedPage, Page):
    """Så arbetar kommunen med informationssäkerhet: editable text around live parts.

    The live parts (adopted public documents, roles, contact, latest decision) are blocks the
    editor places; their content always comes from the register and the governance model.
    """

    intro = RichTextField(_("inledning"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(InformationBodyBlock(), verbose_name=_("innehåll"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    base_form_class = PublicPageForm
    parent_page_types = ["policies.HomePage"]
    subpage_types = []

    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("informationssida")
        verbose_name_plural = _("informationssidor")


class ContentPage(PublicTextGuard, ServedPage, Page):
    """A plain page, e.g. the tillgänglighetsredogörelse (accessibility statement)."""

    intro = RichTextField(_("inledning"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(
        [
            ("heading", HeadingBlock()),
            (
                "paragraph",
                RichTextBlock(
                    label=_("Text"),
                    features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
                    template="blocks/paragraph_block.html",
                ),
            ),
        ],
        verbose_name=_("innehåll"),
        blank=True,
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    base_form_class = PublicPageForm
    parent_page_types = ["policies.HomePage"]
    subpage_types = []

    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("innehållssida")
        verbose_name_plural = _("innehållssidor")
