from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SingleSignOnIdentity(models.Model):
    """Ties a Styrdok user to one person at the identity provider.

    The IdP's subject (`sub`, stable per person and issuer) is what a later login is matched on,
    so a changed e-mail address or name at the IdP updates the same user instead of creating a
    second one. Only users who have this row are ever deactivated by `deactivate_sso_users`.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sso_identity",
        verbose_name=_("användare"),
    )
    issuer = models.CharField(_("identitetsleverantör"), max_length=255)
    subject = models.CharField(_("identitet hos leverantören"), max_length=255)
    created_by_sso = models.BooleanField(
        _("skapad vid första inloggningen"),
        default=False,
        help_text=_("Användaren skapades av Styrdok när personen loggade in första gången."),
    )
    last_sso_login = models.DateTimeField(_("senaste inloggning med kommunens konto"))
    deactivated_at = models.DateTimeField(
        _("avaktiverad av Styrdok"),
        null=True,
        blank=True,
        help_text=_(
            "Satt när deactivate_sso_users avaktiverade användaren; en ny inloggning med "
            "kommunens konto aktiverar den igen."
        ),
    )

    class Meta:
        verbose_name = _("inloggningsidentitet")
        verbose_name_plural = _("inloggningsidentiteter")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="sso_identity_unique_issuer_subject"
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.subject})"
