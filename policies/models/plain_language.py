"""Klarspråk: the kommun's list of words to avoid, and each document's stored readability.

The list is the kommun's own (seeded by migration 0013 with common myndighetsord): editors see
its words in the editor's Klarspråk panel with the suggested replacement. The readability is
stored when a document is saved (policies.plain_language_admin), so the register export and
the yearly report read a number per document instead of analysing every body.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_FORMS = 20


def split_forms(value):
    return [form.strip() for form in (value or "").replace("\n", ",").split(",") if form.strip()]


class AvoidWord(models.Model):
    """A word or phrase that makes a text harder to read, and what to write instead."""

    word = models.CharField(
        _("ord eller uttryck"),
        max_length=80,
        unique=True,
        help_text=_("Grundformen, t.ex. ”erhålla” eller ”i enlighet med”."),
    )
    forms = models.CharField(
        _("andra former"),
        max_length=400,
        blank=True,
        help_text=_(
            "Böjningsformer som också ska hittas, åtskilda med komma, t.ex. ”erhåller, erhöll, "
            "erhållit”. Stora och små bokstäver spelar ingen roll."
        ),
    )
    suggestion = models.CharField(
        _("skriv hellre"),
        max_length=200,
        help_text=_("Ett eller flera vardagliga alternativ, t.ex. ”få”."),
    )
    comment = models.CharField(
        _("kommentar"),
        max_length=300,
        blank=True,
        help_text=_("Visas för redaktören, t.ex. när ordet ändå kan behövas."),
    )

    class Meta:
        ordering = ["word"]
        verbose_name = _("ord att undvika")
        verbose_name_plural = _("ord att undvika")

    def __str__(self):
        return f"{self.word} → {self.suggestion}"

    def form_list(self):
        return split_forms(self.forms)

    def clean(self):
        super().clean()
        self.word = " ".join((self.word or "").split())
        errors = {}
        if self.word and not any(character.isalpha() for character in self.word):
            errors["word"] = _("Ordet måste innehålla bokstäver.")
        forms = self.form_list()
        if len(forms) > MAX_FORMS:
            errors["forms"] = _("Ange högst %(max)s former.") % {"max": MAX_FORMS}
        elif any(not any(character.isalpha() for character in form) for form in forms):
            errors["forms"] = _("Varje form måste innehålla bokstäver.")
        if self.word and AvoidWord.objects.exclude(pk=self.pk).filter(word__iexact=self.word):
            errors["word"] = _("”%(word)s” finns redan i listan.") % {"word": self.word}
        if errors:
            raise ValidationError(errors)
        self.forms = ", ".join(forms)


class DocumentReadability(models.Model):
    """The readability of a document's saved text (the live text once it is published)."""

    document = models.OneToOneField(
        "policies.Styrdokument",
        verbose_name=_("styrdokument"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="readability",
    )
    lix = models.FloatField(_("LIX"), null=True, blank=True)
    words = models.PositiveIntegerField(_("ord"), default=0)
    sentences = models.PositiveIntegerField(_("meningar"), default=0)
    long_words = models.PositiveIntegerField(_("långa ord"), default=0)
    updated_at = models.DateTimeField(_("beräknad"), auto_now=True)

    class Meta:
        verbose_name = _("läsbarhet")
        verbose_name_plural = _("läsbarhet")

    def __str__(self):
        return f"LIX {self.lix}" if self.lix is not None else "LIX –"
