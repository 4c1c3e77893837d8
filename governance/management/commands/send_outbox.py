from django.core.management.base import BaseCommand

from governance.locks import run_lock
from governance.outbox import deliver_due


class Command(BaseCommand):
    help = (
        "Skickar de meddelanden i utkorgen (Utskick) som väntar eller ska försökas igen. Tänkt "
        "att köras från cron, t.ex. var femte minut. Bara en körning åt gången arbetar; ett "
        "meddelande skickas aldrig två gånger av två körningar."
    )

    def handle(self, *args, **options):
        with run_lock("outbox") as held:
            if not held:
                self.stdout.write(
                    "En annan körning av utkorgen pågår redan. Den här körningen avslutas utan "
                    "att skicka något."
                )
                return
            sent, failed = deliver_due()
        if options["verbosity"] >= 1 or failed:
            self.stdout.write(
                f"Utkorgen: {sent} skickade, {failed} misslyckades (försöks igen senare)."
            )
