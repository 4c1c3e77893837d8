from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, create_backup, object_storage_notes


class Command(BaseCommand):
    help = (
        "Säkerhetskopierar allt kommunen ska bevara: databasen, de uppladdade filerna "
        "(MEDIA_ROOT) och versionsarkivet med PDF/A-filerna (STYRDOK_ARCHIVE_ROOT), till en ny "
        "mapp styrdok-backup-ÅÅÅÅMMDD-TTMMSS i den angivna mappen, med en manifest.json som "
        "har kontrollsumman (SHA-256) för varje fil. Återställs med `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Mappen där säkerhetskopian skapas.")

    def handle(self, *args, **options):
        for note in object_storage_notes():
            self.stderr.write(note)
        try:
            folder = create_backup(options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Säkerhetskopian kunde inte skrivas: {error}") from None
        self.stdout.write(f"Säkerhetskopian är klar: {folder}")
