"""StreamField blocks for the body of a styrdokument."""

from django.db import models
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from governance.constants import DocumentType
from governance.models import Role, StyrdokSettings
from governance.text_blocks import CharBlock, RichTextBlock, TextBlock

from .text import block_texts, stored_value


class ReaderText:
    """Hands Wagtail's search index the text policies.text reads from the block (a heading's
    level, a role or a linked document are no words of it), so the index, the snippets and the
    vocabulary agree; and reads it from the stored value, fetching nothing the block points to."""

    def get_searchable_content(self, value):
        return block_texts(self, stored_value(self, value))


class HeadingBlock(ReaderText, blocks.StructBlock):
    text = CharBlock(label=_("Rubrik"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Nivå"),
        choices=[("h2", _("Rubrik 2")), ("h3", _("Rubrik 3")), ("h4", _("Rubrik 4"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Rubrik")
        template = "blocks/heading_block.html"


class RequirementBlock(ReaderText, blocks.StructBlock):
    """A numbered "ska"-krav. Its anchor comes from the block's own id, so links survive edits."""

    reference = CharBlock(
        label=_("Egen kravbeteckning"),
        required=False,
        max_length=20,
        help_text=_("Valfritt, t.ex. K4. Lämnas tomt numreras kravet automatiskt."),
    )
    text = RichTextBlock(
        label=_("Krav"),
        features=["bold", "italic", "link", "document-link", "ol", "ul"],
        help_text=_(
            "Formulera kravet med 'ska', t.ex. 'Varje system ska ha en utsedd systemägare.'"
        ),
    )

    class Meta:
        icon = "tick-inverse"
        label = _("Krav (ska-krav)")
        template = "blocks/requirement_block.html"


class ResponsibilityRowBlock(ReaderText, blocks.StructBlock):
    role = SnippetChooserBlock("governance.Role", label=_("Roll"))
    responsibility = TextBlock(label=_("Ansvar"))


class ResponsibilityTableBlock(ReaderText, blocks.StructBlock):
    caption = CharBlock(label=_("Tabellrubrik"), required=False, max_length=200)
    rows = blocks.ListBlock(ResponsibilityRowBlock(), label=_("Roller och ansvar"), min_num=1)

    class Meta:
        icon = "table"
        label = _("Roller och ansvar")
        template = "blocks/responsibility_table_block.html"


class DefinitionBlock(ReaderText, blocks.StructBlock):
    term = CharBlock(label=_("Begrepp"), max_length=120)
    definition = TextBlock(label=_("Förklaring"))


class DefinitionListBlock(ReaderText, blocks.StructBlock):
    items = blocks.ListBlock(DefinitionBlock(), label=_("Begrepp"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Definitioner")
        template = "blocks/definition_list_block.html"


class VisiblePageChooserBlock(blocks.PageChooserBlock):
    """PageChooserBlock whose comparison of two versions never names a document hidden from the
    person comparing (policies.choosers; its chooser obeys the same rule). Stored and migrated
    as Wagtail's own block: only the comparison differs."""

    def get_comparison_class(self):
        from .choosers import VisiblePageBlockComparison

        return VisiblePageBlockComparison

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return "wagtail.blocks.PageChooserBlock", args, kwargs


class DocumentReferenceBlock(ReaderText, blocks.StructBlock):
    """A link to another styrdokument; a page link keeps working when the page moves."""

    page = VisiblePageChooserBlock(label=_("Styrdokument"), page_type=["policies.Styrdokument"])
    note = CharBlock(label=_("Kommentar"), required=False, max_length=255)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["reference_page"] = self.visible_page(value, context.get("request"))
        return context

    @staticmethod
    def visible_page(value, request):
        """The referenced document if this reader may open it, else None: a reference never
        names an internal document on the public site, nor a restricted one to staff outside
        its groups. Without a request, only what the public site shows."""
        from .channels import PUBLIC
        from .models import Styrdokument
        from .visibility import document_shown_to_request

        page = value.get("page")
        if page is None:
            return None
        if request is None:
            return Styrdokument.objects.for_channel(PUBLIC).filter(pk=page.pk).first()
        # The page was read from the database with the stream (one query for all references),
        # so the reader's rule is applied to it in memory (document_shown, for_request's twin).
        return page if document_shown_to_request(page, request) else None

    class Meta:
        icon = "doc-full"
        label = _("Hänvisning till styrdokument")
        template = "blocks/document_reference_block.html"


class LegalReferenceBlock(ReaderText, blocks.StructBlock):
    title = CharBlock(
        label=_("Titel"), max_length=255, help_text=_("T.ex. Offentlighets- och sekretesslagen")
    )
    designation = CharBlock(
        label=_("Beteckning"), required=False, max_length=60, help_text=_("T.ex. SFS 2009:400")
    )
    url = blocks.URLBlock(label=_("Länk"), required=False)

    class Meta:
        icon = "link-external"
        label = _("Hänvisning till lag eller standard")
        template = "blocks/legal_reference_block.html"


class DocumentBodyBlock(ReaderText, blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = RichTextBlock(
        label=_("Text"),
        features=["bold", "italic", "link", "document-link", "ol", "ul"],
        template="blocks/paragraph_block.html",
    )
    requirement = RequirementBlock()
    responsibility_table = ResponsibilityTableBlock()
    definitions = DefinitionListBlock()
    document_reference = DocumentReferenceBlock()
    legal_reference = LegalReferenceBlock()


def heading_anchor(text):
    return slugify(text) or "rubrik"


def requirement_anchor(block_id, reference=""):
    if reference:
        return f"krav-{slugify(reference)}"
    return f"krav-{str(block_id)[:8]}"


# -- the public information page ------------------------------------------------------------


def document_type_choices():
    return DocumentType.choices


class LivePartBlock(ReaderText, blocks.StructBlock):
    """A part of a page filled from the register or the governance model, never typed by hand."""

    heading = CharBlock(label=_("Rubrik"), max_length=200)
    intro = TextBlock(label=_("Inledande text"), required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context.update(self.live_data(value))
        return context

    def live_data(self, value):
        return {}


class AdoptedDocumentsBlock(LivePartBlock):
    document_type = blocks.ChoiceBlock(
        label=_("Dokumenttyp"),
        required=False,
        choices=document_type_choices,
        help_text=_("Lämna tomt för att visa alla typer."),
    )

    def live_data(self, value):
        from .models import Styrdokument

        documents = (
            Styrdokument.objects.for_channel("public")
            .select_related("decision_body")
            .with_type_rank()
            .order_by("type_rank", "title")
        )
        if value.get("document_type"):
            documents = documents.filter(document_type=value["document_type"])
        return {"documents": documents}

    class Meta:
        icon = "doc-full"
        label = _("Fastställda offentliga styrdokument")
        template = "blocks/adopted_documents_block.html"


class RolesBlock(LivePartBlock):
    def live_data(self, value):
        return {"roles": Role.objects.filter(show_publicly=True)}

    class Meta:
        icon = "group"
        label = _("Roller och ansvar")
        template = "blocks/roles_block.html"


class SecurityContactBlock(LivePartBlock):
    def live_data(self, value):
        return {"security_email": StyrdokSettings.load().security_team_email}

    class Meta:
        icon = "mail"
        label = _("Kontakt med informationssäkerhetsfunktionen")
        template = "blocks/security_contact_block.html"


class LastUpdatedBlock(LivePartBlock):
    def live_data(self, value):
        from .models import Styrdokument

        latest = Styrdokument.objects.for_channel("public").aggregate(
            adopted=Max("decision_date"), count=models.Count("pk")
        )
        return {"last_adopted": latest["adopted"], "document_count": latest["count"]}

    class Meta:
        icon = "date"
        label = _("Senast beslutat")
        template = "blocks/last_updated_block.html"


class InformationBodyBlock(ReaderText, blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = RichTextBlock(
        label=_("Text"),
        features=["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul"],
        template="blocks/paragraph_block.html",
    )
    adopted_documents = AdoptedDocumentsBlock()
    roles = RolesBlock()
    security_contact = SecurityContactBlock()
    last_updated = LastUpdatedBlock()
