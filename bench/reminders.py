"""Benchmark the daily review reminder run (`manage.py send_review_reminders`) at growing sizes.

    .venv/bin/python bench/reminders.py [--sizes 1000,10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/styrdok_bench \
        .venv/bin/python bench/reminders.py

Creates a throwaway test database (SQLite in memory, or test_<name> on the PostgreSQL server that
DATABASE_URL points at), runs setup_styrdok and generates live documents in bulk: the page rows
are written straight into the tables (no revisions, no search index), which takes seconds for
10,000 documents. The kommun has six förvaltningar with chefs and enheter, 40 dokumentansvariga
(two of them deactivated), two informationssäkerhetssamordnare and the security team's mailbox;
a share of the documents is restricted to a group, has no owner or is under revision. Due dates
are spread so that about a third of the documents are within 60 days of nästa revision or
overdue, the rest later.

For each size the reminders run as cron runs them on two consecutive days, with the locmem email
backend: "yesterday", the first run ever, which catches up with everything due, and "today",
an ordinary day that sends only the steps that came due overnight. For each run it prints the
documents checked, the messages sent, the elapsed time and the SQL queries: the reads, and the
INSERTs that record the sent messages in batches.

Exits with status 1 if the number of reads differs between sizes, or if the records are not
written in bulk (at least 100 rows per INSERT on average): the number of queries must not grow
with the number of documents. The development database is never touched.
"""

import argparse
import datetime
import math
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

# The messages go nowhere: the benchmark measures the run, not a mail server.
settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

FORVALTNINGAR = common.FORVALTNINGAR
TOPICS = [
    "informationssäkerhet",
    "informationsklassning",
    "behörighetshantering",
    "incidenthantering",
    "kontinuitetsplanering",
    "säkerhetskopiering",
    "molntjänster",
    "personuppgiftsbehandling",
    "loggning och uppföljning",
    "mobila enheter",
]
OWNERS = 40
CHUNK = 2000  # documents generated per transaction
MIN_ROWS_PER_INSERT = 100


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="Antal dokument att mäta vid, kommaseparerat och stigande (standard: 1000,10000).",
    )
    args = parser.parse_args()
    try:
        args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes ska vara heltal, t.ex. 1000,10000")
    if not args.sizes or any(s < 100 for s in args.sizes) or args.sizes != sorted(set(args.sizes)):
        parser.error("--sizes ska vara stigande och minst 100")
    return args


