"""Tillgänglighetsredogörelse: the accessibility statement in the shape of DIGG's model.

Lagen (2018:1937) om tillgänglighet till digital offentlig service requires every kommun to
publish one, and Myndigheten för digital förvaltning (DIGG), which supervises the law, checks
it against what its model statement contains: who stands behind the site, whether it is fully,
partly or not compliant, every known deficiency, what is exempted and why, how to ask for
content in another way and report a problem, the supervisory authority with a link to its
complaint form, how the site was assessed and when, and when the statement was last updated.
The page therefore has a field for each of those and prints DIGG's headings in DIGG's order
itself, so an editor cannot leave a required part out or rename it away.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from governance.text_blocks import CharBlock, TextBlock

from ..public_pages import PublicPageForm, PublicTextGuard
from .routing import ServedPage

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]

DEFAULT_AUTHORITY = "Myndigheten för digital förvaltning (DIGG)"
DEFAULT_AUTHORITY_URL = "https://www.digg.se/tdosanmalan"
DEFAULT_AUTHORITY_CONTACT = (
    "E-post: info@digg.se. Telefon: 0771-11 44 00. "
    "Post: Myndigheten för digital förvaltning, Box 14, 851 02 Sundsvall."
)
DEFAULT_ALTERNATIVE_TEXT = (
    "<p>Om du behöver innehåll från webbplatsen som inte är tillgängligt för dig, men som är "
    "undantaget från lagens tillämpningsområde enligt beskrivningen nedan, kan du meddela oss "
    "så att vi kan ge dig informationen på ett annat sätt.</p>"
)
DEFAULT_REPORT_TEXT = (
    "<p>Vi strävar hela tiden efter att förbättra webbplatsens tillgänglighet. Om du upptäcker "
    "problem som inte är beskrivna på den här sidan, eller om du anser att vi inte uppfyller "
    "lagens krav, meddela oss så att vi får veta att problemet finns.</p>"
)


ONE_PER_SITE = _("Webbplatsen har redan en tillgänglighetsredogörelse.")


class ComplianceStatus(models.TextChoices):
    """DIGG's three wordings; the statement must use exactly one of them."""

    FULL = "helt", _("Helt förenlig med lagen")
    PARTIAL = "delvis", _("Delvis förenlig med lagen")
    NONE = "inte", _("Inte förenlig med lagen")


COMPLIANCE_SENTENCES = {
    ComplianceStatus.FULL: _(
        "Den här webbplatsen är helt förenlig med lagen (2018:1937) om tillgänglighet till "
        "digital offentlig service."
    ),
    ComplianceStatus.PARTIAL: _(
        "Den här webbplatsen är delvis förenlig med lagen (2018:1937) om tillgänglighet till "
        "digital offentlig service, på grund av de brister som beskrivs nedan."
    ),
    ComplianceStatus.NONE: _(
        "Den här webbplatsen är inte förenlig med lagen (2018:1937) om tillgänglighet till "
        "digital offentlig service. De brister vi känner till beskrivs nedan."
    ),
}


class AssessmentMethod(models.TextChoices):
    SELF = "sjalvskattning", _("Självskattning (intern testning)")
    EXTERNAL = "extern", _("Granskning av extern part")
    BOTH = "bada", _("Självskattning och granskning av extern part")


ASSESSMENT_SENTENCES = {
    AssessmentMethod.SELF: _("Vi har gjort en självskattning (intern testning) av webbplatsen."),
    AssessmentMethod.EXTERNAL: _("Webbplatsen har granskats av en extern part."),
    AssessmentMethod.BOTH: _(
        "Vi har gjort en självskattning (intern testning) av webbplatsen, och den har också "
        "granskats av en extern part."
    ),
}


class DeficiencyBlock(blocks.StructBlock):
    """One known deficiency: what does not work, which success criterion it fails, and when it
    is to be fixed, as DIGG asks for a detailed list rather than a general caveat."""

    problem = TextBlock(
        label=_("Brist"),
        help_text=_("Beskriv vad som inte fungerar och för vem, med vanliga ord."),
    )
    wcag_criterion = CharBlock(
        label=_("WCAG-kriterium"),
        required=False,
        max_length=120,
        help_text=_("Det kriterium som inte uppfylls, t.ex. ”1.4.3 Kontrast (minimum)”."),
    )
    planned_fix = blocks.DateBlock(
        label=_("Planerat åtgärdat"),
        required=False,
        help_text=_("När bristen ska vara åtgärdad. Lämna tomt om det inte är bestämt."),
    )

    class Meta:
        icon = "warning"
        label = _("Känd brist")


