from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kvittens.memberships import ImportRefused, import_memberships


class Command(BaseCommand):
    help = (
        "Läser in medarbetarnas tillhörighet (förvaltning eller enhet) från HR-systemets "
        "export: en CSV-fil med användarnamn eller e-post och organisation per rad, åtskilda "
        "med semikolon. Allt eller inget: finns ett fel på någon rad sparas ingenting."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv", help="CSV-filen, t.ex. hr-export.csv.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Kontrollera filen och visa vad som skulle ändras utan att spara något.",
        )

    def handle(self, *args, **options):
        path = Path(options["csv"])
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"Filen ”{path}” finns inte.") from None
        except IsADirectoryError:
            raise CommandError(f"”{path}” är en mapp, inte en CSV-fil.") from None
        except OSError as exc:
            raise CommandError(f"Filen ”{path}” kan inte läsas: {exc.strerror}.") from None
        try:
            result = import_memberships(data, dry_run=options["dry_run"])
        except ImportRefused as refused:
            lines = "\n".join(refused.errors)
            raise CommandError(f"{path.name}: ingenting har sparats.\n{lines}") from None
        self.stdout.write(result.summary(dry_run=options["dry_run"]))
