from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, object_storage_notes, restore_backup


class Command(BaseCommand):
    help = (
        "Återställer en säkerhetskopia som `manage.py backup` gjort: databasen, de uppladdade "
        "filerna och versionsarkivet. Hela säkerhetskopian kontrolleras mot sin manifest.json "
        "innan något ändras. Skriver över databasen och filmapparna; kräver --yes om de "
        "innehåller något."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Säkerhetskopians mapp (styrdok-backup-…).")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Bekräfta att nuvarande databas och filer skrivs över.",
        )

    def handle(self, *args, **options):
        for note in object_storage_notes():
            self.stderr.write(note)
        try:
            manifest = restore_backup(options["directory"], overwrite=options["yes"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(
                f"Återställningen avbröts av ett filfel: {error}. Rätta felet och kör "
                "återställningen igen."
            ) from None
        self.stdout.write(
            f"Återställt från säkerhetskopian {manifest['created']}: databasen och "
            f"{len(manifest['files']) - 1} filer. Kör `manage.py migrate` och "
            "`manage.py check_archive` om Styrdok har uppgraderats sedan dess."
        )
