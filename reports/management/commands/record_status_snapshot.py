from django.core.management.base import BaseCommand

from reports.snapshots import record_daily_snapshot


class Command(BaseCommand):
    help = (
        "Mäter registrets revisionsstatus i dag (i tid, revision snart, försenade, saknar "
        "ansvarig, under revision, per dokumenttyp och förvaltning) och sparar mätningen, så att "
        "den årliga genomgången och startsidan kan visa utvecklingen över året. Tänkt att köras "
        "en gång om dagen (cron); körs den igen samma dag uppdateras dagens mätning, det blir "
        "aldrig två. Bara en körning åt gången arbetar."
    )

    def handle(self, *args, **options):
        result = record_daily_snapshot()
        if result.locked:
            self.stdout.write(
                "En annan statusmätning pågår redan. Den här körningen avslutas utan att mäta."
            )
            return
        if options["verbosity"] >= 1:
            self.stdout.write(result.summary)
