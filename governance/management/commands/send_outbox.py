from django.core.management.base import BaseCommand

from governance.locks import run_lock
from governance.outbox import deliver_due
from operations.runlog import record_run


class Command(BaseCommand):
    help = (
        "Skickar de meddelanden i utkorgen (Utskick) som väntar eller ska försökas igen. Tänkt "
        "att köras från cron, t.ex. var femte minut. Bara en körning åt gången arbetar; ett "
        "meddelande skickas aldrig två gånger av två körningar."
    )

    def handle(self, *args, **options):
        # Every run is in the run log (Rapporter → Körningar), failures included.
        with record_run("send_outbox") as log, run_lock("outbox") as held:
            if not held:
                log.summary = "En annan körning av utkorgen pågick redan; inget skickades."
                self.stdout.write(
                    "En annan körning av utkorgen pågår redan. Den här körningen avslutas utan "
                    "att skicka något."
                )
                return
            sent, failed = deliver_due()
            log.summary = f"{sent} skickade, {failed} misslyckades."
            log.counts = {"sent": sent, "failed": failed}
        if options["verbosity"] >= 1 or failed:
            self.stdout.write(
                f"Utkorgen: {sent} skickade, {failed} misslyckades (försöks igen senare)."
            )
