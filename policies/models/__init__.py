from .accessibility import AccessibilityStatementPage
from .choices import DATE_STATUSES, DOCUMENT_TYPE_RANK, Publicity, ReviewStatus, review_status_label
from .documents import (
    PolicyPage,
    RequiredDocument,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
    Styrdokument,
    StyrdokumentForm,
    StyrdokumentQuerySet,
    open_workflow_exists,
    restrict_to_request,
)
from .plain_language import AvoidWord, DocumentReadability
from .site import ContentPage, HomePage, InformationPage, RegisterPage
from .versions import AdoptedVersion

__all__ = [
    "DATE_STATUSES",
    "DOCUMENT_TYPE_RANK",
    "AccessibilityStatementPage",
    "AdoptedVersion",
    "AvoidWord",
    "ContentPage",
    "DocumentReadability",
    "InformationPage",
    "HomePage",
    "PolicyPage",
    "Publicity",
    "RegisterPage",
    "RequiredDocument",
    "ReviewStatus",
    "RiktlinjePage",
    "RutinPage",
    "StodanvisningPage",
    "Styrdokument",
    "StyrdokumentForm",
    "StyrdokumentQuerySet",
    "open_workflow_exists",
    "restrict_to_request",
    "review_status_label",
]
