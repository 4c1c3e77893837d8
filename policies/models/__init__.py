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
)
from .site import ContentPage, HomePage, InformationPage, RegisterPage
from .versions import AdoptedVersion

__all__ = [
    "DATE_STATUSES",
    "DOCUMENT_TYPE_RANK",
    "AdoptedVersion",
    "ContentPage",
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
    "review_status_label",
]
