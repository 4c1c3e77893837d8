"""Closed vocabularies of the document model."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.constants import DocumentType


class Publicity(models.TextChoices):
    PUBLIC = "public", _("Offentlig")
    INTERNAL = "internal", _("Intern")


class ReviewStatus(models.TextChoices):
    """Where a document stands in its review cycle, most urgent first in `precedence`."""

    CURRENT = "aktuell", _("Aktuell")
    DUE_SOON = "snart", _("Revision snart")
    OVERDUE = "forsenad", _("Försenad")
    UNDER_REVISION = "under-revision", _("Under revision")
    NO_OWNER = "saknar-agare", _("Saknar ägare")


# The statuses that follow from the dates alone; the public website shows only these (whether a
# draft is in a workflow or the owner has left is internal).
DATE_STATUSES = (ReviewStatus.CURRENT, ReviewStatus.DUE_SOON, ReviewStatus.OVERDUE)


def review_status_label(status, warning_days):
    """'Revision inom 60 dagar' follows the configured threshold; the rest are fixed labels."""
    if not status:
        return ""
    status = ReviewStatus(status)
    if status == ReviewStatus.DUE_SOON and warning_days:
        return _("Revision inom %(days)s dagar") % {"days": warning_days}
    return status.label


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
