from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "styrdok.security"
    label = "styrdok_security"
    verbose_name = "Säkerhet"

    def ready(self):
        from .spreadsheets import protect_wagtail_csv_exports

        protect_wagtail_csv_exports()
