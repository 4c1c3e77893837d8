import datetime

from django.core.management.base import BaseCommand, CommandError

from operations.runlog import record_run
from revision.reminders import ReminderRun
from revision.signals import reminder_run_finished


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(
            f"Ogiltigt datum ”{value}”. Ange datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-11-23."
        ) from None


class Command(BaseCommand):
    help = (
        "Skickar dagens revisionspåminnelser till dokumentansvariga och eskalerar försenade och "
        "ägarlösa dokument till informationssäkerhetssamordnaren och chefen, som standard i ett "
        "samlat meddelande per mottagare (STYRDOK_REMINDER_DIGEST). Tänkt att köras en gång om "
        "dagen (cron). Bara en körning åt gången arbetar; en andra körning avslutas direkt. Kan "
        "köras flera gånger samma dag utan att något skickas två gånger; missade dagar tas igen "
        "med ett meddelande, inte ett per missat steg. Avslutas med felkod 1 om något meddelande "
        "inte kunde skickas; det skickas då igen nästa körning."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Visa vad som skulle skickas utan att skicka eller registrera något.",
        )
        parser.add_argument(
            "--date",
            help="Kör som om det vore ett annat datum (ÅÅÅÅ-MM-DD), t.ex. för att ta igen en dag.",
        )

    def handle(self, *args, **options):
        # Every real run is in the run log (Rapporter → Körningar, /halsa/), failures included.
        with record_run("send_review_reminders", record=not options["dry_run"]) as log:
            self.remind(log, **options)

    def remind(self, log, **options):
        today = parse_date(options["date"]) if options.get("date") else None
        run = ReminderRun(today=today, dry_run=options["dry_run"])
        result = run.execute()
        log.summary = result.summary()
        log.counts = {
            "documents_checked": result.documents_checked,
            "emails_sent": result.emails_sent,
            "emails_failed": result.emails_failed,
        }
        if result.locked:
            log.summary = "En annan påminnelsekörning pågick redan; inget skickades."
            self.stdout.write(
                "En annan påminnelsekörning pågår redan. Den här körningen avslutas utan att "
                "skicka något; den som pågår skickar dagens påminnelser."
            )
            return
        if not result.dry_run:
            # The daily run is where the layers above do their daily work (reports measures the
            # register's status); a failing receiver never fails the reminders.
            reminder_run_finished.send_robust(sender=ReminderRun, today=result.today)
        verbosity = options["verbosity"]
        if result.dry_run or verbosity >= 2:
            prefix = "Skulle skicka" if result.dry_run else "Skickat"
            for message in result.messages:
                if message.error:
                    continue
                self.stdout.write(f"{prefix}: {message.describe()}")
        for document, recipient in result.no_email:
            self.stderr.write(
                f"Saknar e-postadress: {recipient.name} (för ”{document.title}”). "
                "Lägg in adressen under Användare."
            )
        for message in result.failed:
            self.stderr.write(f"Misslyckades: {message.describe()}: {message.error}")
        if verbosity >= 1 or result.failed:
            self.stdout.write(result.summary())
        if result.emails_failed == 1:
            raise CommandError(
                "1 e-postmeddelande kunde inte skickas. Det är inte registrerat som skickat "
                "och skickas igen vid nästa körning."
            )
        if result.emails_failed:
            raise CommandError(
                f"{result.emails_failed} e-postmeddelanden kunde inte skickas. De är inte "
                "registrerade som skickade och skickas igen vid nästa körning."
            )
