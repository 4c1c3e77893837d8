"""Benchmark the kvittens coverage report (Rapporter → Kvittensläge) against a bare Wagtail
admin report.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/styrdok_bench_kvittens \\
        .venv/bin/python bench/kvittens.py [--sizes 1000x20,10000x200] [--repeat 5]

Creates a throwaway test database (test_<name> on the PostgreSQL server that DATABASE_URL points
at, or SQLite in memory without it), runs setup_styrdok and grows, for each size "staff ×
documents":

* the documents with common.DocumentBuilder (full metadata, each with an adopted version; some
  restricted to a group), under kvittens requirements by type: policyer, program and riktlinjer
  for everyone, rutiner for three of the six förvaltningar, stödanvisningar for a group;
* the staff in bulk: each with a home unit (one of 30 enheter under the förvaltningar, or the
  förvaltning itself; a few with none), 2 % inactive, a tenth in the systemägare group, a few in
  the restricted documents' group;
* about 60 % of each document's audience confirming its version (bulk_create), then ANALYZE.

The report keeps its counts per document in the cache and adds the confirmations made since
(kvittens.coverage); the interleaved rounds measure that, the ordinary case. The first view
after the staff change counts everything afresh: it is timed once after the rounds.

At each size it times, with django.test.Client in this process and interleaved with the same
client's request for Wagtail's own "Låsta sidor" report (common.interleaved: the ratio is the
median of the per-round ratios), the report's first page, the report for one förvaltning and
for "under 80 %", and one document's page (per organisation and the first page of who is
missing) for a document everyone must confirm. It prints each figure (p50 ms), its baseline,
the ratio against the budget (≤ 2×) and the SQL queries of one request, then one timing of
the whole report's XLSX export. Exits with status 1 if a page's query count changes with the
size; the timings never fail the run. The development database is never touched.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

HOST = settings.STYRDOK_INTRANET_HOSTNAME
BARE_ADMIN = "/admin/reports/locked/"
INDEX = "/admin/rapporter/kvittens/"
BUDGET = 2.0
CONFIRMING = 0.6
UNITS_PER_FORVALTNING = 5
ENHETER = ["Stab", "Ekonomi", "Verksamhet norr", "Verksamhet söder", "Service"]


def parse_sizes(parser, text):
    """[(staff, documents)] from "1000x20,10000x200", both ascending."""
    sizes = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            staff, documents = (int(n) for n in part.lower().split("x"))
        except ValueError:
            parser.error("--sizes ska vara personal×dokument, t.ex. 1000x20,10000x200")
        sizes.append((staff, documents))
    ascending = all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(sizes, sizes[1:], strict=False))
    if not sizes or not ascending or any(s < 10 or d < 5 for s, d in sizes):
        parser.error("--sizes ska vara stigande, minst 10 personer och 5 dokument")
    return sizes


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000x20,10000x200",
        help="Personal × dokument att mäta vid, kommaseparerat och stigande "
        "(standard: 1000x20,10000x200).",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="Mätomgångar per storlek (standard: 5)."
    )
    parser.add_argument(
        "--no-export", action="store_true", help="Hoppa över tidtagningen av XLSX-exporten."
    )
    args = parser.parse_args(argv)
    args.sizes = parse_sizes(parser, args.sizes)
    if args.repeat < 1:
        parser.error("--repeat ska vara minst 1")
    return args


class KvittensBuilder:
    """Documents, staff and confirmations, grown in bulk and deterministically."""

    def __init__(self):
        from governance.models import Organisation
        from kvittens.models import Requirement

        self.rng = random.Random(20)
        self.documents = common.DocumentBuilder()
        self.forvaltningar = self.documents.organisations
        self.units = list(self.forvaltningar)
        for forvaltning in self.forvaltningar:
            for name in ENHETER[:UNITS_PER_FORVALTNING]:
                self.units.append(
                    Organisation.objects.create(
                        name=f"{name}, {forvaltning.short_name}", kind="enhet", parent=forvaltning
                    )
                )
        self.systemagare = Group.objects.create(name="Systemägare (bench)")
        self.secret = self.documents.secret
        for document_type in ("policy", "program", "riktlinje"):
            Requirement.objects.create(document_type=document_type, everyone=True)
        Requirement.objects.create(document_type="rutin").organisations.set(self.forvaltningar[:3])
        Requirement.objects.create(document_type="stodanvisning").groups.add(self.systemagare)
        self.staff = 0
        self.seen = {}  # document pk -> highest user pk whose confirmation was decided

    def grow_staff(self, total):
        from kvittens.models import Membership

        User = get_user_model()
        start = self.staff
        rng = self.rng
        users = [
            User(
                username=f"medarbetare{n}",
                email=f"medarbetare{n}@benchkommun.se",
                first_name=rng.choice(["Anna", "Erik", "Maria", "Lars", "Karin", "Johan"]),
                last_name=f"Personsson {n}",
                password="!",
                is_active=rng.random() >= 0.02,
            )
            for n in range(start, total)
        ]
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=2000)
            users = list(User.objects.filter(username__startswith="medarbetare").order_by("pk"))[
                start:
            ]
            Membership.objects.bulk_create(
                (
                    Membership(user=user, organisation=rng.choice(self.units), source="import")
                    for user in users
                    if rng.random() >= 0.03
                ),
                batch_size=2000,
            )
            through = User.groups.through
            through.objects.bulk_create(
                (
                    through(user_id=user.pk, group_id=group.pk)
                    for user in users
                    for group, share in ((self.systemagare, 0.1), (self.secret, 0.02))
                    if rng.random() < share
                ),
                batch_size=2000,
            )
        self.staff = total

    def confirm(self):
        """About 60 % of each document's audience confirm, for the pairs not decided yet."""
        from kvittens.models import Acknowledgement
        from kvittens.services import audience, requirements_for, version_chains
        from policies.models import Styrdokument

        documents = list(Styrdokument.objects.live().order_by("pk"))
        chains = version_chains([document.pk for document in documents])
        rows = 0
        for document in documents:
            chain = chains[document.pk]
            requirements = requirements_for(document)
            if chain.current is None or not requirements:
                continue
            after = self.seen.get(document.pk, 0)
            people = (
                audience(document, requirements)
                .filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", "first_name", "last_name")
            )
            confirmations = []
            for pk, first, last in people:
                after = pk
                if self.rng.random() < CONFIRMING:
                    confirmations.append(
                        Acknowledgement(
                            user_id=pk,
                            user_name=f"{first} {last}",
                            document_id=document.pk,
                            version_id=chain.current.pk,
                        )
                    )
            Acknowledgement.objects.bulk_create(confirmations, batch_size=5000)
            rows += len(confirmations)
            self.seen[document.pk] = after
        return rows

    def grow_to(self, staff, documents):
        self.documents.grow_to(documents)
        self.grow_staff(staff)
        rows = self.confirm()
        common.vacuum_analyze()
        return rows


