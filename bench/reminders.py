"""Benchmark the daily review reminder run (`manage.py send_review_reminders`) at growing sizes.

    .venv/bin/python bench/reminders.py [--sizes 1000,10000] [--quick]
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
an ordinary day that sends only the steps that came due overnight. Each pair of days runs twice
on the same documents: first with separate messages (STYRDOK_REMINDER_DIGEST=false, one message
per document and step: the baseline, as Styrdok sent before the digest), then with the default
digest (one message per recipient and run). For each run it prints the documents checked, the
e-mails sent, the CPU seconds of the process, the elapsed time and the SQL queries: the reads,
the INSERTs of the claims and the other statements (the claims' transactions, the sent marks),
and then the digest's figures as a share of the baseline's. Last, each digest run as figure,
baseline and ratio (common.print_rows) against two baselines: the separate messages, and the floor
no run can go below, one plain SELECT of the documents due within 60 days or overdue with their
owners' addresses. `--quick` (make bench) leaves out the separate messages, which take minutes at
10,000 documents (one transaction per message), and keeps the SELECT baseline.

Exits with status 1 if the number of reads differs between sizes, or if the writes are more than
a fixed few per e-mail plus the claims in bulk (at least 50 rows per INSERT): the number of
queries must not grow with the number of documents beyond the rows written. The development
database is never touched.
"""

