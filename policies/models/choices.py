"""Closed vocabularies of the document model."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.constants import DocumentType


class Publicity(models.TextChoices):
    PUBLIC = "public", _("Offentlig")
    INTERNAL = "internal", _("Intern")


class ReviewStatus(models.TextChoices):
    CURRENT = "aktuell", _("Aktuell")
    DUE_SOON = "snart", _("Revision snart")
    OVERDUE = "forsenad", _("Försenad")


# The order documents are listed in: the hierarchy, top down.
DOCUMENT_TYPE_RANK = {
    DocumentType.POLICY: 1,
    DocumentType.PROGRAM: 2,
    DocumentType.RIKTLINJE: 3,
    DocumentType.RUTIN: 4,
    DocumentType.STODANVISNING: 5,
}

version_validator = RegexValidator(
    r"^\d{1,3}(\.\d{1,3}){0,2}$",
    _("Ange versionen som siffror, t.ex. 1, 2.0 eller 2.1."),
)
