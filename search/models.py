"""The search app's own data: the synonym list the samordnare edits (search.synonyms), the words
of each document ("Menade du …") and the ranked search's narrow copy of each document."""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from policies.models import Styrdokument, restrict_to_request

from .synonyms import MAX_TERM_LENGTH, MAX_TERMS, clean_term, lookup_keys, split_terms, term_key

FORBIDDEN_CHARACTERS = set('"<>{}[]\\|*?=;')


class SynonymGroup(models.Model):
    """Terms a reader may use for the same thing, applied to every search.

    One-way groups are for abbreviations: "KF" searches for "kommunfullmäktige" too, while a
    search for "kommunfullmäktige" is not widened to every text mentioning "KF".
    """

    terms = models.TextField(
        _("ord och uttryck"),
        help_text=_(
            "Ett ord eller uttryck per rad (eller åtskilda med komma), till exempel "
            "”distansarbete”, ”hemarbete” och ”arbete hemifrån”. Stora och små bokstäver och "
            "å, ä och ö spelar ingen roll."
        ),
    )
    one_way = models.BooleanField(
        _("bara åt ett håll"),
        default=False,
        help_text=_(
            "För förkortningar: en sökning på det första ordet (till exempel KF) söker också på "
            "de övriga (kommunfullmäktige), men inte tvärtom."
        ),
    )
    note = models.CharField(_("anteckning"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("synonymgrupp")
        verbose_name_plural = _("synonymer")

    def __str__(self):
        terms = self.term_list()
        if self.one_way and len(terms) > 1:
            text = f"{terms[0]} → {', '.join(terms[1:])}"
        else:
            text = ", ".join(terms)
        return Truncator(text).chars(80)

    def term_list(self):
        return [term for term in split_terms(self.terms) if term]

    def clean(self):
        super().clean()
        terms = self.term_list()
        errors = [*self._shape_errors(terms)]
        seen = {}
        for term in terms:
            errors += term_errors(term)
            key = term_key(term)
            if key in seen:
                errors.append(
                    _("”%(term)s” står två gånger (som ”%(other)s”).")
                    % {"term": term, "other": seen[key]}
                )
            seen.setdefault(key, term)
        if not errors:
            errors += self._clashes(terms)
        if errors:
            raise ValidationError({"terms": errors})
        self.terms = "\n".join(terms)

    def _shape_errors(self, terms):
        # Blank lines are ignored; an empty term between commas is a mistake worth telling.
        if any(
            "," in line and not all(clean_term(part) for part in line.split(","))
            for line in (self.terms or "").splitlines()
        ):
            yield _("Ett ord eller uttryck är tomt (två komman i rad eller ett komma sist).")
        if len(terms) < 2:
            yield _(
                "Skriv minst två ord eller uttryck: ordet och det eller de som ska hittas med det."
            )
        if len(terms) > MAX_TERMS:
            yield _("En grupp får ha högst %(max)s ord eller uttryck.") % {"max": MAX_TERMS}

    def _clashes(self, terms):
        """A term looked up in two groups would expand to both: reported, naming the other."""
        mine = {term_key(term): term for term in lookup_keys(terms, self.one_way)}
        errors = []
        others = SynonymGroup.objects.exclude(pk=self.pk).only("terms", "one_way")
        for other in others:
            for term in lookup_keys(other.term_list(), other.one_way):
                if term_key(term) in mine:
                    errors.append(
                        _("”%(term)s” finns redan i synonymgruppen ”%(group)s”.")
                        % {"term": mine[term_key(term)], "group": other}
                    )
        return errors


def term_errors(term):
    """What is wrong with one term, if anything (a list of messages)."""
    if len(term) > MAX_TERM_LENGTH:
        return [
            _("”%(term)s” är för långt (högst %(max)s tecken).")
            % {"term": Truncator(term).chars(30), "max": MAX_TERM_LENGTH}
        ]
    forbidden = FORBIDDEN_CHARACTERS & set(term)
    if forbidden:
        return [
            _("”%(term)s” innehåller tecken som inte kan sökas på: %(chars)s")
            % {"term": term, "chars": " ".join(sorted(forbidden))}
        ]
    if not any(character.isalnum() for character in term):
        return [_("”%(term)s” innehåller inga bokstäver.") % {"term": term}]
    return []


class DocumentWord(models.Model):
    """How often a word occurs in one document's title, summary and text (search.vocabulary).

    "Menade du …" needs the words of the documents a reader may see. Reading every visible
    document's text again whenever one is published took seconds at 10,000 documents; with
    the words kept per document, the reader's vocabulary is one grouped query over the rows of
    the visible documents.
    """

    document = models.ForeignKey(
        "policies.Styrdokument",
        verbose_name=_("dokument"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    word = models.CharField(_("ord"), max_length=40)
    count = models.PositiveIntegerField(_("antal förekomster"))

    class Meta:
        verbose_name = _("ord i dokument")
        verbose_name_plural = _("ord i dokument")
        constraints = [
            models.UniqueConstraint(fields=["document", "word"], name="search_document_word")
        ]

    def __str__(self):
        return f"{self.word} ({self.count})"


class RankedEntryQuerySet(models.QuerySet):
    def for_request(self, request):
        """The entries of the documents the reader of `request` may see: the same rule as
        Styrdokument.objects.for_request, applied by the same function to these columns."""
        return restrict_to_request(self, request)


class RankedEntry(models.Model):
    """One searchable styrdokument as the ranked search reads it (PostgreSQL): its page's live,
    path and title, its publicity, type rank, lower-case title and summary, the three columns
    the search filters on, and its index entry's body and title vectors, in one narrow row
    (the title's for a phrase, which modelsearch matches against `title || body`).

    The ranked search used to join the index entries to the documents and their pages; for a
    word found in thousands of documents reading and hashing their wide rows (the StreamField
    body is in the document's row) cost more than the ranking itself. Here every column it
    needs is in one row next to the vector, behind one GIN index (search.ranking).

    The rows are written by PostgreSQL triggers on the page, document and index-entry tables
    (migration 0009), never by Django: Wagtail's moves and unpublishing, bulk updates, the
    shell and scheduled publishing all change those tables, so every route keeps this copy
    current in the same transaction. On other databases the table stays empty and unused. What
    a reader may see is still decided per request (for_request), and every shown result is
    checked again with document_shown_to_request (search.loading).
    """

    page_id = models.IntegerField(_("sida"), primary_key=True)
    live = models.BooleanField(_("publicerad"))
    publicity = models.CharField(_("offentlighet"), max_length=10)
    path = models.CharField(_("plats i sidträdet"), max_length=255)
    title = models.CharField(_("titel"), max_length=255)
    type_rank = models.PositiveSmallIntegerField(_("typens ordning"))
    ranking_title = models.CharField(_("titel med små bokstäver"), max_length=255)
    ranking_summary = models.TextField(_("sammanfattning med små bokstäver"))
    document_type = models.CharField(_("dokumenttyp"), max_length=20)
    decision_body_id = models.BigIntegerField(_("beslutande organ"), null=True)
    organisation_id = models.BigIntegerField(_("förvaltning"), null=True)
    title_vector = SearchVectorField(_("indexerad titel"), null=True)
    body = SearchVectorField(_("indexerad text"), null=True)

    # The model the search backend indexes, whose query compiler builds the tsquery.
    indexed_model = Styrdokument

    objects = RankedEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("sökpost")
        verbose_name_plural = _("sökposter")
        default_permissions = ()

    def __str__(self):
        return self.title