class AccessibilityStatementForm(PublicPageForm):
    """The required bedömningsdatum says what is missing, not only that something is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("assessment_date")
        if field is not None:
            field.error_messages["required"] = _(
                "Ange bedömningsdatum: dagen då webbplatsens tillgänglighet senast bedömdes."
            )


class AccessibilityStatementPage(PublicTextGuard, ServedPage, Page):
    """Tillgänglighetsredogörelse for the website, following DIGG's model statement."""

    organisation_name = models.CharField(
        _("organisation som står bakom webbplatsen"),
        max_length=200,
        help_text=_("Kommunens namn, t.ex. ”Exempelkommun”."),
    )
    website_name = models.CharField(
        _("webbplatsens namn"),
        max_length=200,
        help_text=_("Den webbplats redogörelsen gäller, t.ex. ”exempelkommun.se”."),
    )
    intro = RichTextField(
        _("inledning"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Visas efter DIGG:s inledande stycke. Lämna tomt om inget behöver läggas till."
        ),
    )
    compliance_status = models.CharField(
        _("förenlighet med lagen"),
        max_length=10,
        choices=ComplianceStatus.choices,
        default=ComplianceStatus.PARTIAL,
        help_text=_(
            "Hur väl webbplatsen uppfyller lagen (2018:1937) om tillgänglighet till digital "
            "offentlig service. Välj ”helt förenlig” bara om inga brister är kända."
        ),
    )
    compliance_summary = RichTextField(
        _("hur tillgänglig är webbplatsen"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("En kort beskrivning med vanliga ord, t.ex. vilka delar som har brister."),
    )
    deficiencies = StreamField(
        [("deficiency", DeficiencyBlock())],
        verbose_name=_("kända brister"),
        blank=True,
        help_text=_(
            "Varje känd brist för sig: vad som inte fungerar, vilket WCAG-kriterium den gäller "
            "och när den ska vara åtgärdad."
        ),
    )
    disproportionate_burden = RichTextField(
        _("oskäligt betungande anpassning"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Innehåll som undantas enligt 12 § lagen om tillgänglighet till digital offentlig "
            "service, med en tydlig motivering. Lämna tomt om inget undantas."
        ),
    )
    out_of_scope = RichTextField(
        _("innehåll som inte omfattas av lagkraven"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Innehåll som enligt 9 § inte omfattas, t.ex. dokument publicerade före "
            "23 september 2018 eller inspelade sändningar. Lämna tomt om inget sådant finns."
        ),
    )
    alternative_access = RichTextField(
        _("vad kan du göra om du inte kan använda delar av webbplatsen"),
        default=DEFAULT_ALTERNATIVE_TEXT,
        features=RICH_TEXT_FEATURES,
        help_text=_("Hur den som inte kan använda innehållet får det på ett annat sätt."),
    )
    contact_email = models.EmailField(
        _("e-post"),
        blank=True,
        help_text=_("Adressen för synpunkter på tillgängligheten, t.ex. webb@kommun.se."),
    )
    contact_phone = models.CharField(
        _("telefon"),
        max_length=40,
        blank=True,
        help_text=_("Telefonnummer dit man kan ringa om tillgängligheten."),
    )
    contact_form_url = models.URLField(
        _("webbformulär"),
        blank=True,
        help_text=_("Adressen till ett formulär för att rapportera brister, om ni har ett."),
    )
    response_time = models.CharField(
        _("svarstid"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. ”Vi svarar normalt inom fem arbetsdagar.”"),
    )
    report_text = RichTextField(
        _("rapportera brister i webbplatsens tillgänglighet"),
        default=DEFAULT_REPORT_TEXT,
        features=RICH_TEXT_FEATURES,
        help_text=_("Visas före kontaktuppgifterna."),
    )
    authority_name = models.CharField(
        _("tillsynsmyndighet"),
        max_length=200,
        default=DEFAULT_AUTHORITY,
        help_text=_("Myndigheten som har tillsyn över lagen. Ändra bara om tillsynen flyttas."),
    )
    authority_url = models.URLField(
        _("tillsynsmyndighetens anmälningsfunktion"),
        default=DEFAULT_AUTHORITY_URL,
        help_text=_("Där man anmäler bristande tillgänglighet till tillsynsmyndigheten."),
    )
    authority_contact = models.TextField(
        _("tillsynsmyndighetens kontaktuppgifter"),
        default=DEFAULT_AUTHORITY_CONTACT,
        blank=True,
        help_text=_("E-post, telefon och postadress till tillsynsmyndigheten."),
    )
    assessment_method = models.CharField(
        _("bedömningsmetod"),
        max_length=20,
        choices=AssessmentMethod.choices,
        default=AssessmentMethod.SELF,
        help_text=_("Hur webbplatsens tillgänglighet har bedömts."),
    )
    assessment_description = RichTextField(
        _("hur vi testat webbplatsen"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Vilka sidor och funktioner som testats och hur, t.ex. med skärmläsare."),
    )
    assessment_date = models.DateField(
        _("bedömningsdatum"),
        help_text=_("Dagen då webbplatsens tillgänglighet senast bedömdes."),
    )
    website_published = models.DateField(
        _("webbplatsen publicerades"),
        null=True,
        blank=True,
        help_text=_("Dagen då webbplatsen först publicerades."),
    )
    statement_updated = models.DateField(
        _("redogörelsen uppdaterades senast"),
        null=True,
        blank=True,
        help_text=_("Lämna tomt så används dagen då sidan senast publicerades."),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("website_name"), FieldPanel("intro")],
            heading=_("Inledning"),
        ),
        MultiFieldPanel(
            [FieldPanel("compliance_status"), FieldPanel("compliance_summary")],
            heading=_("Hur tillgänglig är webbplatsen?"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("deficiencies"),
                FieldPanel("disproportionate_burden"),
                FieldPanel("out_of_scope"),
            ],
            heading=_("Innehåll som inte är tillgängligt"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("alternative_access"),
                FieldPanel("report_text"),
                FieldRowPanel([FieldPanel("contact_email"), FieldPanel("contact_phone")]),
                FieldPanel("contact_form_url"),
                FieldPanel("response_time"),
            ],
            heading=_("Kontakt och rapportering av brister"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("authority_name"),
                FieldPanel("authority_url"),
                FieldPanel("authority_contact"),
            ],
            heading=_("Tillsyn"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("assessment_method"),
                FieldPanel("assessment_description"),
                FieldRowPanel(
                    [
                        FieldPanel("assessment_date"),
                        FieldPanel("website_published"),
                        FieldPanel("statement_updated"),
                    ]
                ),
            ],
            heading=_("Hur vi testat webbplatsen"),
        ),
    ]
    base_form_class = AccessibilityStatementForm
    parent_page_types = ["policies.HomePage"]
    subpage_types = []
    # One statement per website: the start page is the root of a site.
    max_count_per_parent = 1

    search_fields = Page.search_fields + [
        index.SearchField("compliance_summary"),
        index.SearchField("deficiencies"),
    ]

    class Meta:
        verbose_name = _("tillgänglighetsredogörelse")
        verbose_name_plural = _("tillgänglighetsredogörelser")

    def clean(self):
        super().clean()
        errors = {}
        if not (self.contact_email or self.contact_form_url or self.contact_phone):
            errors["contact_email"] = _(
                "Ange minst ett sätt att rapportera brister: e-post, telefon eller webbformulär."
            )
        if self.compliance_status != ComplianceStatus.FULL and not len(self.deficiencies or []):
            errors["deficiencies"] = _(
                "Beskriv minst en känd brist när webbplatsen inte är helt förenlig med lagen."
            )
        if self.path and self._another_statement_on_the_site():
            errors["title"] = ONE_PER_SITE
        if errors:
            raise ValidationError(errors)

    def minimal_clean(self):
        """Wagtail's check on every save of a draft; one statement per site belongs to it, so a
        second one made in the shell or by an import is refused as the admin refuses it."""
        super().minimal_clean()
        if self.path and self._another_statement_on_the_site():
            raise ValidationError({"title": ONE_PER_SITE})

    def _another_statement_on_the_site(self):
        """Another statement under the same start page (max_count_per_parent, for the admin)."""
        siblings = AccessibilityStatementPage.objects.filter(
            depth=self.depth, path__startswith=self.path[: -self.steplen]
        )
        return siblings.exclude(pk=self.pk).exists()

    @classmethod
    def from_fixture(cls, item):
        """The statement described by a demo fixture's entry, whose keys are the fields (dates
        in ISO form)."""
        fields = {key: value for key, value in item.items() if key != "type"}
        for name in ("assessment_date", "website_published", "statement_updated"):
            if isinstance(fields.get(name), str):
                fields[name] = datetime.date.fromisoformat(fields[name])
        fields.setdefault("show_in_menus", True)
        return cls(**fields)

    @property
    def compliance_sentence(self):
        return COMPLIANCE_SENTENCES[ComplianceStatus(self.compliance_status)]

    @property
    def assessment_sentence(self):
        return ASSESSMENT_SENTENCES[AssessmentMethod(self.assessment_method)]

    @property
    def last_updated(self):
        """The date the statement shows as its latest update: the editor's, or the day the
        page was last published."""
        if self.statement_updated:
            return self.statement_updated
        published = self.last_published_at
        return timezone.localdate(published) if published else None
