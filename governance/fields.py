import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import DocumentType
from .text_input import no_control_characters


class DocumentTypesField(models.JSONField):
    """A list of document types stored as JSON and edited as checkboxes.

    Portable across SQLite and PostgreSQL (no array type); the vocabulary is the closed
    DocumentType list, so the choices are not part of the migration state.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        unknown = [item for item in value or [] if item not in DocumentType.values]
        if unknown:
            raise ValidationError(
                _("Okänd dokumenttyp: %(values)s."),
                params={"values": ", ".join(map(str, unknown))},
            )

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=DocumentType.choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name,
            help_text=self.help_text,
        )


# -- diarienummer ---------------------------------------------------------------------------

# Any run of spaces, slashes, hyphens or dashes (en, em, minus sign) is one separator.
_DNR_SEPARATORS = re.compile(r"[\s/\-\u2010-\u2015\u2212]+")
# "KS2026-700": a body prefix glued to the year still gets its separator.
_DNR_LETTER_DIGIT = re.compile(r"(?<=[A-ZÅÄÖ])(?=\d)")


def tidy_diarienummer(value):
    """Whitespace and case only: what a kommun with its own numbering still wants normalised."""
    return " ".join(str(value or "").split()).upper()


def canonical_diarienummer(value):
    """The register's one spelling, e.g. "KS-2026-700" or "KS-2026-700-1".

    The register mixed "KS 2026/700" and "KS-2026-700" for the same ärende, so every separator
    a person types (space, slash, en dash) becomes one hyphen and letters become upper case.
    Pattern-independent: whether the result is acceptable is the kommun's pattern's business.
    """
    value = tidy_diarienummer(value)
    if not value:
        return ""
    value = _DNR_SEPARATORS.sub("-", value).strip("-")
    return _DNR_LETTER_DIGIT.sub("-", value)


def normalise_diarienummer(value, pattern):
    """The value to store, or None if neither spelling fits the kommun's pattern.

    The canonical form wins whenever the pattern accepts it; a kommun whose pattern only
    accepts its own separators keeps what was typed, tidied for whitespace and case.
    """
    tidy = tidy_diarienummer(value)
    if not tidy:
        return ""
    for candidate in (canonical_diarienummer(tidy), tidy):
        if re.fullmatch(pattern, candidate):
            return candidate
    return None


def clean_diarienummer(value):
    """Canonicalise against the kommun's configured pattern; a Swedish error names the example."""
    from .models import StyrdokSettings

    return StyrdokSettings.load().clean_diarienummer(value)


class DiarienummerFormField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", _("Diarienummer"))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        value = clean_diarienummer(value) if value else value
        # After the normalisation: a tab or line break is a separator there, not refused.
        no_control_characters(value)
        return value


class DiarienummerField(models.CharField):
    """A diarienummer stored in the kommun's one canonical spelling.

    Normalised and validated in the model's clean and in every form built from it, so the editor,
    the decision steps and the aktualitetsprövning cannot store two spellings of one ärende.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def clean(self, value, model_instance):
        value = self.to_python(value)
        if value:
            value = clean_diarienummer(value)
        return super().clean(value, model_instance)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": DiarienummerFormField, **kwargs})


# -- people ---------------------------------------------------------------------------------


def person_label(user):
    """ "Anna Andersson – Informationssäkerhetssamordnare": how a person is chosen in the editor.

    Usernames mean nothing to the editor choosing a dokumentansvarig; the roles come from the
    person's uppdrag. An inactive person is only listed when already selected, and marked.
    """
    name = user.get_full_name() or user.get_username()
    roles = []
    for assignment in user.assignments.all():
        if assignment.role.name not in roles:
            roles.append(assignment.role.name)
    label = f"{name} – {', '.join(roles)}" if roles else name
    if not user.is_active:
        label = f"{label} {_('(inaktiv)')}"
    return label


def people_queryset(keep=None):
    """Active people by name, plus `keep` (the current choice) so saving never drops it."""
    from .models import Assignment

    shown = models.Q(is_active=True)
    if keep:
        shown |= models.Q(pk=keep)
    assignments = Assignment.objects.select_related("role").order_by(
        "role__sort_order", "role__name"
    )
    return (
        get_user_model()
        .objects.filter(shown)
        .prefetch_related(models.Prefetch("assignments", queryset=assignments))
        .order_by("first_name", "last_name", "username")
    )


def configure_person_field(field, keep=None):
    """Turn a user ModelChoiceField into a chooser of active people by name and role."""
    field.queryset = people_queryset(keep)
    field.label_from_instance = person_label
