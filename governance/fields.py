from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import DocumentType


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
