import datetime

from django.core.management.base import BaseCommand, CommandError

from kvittens.reminders import KvittensRun
from operations.runlog import record_run


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(
            f"Ogiltigt datum ”{value}”. Ange datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-11-23."
        ) from None


class Command(BaseCommand):
    help = (
        "Skickar ”Läs och bekräfta” till dem som ska bekräfta ett nytt beslut och påminnelser "
        "till dem som ännu inte har bekräftat, ett samlat meddelande per person. Tänkt att "
        "köras en gång om dagen (cron). Bara en körning åt gången arbetar; samma omgång skickas "
        "aldrig två gånger."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Visa vad som skulle skickas utan att skicka eller registrera något.",
        )
        parser.add_argument("--date", help="Kör som om det vore ett annat datum (ÅÅÅÅ-MM-DD).")

    def handle(self, *args, **options):
        today = parse_date(options["date"]) if options.get("date") else None
        with record_run("send_kvittens_reminders", record=not options["dry_run"]) as log:
            result = KvittensRun(today=today, dry_run=options["dry_run"]).execute()
            if result.locked:
                log.summary = "En annan kvittenskörning pågick redan; inget skickades."
                self.stdout.write(
                    "En annan kvittenskörning pågår redan. Den här körningen avslutas utan att "
                    "skicka något."
                )
                return
            log.summary = result.summary()
            log.counts = {
                "documents_checked": result.documents_checked,
                "emails_sent": result.emails_sent,
            }
        self.report(result, options["verbosity"])

    def report(self, result, verbosity):
        if result.dry_run or verbosity >= 2:
            prefix = "Skulle skicka" if result.dry_run else "Skickat"
            for user, items in result.messages:
                titles = ", ".join(f"”{item.document.title}”" for item in items)
                self.stdout.write(f"{prefix} till {user.email}: {titles}")
        for user in result.no_email:
            name = user.get_full_name() or user.get_username()
            self.stderr.write(f"Saknar e-postadress: {name}. Lägg in adressen under Användare.")
        if verbosity >= 1:
            self.stdout.write(result.summary())