class Generator:
    """Adds live riktlinjer in bulk; deterministic, so every run builds the same set."""

    def __init__(self, today):
        from wagtail.models import Page

        from governance.models import Assignment, DecisionBody, Organisation, Role, StyrdokSettings
        from policies.models import RegisterPage, RiktlinjePage

        User = get_user_model()
        self.today = today
        self.rng = random.Random(2027)
        self.register = RegisterPage.objects.get()
        self.body = DecisionBody.objects.get(code="ks")
        self.workflow = self.body.workflow
        self.page_type = ContentType.objects.get_for_model(RiktlinjePage)
        self.base_type = ContentType.objects.get_for_model(Page)
        roles = {role.code: role for role in Role.objects.all()}

        def person(username, first, last, **fields):
            return User.objects.create_user(
                username,
                email=f"{username}@benchkommun.se",
                first_name=first,
                last_name=last,
                password=None,
                **fields,
            )

        kommun = Organisation.objects.create(
            name="Benchkommun", kind="kommun", manager=person("kd", "Karin", "Direktör")
        )
        self.organisations = []
        units = []
        for n, (name, short) in enumerate(FORVALTNINGAR):
            forvaltning = Organisation.objects.create(
                name=name,
                short_name=short,
                kind="forvaltning",
                parent=kommun,
                manager=person(f"chef-{short.lower()}", "Chef", short),
            )
            self.organisations.append(forvaltning)
            for e in (1, 2):
                # Every other enhet has a chef of its own; the rest answer to the förvaltning.
                manager = person(f"chef-{short.lower()}-{e}", "Enhetschef", f"{short} {e}")
                units.append(
                    Organisation.objects.create(
                        name=f"{short} enhet {e}",
                        kind="enhet",
                        parent=forvaltning,
                        manager=manager if (n + e) % 2 else None,
                    )
                )
        self.owners = [person(f"agare{i}", "Dokument", f"Ägare {i}") for i in range(OWNERS)]
        for i, owner in enumerate(self.owners):
            Assignment.objects.create(
                user=owner, role=roles["systemagare"], organisation=units[i % len(units)]
            )
        self.gone = [
            person(f"slutat{i}", "Slutat", f"Ägare {i}", is_active=False) for i in range(2)
        ]
        for i in range(2):
            Assignment.objects.create(
                user=person(f"samordnare{i}", "Sara", f"Samordnare {i}"),
                role=roles["informationssakerhetssamordnare"],
                organisation=kommun,
            )
        self.secret = Group.objects.create(name="Sekretess socialtjänst")
        for owner in self.owners[::5]:
            owner.groups.add(self.secret)
        site_settings = StyrdokSettings.load()
        site_settings.security_team_email = "informationssakerhet@benchkommun.se"
        site_settings.save()
        self.count = 0

    def _due(self):
        """A third within the 60-day window or overdue (up to 150 days), the rest later."""
        if self.rng.random() < 0.35:
            offset = self.rng.randint(-150, 60)
        else:
            offset = self.rng.randint(61, 1000)
        return self.today + datetime.timedelta(days=offset)

    @transaction.atomic
    def _chunk(self, count):
        from wagtail.models import Page, WorkflowState

        from policies.models import RiktlinjePage, Styrdokument

        register = Page.objects.get(pk=self.register.pk)
        published = timezone.now() - datetime.timedelta(days=30)
        pages, documents, restricted, runs = [], [], [], []
        for i in range(count):
            n = self.count + i + 1
            title = f"Riktlinje för {TOPICS[n % len(TOPICS)]} {n}"
            slug = f"riktlinje-{n}"
            pages.append(
                Page(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type=self.page_type,
                    path=Page._get_path(
                        register.path, register.depth + 1, register.numchild + i + 1
                    ),
                    depth=register.depth + 1,
                    numchild=0,
                    url_path=f"{register.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    locale_id=register.locale_id,
                    translation_key=uuid.uuid4(),
                )
            )
        Page.objects.bulk_create(pages)
        Page.objects.filter(pk=register.pk).update(numchild=models.F("numchild") + count)
        for page in pages:
            due = self._due()
            interval = 12 if due < self.today + datetime.timedelta(days=300) else 36
            decided = min(
                due - datetime.timedelta(days=interval * 30),
                self.today - datetime.timedelta(days=5),
            )
            roll = self.rng.random()
            owner = (
                None
                if roll < 0.01
                else self.rng.choice(self.gone)
                if roll < 0.03
                else self.rng.choice(self.owners)
            )
            documents.append(
                RiktlinjePage(
                    page_ptr_id=page.pk,
                    styrdokument_ptr_id=page.pk,
                    document_type="riktlinje",
                    decision_body=self.body,
                    decision_date=decided,
                    diarienummer=f"KS-{decided.year}-{page.pk}",
                    valid_from=decided,
                    review_interval_months=interval,
                    next_review=due,
                    publicity="public" if self.rng.random() < 0.6 else "internal",
                    version="1.0",
                    organisation=self.rng.choice(self.organisations),
                    responsible=owner,
                    summary="Dokumentet beskriver hur kommunen arbetar med området.",
                    body=[],
                )
            )
            if self.rng.random() < 0.05:
                restricted.append(
                    Styrdokument.restricted_to.through(styrdokument_id=page.pk, group=self.secret)
                )
            if self.rng.random() < 0.02:
                runs.append(
                    WorkflowState(
                        content_type=self.page_type,
                        base_content_type=self.base_type,
                        object_id=str(page.pk),
                        workflow=self.workflow,
                        status=WorkflowState.STATUS_IN_PROGRESS,
                        requested_by=self.owners[0],
                    )
                )
        # Styrdokument and RiktlinjePage are multi-table children of Page, which bulk_create
        # refuses; their rows are inserted table by table, as bulk_create would.
        for model in (Styrdokument, RiktlinjePage):
            models.QuerySet(model)._batched_insert(
                documents, fields=model._meta.local_concrete_fields, batch_size=None
            )
        Styrdokument.restricted_to.through.objects.bulk_create(restricted)
        WorkflowState.objects.bulk_create(runs)
        self.count += count

    def grow_to(self, total):
        while self.count < total:
            self._chunk(min(CHUNK, total - self.count))


