"""Store every document's words again for "Menade du …" (search.vocabulary), and the plain text
its search hits are shown from (Styrdokument.plain_text).

Saving a document keeps both up to date; this is for documents written without save() (a
bulk load straight into the tables, a restore from an older version) and is safe to run at any
time: each document's words are replaced in one transaction.
"""

from django.core.management.base import BaseCommand

from search.suggest import invalidate_vocabulary
from search.vocabulary import rebuild


class Command(BaseCommand):
    help = (
        "Läs om alla dokuments ord för sökningens stavningsförslag (”Menade du …”) och texten "
        "som träffarnas utdrag visas ur."
    )

    def handle(self, *args, **options):
        count = rebuild()
        invalidate_vocabulary()
        self.stdout.write(f"Orden i {count} dokument är lästa.")
