"""`manage.py visa_epost` (`make mail`): the e-mail the development server has sent.

In development Django's file backend writes every message to EMAIL_FILE_PATH (var/mail/) instead
of sending it, so a developer can follow a decision or a reminder run and click the links in the
messages. This command reads those files back, newest first.
"""

import datetime
import email
import email.policy
import email.utils
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
LINK = re.compile(r"https?://[^\s<>\"')]+")


def read_messages(folder):
    """Every message in the folder's .log files as (sent, message), newest first."""
    found = []
    for order, path in enumerate(sorted(Path(folder).glob("*.log"))):
        data = path.read_bytes()
        for position, chunk in enumerate(data.split(SEPARATOR)):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk, policy=email.policy.default)
            try:
                sent = email.utils.parsedate_to_datetime(message["Date"])
            except (TypeError, ValueError):
                sent = None
            if sent is not None and sent.tzinfo is None:
                # Django writes "-0000" (UTC, no local offset) unless EMAIL_USE_LOCALTIME is set.
                sent = sent.replace(tzinfo=datetime.UTC)
            found.append((sent, (order, position), message))
    # Newest first; messages with the same second keep the order they were written in, reversed.
    found.sort(key=lambda item: (item[0].timestamp() if item[0] else 0, item[1]), reverse=True)
    return [(sent, message) for sent, _order, message in found]


def header(message, name):
    """The decoded header on one line (long subjects are folded, encoded words leave spaces)."""
    return " ".join(str(message.get(name, "")).split())


def text_of(message):
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


class Command(BaseCommand):
    help = (
        "Visar e-post som Styrdok har skickat i utvecklingsmiljön (filerna i EMAIL_FILE_PATH, "
        "som standard var/mail/), nyaste först: när, till vem, ämne och länkarna i meddelandet. "
        "Med --hela visas hela texten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--antal",
            type=int,
            default=20,
            help="Hur många meddelanden som visas (standard 20, 0 = alla).",
        )
        parser.add_argument("--hela", action="store_true", help="Visa hela texten i meddelandena.")
        parser.add_argument(
            "--till", default="", help="Visa bara meddelanden till den här adressen."
        )

    def handle(self, *args, **options):
        if options["antal"] < 0:
            raise CommandError("--antal kan inte vara negativt.")
        backend = settings.EMAIL_BACKEND
        folder = getattr(settings, "EMAIL_FILE_PATH", None)
        if backend != FILE_BACKEND or not folder:
            self.stdout.write(
                f"E-post sparas inte i filer här (EMAIL_BACKEND={backend}). I utvecklingsmiljön "
                "skrivs den till var/mail/ när EMAIL_BACKEND inte är satt; se README, "
                "”E-post i utvecklingsmiljön”."
            )
            return
        if not Path(folder).is_dir():
            self.stdout.write(f"Inga utskick ännu: mappen {folder} finns inte.")
            return
        messages = read_messages(folder)
        wanted = options["till"].strip().lower()
        if wanted:
            messages = [
                (sent, message)
                for sent, message in messages
                if wanted in str(message.get("To", "")).lower()
            ]
        if not messages:
            self.stdout.write(f"Inga utskick i {folder}.")
            return
        total = len(messages)
        if options["antal"]:
            messages = messages[: options["antal"]]
        self.stdout.write(f"{total} utskick i {folder}, nyaste först:\n")
        for sent, message in messages:
            self.write_message(sent, message, full=options["hela"])
        if len(messages) < total:
            self.stdout.write(f"… och {total - len(messages)} äldre (visa alla med --antal 0).")

    def write_message(self, sent, message, full):
        when = timezone.localtime(sent).strftime("%Y-%m-%d %H:%M") if sent else "okänt datum"
        self.stdout.write(self.style.MIGRATE_HEADING(f"{when}  {header(message, 'Subject')}"))
        self.stdout.write(f"  Till: {header(message, 'To')}")
        body = text_of(message)
        if full:
            self.stdout.write("")
            for line in body.splitlines():
                self.stdout.write(f"  {line}")
        else:
            for link in dict.fromkeys(LINK.findall(body)):
                self.stdout.write(f"  {link}")
        self.stdout.write("")