def measure(day):
    """One run of the reminders on `day`: what it did, its time and its queries."""
    from governance.models import ReviewReminder
    from governance.reminders import ReminderRun

    mail.outbox = []
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = ReminderRun(today=day).execute()
        elapsed = time.perf_counter() - start
    if result.failed:
        raise SystemExit(f"{len(result.failed)} meddelanden misslyckades: {result.failed[0].error}")
    if len(mail.outbox) != len(result.sent):
        raise SystemExit(
            f"{len(result.sent)} skickade enligt körningen, {len(mail.outbox)} i utkorgen"
        )
    sql = [query["sql"].lstrip().upper() for query in queries.captured_queries]
    reads = [query for query in sql if query.startswith("SELECT")]
    inserts = [query for query in sql if query.startswith("INSERT")]
    mail.outbox = []
    return {
        "checked": result.documents_checked,
        "sent": len(result.sent),
        "escalations": result.escalations,
        "seconds": elapsed,
        "reads": len(reads),
        "inserts": len(inserts),
        # BEGIN and COMMIT around each batch of records (outside a transaction)
        "other": len(sql) - len(reads) - len(inserts),
        "rows": ReviewReminder.objects.filter(sent_on=day).count(),
    }


def main():
    args = parse_args()
    from governance.models import ReviewReminder
    from governance.reminders import RECORD_BATCH, ReminderRun
    from policies.models import Styrdokument

    vendor = connection.vendor
    today = timezone.localdate()
    runs = [
        ("I går: första körningen (allt ikapp)", today - datetime.timedelta(days=1)),
        ("I dag: en vanlig dag", today),
    ]
    old_name = common.start_database()
    results = {}
    try:
        generator = Generator(today)
        for size in args.sizes:
            start = time.perf_counter()
            generator.grow_to(size)
            live = Styrdokument.objects.live().count()
            print(
                f"N={size}: {live} dokument genererade på {time.perf_counter() - start:.1f} s; "
                "kör påminnelserna …",
                flush=True,
            )
            if live != size:
                raise SystemExit(f"{live} publicerade dokument, väntat {size}")
            ReviewReminder.objects.all().delete()  # each size starts without history
            ReminderRun(today=today, dry_run=True).execute()  # warm-up: content types, site
            for label, day in runs:
                results[(label, size)] = measure(day)
    finally:
        common.drop_database(old_name)

    print_table([label for label, _day in runs], args.sizes, results, vendor)
    failures = []
    for label, _day in runs:
        reads = {results[(label, size)]["reads"] for size in args.sizes}
        if len(reads) > 1:
            counts = ", ".join(f"N={s}: {results[(label, s)]['reads']}" for s in args.sizes)
            failures.append(f"{label}: antalet läsfrågor växer ({counts})")
        for size in args.sizes:
            r = results[(label, size)]
            if r["inserts"] > math.ceil(r["rows"] / MIN_ROWS_PER_INSERT):
                failures.append(
                    f"{label}, N={size}: {r['inserts']} INSERT för {r['rows']} rader, "
                    f"färre än {MIN_ROWS_PER_INSERT} rader per fråga"
                )
            if r["other"] > 2 * math.ceil(r["rows"] / RECORD_BATCH):
                failures.append(
                    f"{label}, N={size}: {r['other']} andra frågor (BEGIN, COMMIT) för "
                    f"{math.ceil(r['rows'] / RECORD_BATCH)} omgångar poster"
                )
    if failures:
        print("\nFEL: antalet SQL-frågor växer med antalet dokument:")
        for failure in failures:
            print(f"  {failure}")
        return 1
    print(
        "\nOK: läsfrågorna (SELECT) är lika många vid alla storlekar; posterna skrivs i omgångar "
        f"om {RECORD_BATCH} (minst {MIN_ROWS_PER_INSERT} rader per INSERT), inte en fråga per "
        "dokument."
    )
    return 0


def print_table(labels, sizes, results, vendor):
    print()
    print(f"Påminnelsekörning per storlek; databas: {vendor}")
    header = (
        f"{'Körning':<38} {'N':>6} {'kontroll.':>9} {'skickade':>8} {'varav esk.':>10} "
        f"{'sekunder':>8} {'SELECT':>6} {'INSERT':>6} {'övriga':>6} {'rader':>6}"
    )
    print(header)
    print("-" * len(header))
    for label in labels:
        for size in sizes:
            r = results[(label, size)]
            print(
                f"{label:<38} {size:>6} {r['checked']:>9} {r['sent']:>8} {r['escalations']:>10} "
                f"{r['seconds']:>8.2f} {r['reads']:>6} {r['inserts']:>6} {r['other']:>6} "
                f"{r['rows']:>6}"
            )


if __name__ == "__main__":
    sys.exit(main())