import argparse
import datetime
import math
import random
import statistics
import sys
import time
import uuid
from collections import Counter
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
MIN_ROWS_PER_INSERT = 50
# The claim (BEGIN/SAVEPOINT, INSERT, COMMIT/RELEASE) and the sent mark (UPDATE) of one e-mail.
WRITES_PER_EMAIL = 4
# Once per run: the lock (SQLite: a row inserted in its own transaction, then deleted) and the
# removal of a killed run's claim.
RUN_WRITES = 8
MODES = [
    ("separata", False, "Separata meddelanden (baslinje)"),
    ("samlade", True, "Ett samlat meddelande per mottagare"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="Antal dokument att mäta vid, kommaseparerat och stigande (standard: 1000,10000).",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Bara samlade meddelanden, mot baslinjen en SELECT av de förfallna dokumenten "
        "(separata meddelanden tar minuter vid 10 000 dokument).",
    )
    args = parser.parse_args()
    args.modes = MODES[1:] if args.quick else MODES
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


class QueryCounter:
    """Counts the statements by their first word. A run with separate messages makes tens of
    thousands, more than Django's query log (CaptureQueriesContext) keeps."""

    def __init__(self):
        self.counts = Counter()

    def __call__(self, execute, sql, params, many, context):
        words = sql.split(None, 1)
        self.counts[words[0].upper() if words else ""] += 1
        return execute(sql, params, many, context)


def measure(day, digest):
    """One run of the reminders on `day`: what it did, its time and its queries."""
    from revision.models import ReviewReminder
    from revision.reminders import ReminderRun

    mail.outbox = []
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        cpu = time.process_time()
        start = time.perf_counter()
        result = ReminderRun(today=day, digest=digest).execute()
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
    if result.failed:
        raise SystemExit(f"{len(result.failed)} meddelanden misslyckades: {result.failed[0].error}")
    if len(mail.outbox) != result.emails_sent:
        raise SystemExit(
            f"{result.emails_sent} skickade enligt körningen, {len(mail.outbox)} i utkorgen"
        )
    recipients = len({address for message in mail.outbox for address in message.to})
    if digest and recipients != result.emails_sent:
        raise SystemExit(f"{result.emails_sent} e-postmeddelanden till {recipients} mottagare")
    total = sum(queries.counts.values())
    reads = queries.counts["SELECT"]
    inserts = queries.counts["INSERT"]
    mail.outbox = []
    return {
        "checked": result.documents_checked,
        "sent": result.emails_sent,
        "items": len(result.sent),
        "escalations": result.escalations,
        "cpu": cpu,
        "seconds": elapsed,
        "reads": reads,
        "inserts": inserts,
        # the claims' transactions, the sent marks, the lock (outside a transaction)
        "other": total - reads - inserts,
        "queries": total,
        "rows": ReviewReminder.objects.filter(sent_on=day, state="sent").count(),
    }


def main():
    args = parse_args()
    from policies.models import Styrdokument
    from revision.models import ReviewReminder
    from revision.reminders import ReminderRun

    vendor = connection.vendor
    today = timezone.localdate()
    runs = [
        ("I går: första körningen (allt ikapp)", today - datetime.timedelta(days=1)),
        ("I dag: en vanlig dag", today),
    ]
    old_name = common.start_database()
    results = {}
    floors = {}
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
            floors[size] = due_select_ms(today)
            for mode, digest, _title in args.modes:
                ReviewReminder.objects.all().delete()  # each size and mode starts without history
                ReminderRun(today=today, dry_run=True).execute()  # warm-up: content types, site
                for label, day in runs:
                    results[(mode, label, size)] = measure(day, digest)
    finally:
        common.drop_database(old_name)

    labels = [label for label, _day in runs]
    for mode, _digest, title in args.modes:
        print_table(title, mode, labels, args.sizes, results, vendor)
    if len(args.modes) > 1:
        print_ratios(labels, args.sizes, results)
    print_figures(labels, args.sizes, results, floors)
    failures = query_failures(args, labels, results)
    if failures:
        print("\nFEL: antalet SQL-frågor växer med antalet dokument:")
        for failure in failures:
            print(f"  {failure}")
        return 1
    print(
        "\nOK: läsfrågorna (SELECT) är lika många vid alla storlekar; varje e-postmeddelande "
        f"kostar högst {WRITES_PER_EMAIL} skrivfrågor (anspråk före sändning, markering efter) "
        f"och anspråken skrivs i omgångar om minst {MIN_ROWS_PER_INSERT} rader per INSERT."
    )
    return 0


def query_failures(args, labels, results):
    """Reads that differ between sizes, writes beyond a few per e-mail plus the claims."""
    failures = []
    for mode, _digest, title in args.modes:
        for label in labels:
            reads = {results[(mode, label, size)]["reads"] for size in args.sizes}
            if len(reads) > 1:
                counts = ", ".join(
                    f"N={s}: {results[(mode, label, s)]['reads']}" for s in args.sizes
                )
                failures.append(f"{title}, {label}: antalet läsfrågor växer ({counts})")
            for size in args.sizes:
                r = results[(mode, label, size)]
                allowed = WRITES_PER_EMAIL * r["sent"] + math.ceil(r["rows"] / MIN_ROWS_PER_INSERT)
                writes = r["inserts"] + r["other"]
                # Once per run: the lock taken and released, the stale claims dropped.
                allowed += RUN_WRITES
                if writes > allowed:
                    failures.append(
                        f"{title}, {label}, N={size}: {writes} skrivfrågor för {r['sent']} "
                        f"e-postmeddelanden och {r['rows']} poster (högst {allowed})"
                    )
    return failures


def due_select_ms(today, rounds=5):
    """The floor: one plain SELECT of the documents due within 60 days or overdue, with their
    owners, as the run must read them at the least (median of `rounds`, ms)."""
    from policies.models import Styrdokument

    soon = today + datetime.timedelta(days=60)
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        list(
            Styrdokument.objects.live()
            .filter(next_review__lte=soon)
            .values_list("pk", "title", "next_review", "responsible__email")
        )
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def print_figures(labels, sizes, results, floors):
    """Each run as figure, baseline and ratio: the digest against separate messages (the same
    documents, the way Styrdok sent before the digest) and against the plain SELECT of the due
    documents (what no run can go below)."""
    rows = []
    for label in labels:
        for size in sizes:
            new = results[("samlade", label, size)]
            ms = new["seconds"] * 1000
            old = results.get(("separata", label, size))
            if old is not None:
                old_ms = old["seconds"] * 1000
                rows.append(
                    (
                        f"{label}, N={size}, mot separata",
                        ms,
                        old_ms,
                        ms / old_ms,
                        new["queries"],
                        "",
                    )
                )
            rows.append(
                (
                    f"{label}, N={size}, mot en SELECT",
                    ms,
                    floors[size],
                    ms / floors[size],
                    new["queries"],
                    "",
                )
            )
    common.print_rows(
        "Påminnelsekörningen (samlat meddelande) i ms mot två baslinjer: separata meddelanden "
        "och en enda SELECT av de förfallna dokumenten",
        rows,
    )


def print_table(title, mode, labels, sizes, results, vendor):
    print()
    print(f"{title}; databas: {vendor}")
    header = (
        f"{'Körning':<38} {'N':>6} {'kontroll.':>9} {'e-post':>7} {'varav esk.':>10} "
        f"{'CPU s':>7} {'sekunder':>8} {'frågor':>6} {'SELECT':>6} {'INSERT':>6} {'övriga':>6} "
        f"{'rader':>6}"
    )
    print(header)
    print("-" * len(header))
    for label in labels:
        for size in sizes:
            r = results[(mode, label, size)]
            print(
                f"{label:<38} {size:>6} {r['checked']:>9} {r['sent']:>7} {r['escalations']:>10} "
                f"{r['cpu']:>7.2f} {r['seconds']:>8.2f} {r['queries']:>6} {r['reads']:>6} "
                f"{r['inserts']:>6} {r['other']:>6} {r['rows']:>6}"
            )


def print_ratios(labels, sizes, results):
    """The digest against the baseline of separate messages, on the same documents."""
    print()
    print("Samlat meddelande jämfört med separata meddelanden (baslinje = 1,00)")
    header = (
        f"{'Körning':<38} {'N':>6} {'e-post':>15} {'kvot':>6} {'CPU s':>13} {'kvot':>6} "
        f"{'frågor':>13} {'kvot':>6}"
    )
    print(header)
    print("-" * len(header))

    def ratio(new, old):
        return f"{new / old:.3f}" if old else "–"

    for label in labels:
        for size in sizes:
            old = results[("separata", label, size)]
            new = results[("samlade", label, size)]
            print(
                f"{label:<38} {size:>6} {old['sent']:>7} → {new['sent']:<5} "
                f"{ratio(new['sent'], old['sent']):>6} {old['cpu']:>5.2f} → {new['cpu']:<5.2f} "
                f"{ratio(new['cpu'], old['cpu']):>6} {old['queries']:>5} → {new['queries']:<5} "
                f"{ratio(new['queries'], old['queries']):>6}"
            )


if __name__ == "__main__":
    sys.exit(main())
