from django.core.management.base import BaseCommand

from governance.setup import ensure_defaults
from policies.setup import ensure_site_structure


class Command(BaseCommand):
    help = (
        "Skapar det varje installation behöver: LIS-områden, roller, beslutande organ, "
        "behörighetsgrupper, startsida, styrdokumentregister och de två webbplatserna. "
        "Kan köras flera gånger; befintliga uppgifter ändras inte, utom webbplatsernas värdnamn "
        "och port, som följer STYRDOK_INTRANET_URL och STYRDOK_PUBLIC_URL."
    )

    def handle(self, *args, **options):
        ensure_defaults()
        home, register = ensure_site_structure()
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Klart: {home.title} med {register.url_path}"))
