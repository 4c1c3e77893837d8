from django.core.management.base import BaseCommand
from django.db import transaction

from governance.stored_text import clean_stored_text


class Command(BaseCommand):
    help = (
        "Tar bort osynliga styrtecken (t.ex. vertikal tabb, riktningstecken, nollbreddstecken) "
        "ur text som redan är sparad, till exempel text som lästs in direkt i databasen. Samma "
        "regel som när text skrivs in: text på flera rader behåller tabbar och radbrytningar. "
        "Rensar även den senaste versionen av varje sida och versioner som väntar på "
        "schemalagd publicering. Kan köras flera gånger."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Visa bara hur många värden som skulle rensas, per modell och fält. Inget sparas.",
        )

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        with transaction.atomic():
            counts = clean_stored_text(dry_run=dry_run, revisions=True)
        for (label, field), count in sorted(counts.items()):
            self.stdout.write(f"{label} – {field}: {count}")
        total = sum(counts.values())
        if not total:
            self.stdout.write("Inga osynliga styrtecken hittades i sparad text.")
        elif dry_run:
            self.stdout.write(f"Provkörning: {total} värden skulle rensas. Inget har sparats.")
        else:
            self.stdout.write(f"{total} värden har rensats från osynliga styrtecken.")
