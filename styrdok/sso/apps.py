from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SingleSignOnConfig(AppConfig):
    name = "styrdok.sso"
    label = "sso"
    verbose_name = _("Inloggning med kommunens konto")
    default_auto_field = "django.db.models.BigAutoField"
