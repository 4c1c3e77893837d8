"""Vocabulary shared by governance and the documents (kept here to avoid import cycles)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    POLICY = "policy", _("Policy")
    PROGRAM = "program", _("Program")
    RIKTLINJE = "riktlinje", _("Riktlinje")
    RUTIN = "rutin", _("Rutin")
    STODANVISNING = "stodanvisning", _("Stödanvisning")


class BodyKind(models.TextChoices):
    ASSEMBLY = "assembly", _("Politiskt organ (beslutar i sammanträde)")
    OFFICIAL = "official", _("Tjänsteperson (beslutar på delegation)")


class OrganisationKind(models.TextChoices):
    KOMMUN = "kommun", _("Kommun")
    FORVALTNING = "forvaltning", _("Förvaltning")
    KONTOR = "kontor", _("Kontor")
    ENHET = "enhet", _("Enhet")


# The ten areas of information-security work used in the national follow-up.
LIS_AREAS = [
    (1, "Funktion för informationssäkerhet"),
    (2, "Ledningens styrning och beslut"),
    (3, "Handlingsplan utifrån nuläget"),
    (4, "Riskhantering"),
    (5, "Informationsklassning"),
    (6, "Incidenthantering"),
    (7, "Kontinuitetsplanering"),
    (8, "Medvetenhet och utbildning"),
    (9, "Säkerhetskrav vid upphandling"),
    (10, "Uppföljning"),
]
