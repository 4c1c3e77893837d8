from .choices import DOCUMENT_TYPE_RANK, Publicity, ReviewStatus
from .documents import (
    PolicyPage,
    RiktlinjePage,
    RutinPage,
    StodanvisningPage,
    Styrdokument,
    StyrdokumentForm,
    StyrdokumentQuerySet,
)
from .site import ContentPage, HomePage, InformationPage, RegisterPage
from .versions import AdoptedVersion

__all__ = [
    "DOCUMENT_TYPE_RANK",
    "AdoptedVersion",
    "ContentPage",
    "InformationPage",
    "HomePage",
    "PolicyPage",
    "Publicity",
    "RegisterPage",
    "ReviewStatus",
    "RiktlinjePage",
    "RutinPage",
    "StodanvisningPage",
    "Styrdokument",
    "StyrdokumentForm",
    "StyrdokumentQuerySet",
]