def make_client():
    from tests.factories import make_user

    client = Client()
    client.force_login(make_user("bench-samordnare", superuser=True))
    return client


def targets(client, builder):
    from kvittens.models import Requirement
    from policies.models import Styrdokument

    everyone = Requirement.objects.filter(everyone=True).values("document_type")
    document = Styrdokument.objects.live().filter(document_type__in=everyone).order_by("pk").first()
    forvaltning = builder.forvaltningar[0]

    def target(label, path, expect=""):
        return common.Target(label, client, path, HOST, expect=expect, bare=BARE_ADMIN)

    return [
        target("Kvittensläge, sida 1", INDEX, "Kvittensläge"),
        target("Kvittensläge, en förvaltning", f"{INDEX}?organisation={forvaltning.pk}"),
        target("Kvittensläge, under 80 %", f"{INDEX}?coverage=80"),
        target(
            "Ett dokument: organisationer och saknas",
            f"{INDEX}dokument/{document.pk}/",
            "Har inte bekräftat",
        ),
    ]


def time_export(client):
    """One request for the whole report's XLSX (both sheets): seconds and the response size."""
    started = time.perf_counter()
    response = client.get(f"{INDEX}?export=xlsx", HTTP_HOST=HOST)
    size = len(b"".join(response.streaming_content))
    return time.perf_counter() - started, size


def time_cold(client, builder):
    """One view of the report right after the staff changed (a new person with a home unit),
    which counts every document afresh instead of bringing its snapshot up to date."""
    from kvittens.models import Membership

    user = get_user_model().objects.create_user(f"nyanstalld{builder.staff}", password=None)
    Membership.objects.create(user=user, organisation=builder.units[0])
    started = time.perf_counter()
    response = client.get(INDEX, HTTP_HOST=HOST)
    assert response.status_code == 200
    return (time.perf_counter() - started) * 1000


def verdict(ratio):
    return f"OK (≤ {BUDGET:.0f}×)" if ratio <= BUDGET else f"ÖVER (> {BUDGET:.0f}×)"


def measure(builder, client, staff, documents, args):
    from kvittens.models import Acknowledgement

    started = time.perf_counter()
    added = builder.grow_to(staff, documents)
    built = time.perf_counter() - started
    pages = targets(client, builder)
    print(
        f"{staff} personer × {documents} dokument: byggt på {built:.1f} s "
        f"({added} nya kvittenser, {Acknowledgement.objects.count()} i allt); "
        f"{len(pages)} sidor × {args.repeat} omgångar mot {BARE_ADMIN} …",
        flush=True,
    )
    results = common.interleaved(pages, args.repeat)
    common.print_rows(
        f"{staff}×{documents}, {connection.vendor}: p50 i ms, baslinje = Wagtails rapport Låsta "
        "sidor i samma omgångar, kvot = median av kvoterna per omgång, frågor (baslinjens)",
        [
            (
                page.label,
                results[page.label].p50,
                results[page.label].baseline_p50,
                results[page.label].ratio,
                f"{results[page.label].queries} ({results[page.label].baseline_queries})",
                verdict(results[page.label].ratio),
            )
            for page in pages
        ],
    )
    print(
        "Första visningen efter en ändring av personalen (räknar alla dokument på nytt): "
        f"{time_cold(client, builder):.0f} ms",
        flush=True,
    )
    if not args.no_export:
        seconds, size = time_export(client)
        print(f"XLSX-export av hela rapporten (båda bladen): {seconds:.1f} s, {size // 1024} kB")
    return results


def main(argv=None):
    args = parse_args(argv)
    old_name = common.start_database()
    by_size = {}
    try:
        builder = KvittensBuilder()
        client = make_client()
        for staff, documents in args.sizes:
            by_size[(staff, documents)] = measure(builder, client, staff, documents, args)
    finally:
        common.drop_database(old_name)
    labels = list(next(iter(by_size.values())))
    print()
    print("Kvot mot Wagtails rapport Låsta sidor och SQL-frågor per anrop, alla storlekar")
    for label in labels:
        cells = "  ".join(
            f"{s}×{d}: {r[label].ratio:.2f}× {r[label].p50:.0f} ms {r[label].queries} frågor"
            for (s, d), r in by_size.items()
        )
        print(f"{label}: {cells}")
    failures = [label for label in labels if len({r[label].queries for r in by_size.values()}) > 1]
    if failures:
        print("\nFEL: antalet SQL-frågor ändras med storleken för: " + ", ".join(failures))
        return 1
    print("\nOK: antalet SQL-frågor per sida är detsamma vid alla storlekar.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
