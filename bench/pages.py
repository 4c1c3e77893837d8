"""Benchmark the document page, the register and the API against a bare Wagtail page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/styrdok_bench_pages \\
        .venv/bin/python bench/pages.py [--sizes 200,2000,10000] [--repeat 5] [--quick]
        [--only Dokumentsida,standard] [--with-page-cache]

Creates a throwaway test database (test_<name> on the PostgreSQL server that DATABASE_URL points
at, or SQLite in memory without it), runs setup_styrdok, adds a bare `wagtailcore.Page` under
the home page (so on both sites) and grows the register to each size with common.DocumentBuilder
(full metadata, written in bulk). At each size it measures, with django.test.Client in this
process, each request interleaved with the same client's request for the bare page (common.
interleaved: the ratio is the median of the per-round ratios):

* one document page (a public riktlinje with rutiner under it), public (anonymous) and intranet
  (an employee);
* the register (/styrdokument/) on both channels: the default listing, each filter (typ, organ,
  forvaltning, omrade, status) and each other sort, on page 1 and page 20 (or the last page,
  when a listing has fewer than 20 pages at that size);
* the start page (/), with the latest decisions, on both channels;
* the read-only API (/api/v2/pages/): the listing and the document's detail, on both channels.

It prints, per size, each figure (p50 ms), its baseline (the bare page's p50 in the same rounds),
the ratio and the SQL queries of one request, marks the issue's targets (document ≤ 1.5× and ≤ 12
queries, register ≤ 2×) and then the ratios and query counts of all sizes side by side.

The public page cache is switched off in this process (it would answer the anonymous requests
from a stored copy; --with-page-cache keeps it): this benchmark measures rendering, the
throughput benchmark measures the cache. --only keeps the requests whose label contains one of
the given texts (tests/test_bench_smoke.py runs a few at a tiny size).

Exits with status 1 if a request's query count changes with the number of documents (a page
beyond the first is compared with pages beyond the first only); the timings never fail the run,
they are too noisy on a shared machine. The development database is never touched.
"""

import argparse
import math
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

INTRANET_HOST = settings.STYRDOK_INTRANET_HOSTNAME
PUBLIC_HOST = settings.STYRDOK_PUBLIC_HOSTNAME
REGISTER = "/styrdokument/"
PAGE_SIZE = 25
DEEP_PAGE = 20
RESULT_COUNT = re.compile(r'class="result-count"[^>]*>\s*(\d+)')

DOCUMENT_RATIO, DOCUMENT_QUERIES, REGISTER_RATIO = 1.5, 12, 2.0
SORTS = ["titel", "-titel", "-beslutsdatum", "beslutsdatum", "revision", "-revision"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="200,2000,10000",
        help="Antal dokument att mäta vid, kommaseparerat och stigande (standard: 200,2000,10000).",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="Antal mätomgångar per storlek; varje omgång tar varje sida en gång (standard: 5).",
    )
    parser.add_argument(
        "--with-page-cache",
        action="store_true",
        help="Behåll sidcachen: anonyma externa sidor kan då komma ur cachen i stället för att "
        "renderas (standard: sidcachen tas bort i mätprocessen).",
    )
    parser.add_argument(
        "--only",
        default="",
        help="Mät bara sidor vars namn innehåller någon av dessa texter, kommaseparerade "
        "(t.ex. Dokumentsida,standard).",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="Färre mätomgångar (3) för make bench; storlekarna som angivna.",
    )
    args = parser.parse_args(argv)
    args.sizes = common.parse_sizes(parser, args.sizes, 20)
    args.only = [text.strip() for text in args.only.split(",") if text.strip()]
    if args.quick:
        args.repeat = min(args.repeat, 3)
    if args.repeat < 1:
        parser.error("--repeat ska vara minst 1")
    return args


def register_filters(builder):
    """One value of each filter that matches a fair share of the documents."""
    return [
        ("typ", "riktlinje"),
        ("organ", "ks"),
        ("forvaltning", str(builder.organisations[0].pk)),
        ("omrade", str(builder.lis_areas[0].number) if builder.lis_areas else "1"),
        ("status", "forsenad"),
    ]


def listing_count(channel, user, register, name, value):
    """How many documents the register should list: the same rules, asked of the ORM."""
    from policies.channels import PUBLIC
    from policies.models import Styrdokument

    documents = Styrdokument.objects.for_channel(channel, user).descendant_of(register)
    lookups = {
        "typ": "document_type",
        "organ": "decision_body__code",
        "forvaltning": "organisation_id",
        "omrade": "lis_areas__number",
    }
    if name in lookups:
        documents = documents.filter(**{lookups[name]: value})
    elif name == "status":
        field = "date_review_status" if channel == PUBLIC else "review_status"
        documents = documents.with_review_status().filter(**{field: value})
    return documents.distinct().count()


def register_targets(channel_label, channel, client, host, user, register, variants, bare):
    """Page 1 and page 20 (or the last page) of every variant, with the page asked noted."""
    targets = []
    for label, query, name, value in variants:
        total = listing_count(channel, user, register, name, value)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        for wanted in (1, DEEP_PAGE):
            page = min(wanted, pages)
            params = [query] if query else []
            if page > 1:
                params.append(f"sida={page}")
            path = REGISTER + ("?" + "&".join(params) if params else "")
            target = common.Target(
                label=f"Registret {channel_label}, {label}, sida {wanted}",
                client=client,
                path=path,
                host=host,
                bare=bare,
                expected_count=total,
                page=page,
            )
            targets.append(target)
    return targets


def build_targets(builder, clients, register, bare):
    from policies.channels import INTRANET, PUBLIC

    document = builder.showcase
    document_path = document.get_url_parts()[2]
    variants = [("standard", "", "", "")]
    variants += [
        (f"{name}={value}", f"{name}={value}", name, value)
        for name, value in register_filters(builder)
    ]
    variants += [(f"sortering={sort}", f"sortering={sort}", "", "") for sort in SORTS]
    public, intranet, employee = clients
    targets = [
        common.Target(
            "Dokumentsida, extern (anonym)",
            public,
            document_path,
            PUBLIC_HOST,
            expect=document.title,
            bare=bare,
        ),
        common.Target(
            "Dokumentsida, intranät (inloggad)",
            intranet,
            document_path,
            INTRANET_HOST,
            expect=document.title,
            bare=bare,
        ),
    ]
    targets += register_targets(
        "extern", PUBLIC, public, PUBLIC_HOST, None, register, variants, bare
    )
    targets += register_targets(
        "intranät", INTRANET, intranet, INTRANET_HOST, employee, register, variants, bare
    )
    for label, client, host in (
        ("extern", public, PUBLIC_HOST),
        ("intranät", intranet, INTRANET_HOST),
    ):
        targets.append(common.Target(f"Startsida, {label}", client, "/", host, bare=bare))
        targets.append(
            common.Target(f"API, lista, {label}", client, "/api/v2/pages/", host, bare=bare)
        )
        targets.append(
            common.Target(
                f"API, detalj, {label}",
                client,
                f"/api/v2/pages/{document.pk}/",
                host,
                expect=document.title,
                bare=bare,
            )
        )
    return targets


def inspect_response(target, response):
    """On the warm-up: the register lists what the ORM says the reader may see, at every size;
    a response from a cache is noted (only with --with-page-cache)."""
    expected = target.expected_count
    if expected is not None and target.page == 1:
        match = RESULT_COUNT.search(response.content.decode())
        if match and int(match.group(1)) != expected:
            raise SystemExit(f"{target.label}: registret visar {match.group(1)}, väntat {expected}")
    target.cached = common.cache_hit(dict(response.items()))


def verdict(label, result):
    if label.startswith("Dokumentsida"):
        ok = result.ratio <= DOCUMENT_RATIO and result.queries <= DOCUMENT_QUERIES
        target = f"≤ {DOCUMENT_RATIO:g}×, ≤ {DOCUMENT_QUERIES} frågor"
    elif label.startswith("Registret"):
        ok = result.ratio <= REGISTER_RATIO
        target = f"≤ {REGISTER_RATIO:g}×"
    else:
        return ""
    return f"{'OK' if ok else 'EJ NÅTT'} ({target})".replace(".", ",")


def measure_size(builder, size, clients, register, bare, args):
    repeat = args.repeat
    start = time.perf_counter()
    builder.grow_to(size)
    built = time.perf_counter() - start
    common.vacuum_analyze()
    targets = build_targets(builder, clients, register, bare)
    if args.only:
        targets = [t for t in targets if any(text in t.label for text in args.only)]
    if not targets:
        raise SystemExit(f"--only {','.join(args.only)} valde inga sidor")
    print(
        f"N={size}: {builder.count} dokument byggda på {built:.1f} s; "
        f"{len(targets)} sidor × {repeat} omgångar mot den bara sidan …",
        flush=True,
    )
    results = common.interleaved(targets, repeat, inspect=inspect_response)
    rows = []
    for target in targets:
        result = results[target.label]
        label = target.label
        if target.page not in (1, DEEP_PAGE):
            label += f" (sista = {target.page})"
        if target.cached:
            label += " [cache]"
        rows.append(
            (
                label,
                result.p50,
                result.baseline_p50,
                result.ratio,
                f"{result.queries} ({result.baseline_queries})",
                verdict(target.label, result),
            )
        )
    common.print_rows(
        f"N={size}, {connection.vendor}: p50 i ms, baslinje = den bara sidan i samma omgångar "
        f"(samma klient och värd), kvot = median av kvoterna per omgång, frågor (baslinjens)",
        rows,
    )
    return {t.label: (results[t.label], t.page > 1) for t in targets}


def growth_failures(labels, sizes, by_size):
    """Labels whose query count differs between sizes (first pages and later pages apart)."""
    failures = []
    for label in labels:
        for deep in (False, True):
            counts = {
                size: by_size[size][label][0].queries
                for size in sizes
                if by_size[size][label][1] == deep
            }
            if len(set(counts.values())) > 1:
                failures.append((label, counts))
    return failures


def print_summary(labels, sizes, by_size):
    width = max(len(label) for label in labels)
    print()
    print("Kvot mot den bara sidan och SQL-frågor per anrop, alla storlekar")
    header = f"{'Sida':<{width}}"
    for size in sizes:
        header += f" | {'N=' + str(size):>8} {'frågor':>6}"
    header += " | mål"
    print(header)
    print("-" * (len(header) + 20))
    for label in labels:
        row = f"{label:<{width}}"
        for size in sizes:
            result = by_size[size][label][0]
            row += f" | {result.ratio:>7.2f}× {result.queries:>6}"
        largest = by_size[sizes[-1]][label][0]
        print(f"{row} | {verdict(label, largest)}")


def main(argv=None):
    args = parse_args(argv)
    from policies.models import RegisterPage

    if not args.with_page_cache:
        dropped = common.without_page_cache()
        if dropped:
            print(f"Mäter renderingen: {', '.join(dropped)} är avstängd i mätprocessen.")
    old_name = common.start_database()
    try:
        builder = common.DocumentBuilder()
        bare = common.add_bare_page()
        register = RegisterPage.objects.get()
        employee = get_user_model().objects.create_user(
            "anstalld", first_name="Anna", last_name="Anställd"
        )
        intranet = Client()
        intranet.force_login(employee)
        clients = (Client(), intranet, employee)
        by_size = {}
        for size in args.sizes:
            by_size[size] = measure_size(builder, size, clients, register, bare, args)
    finally:
        common.drop_database(old_name)

    labels = list(by_size[args.sizes[0]])
    print_summary(labels, args.sizes, by_size)
    failures = growth_failures(labels, args.sizes, by_size)
    if failures:
        print("\nFEL: antalet SQL-frågor ändras med antalet dokument för:")
        for label, counts in failures:
            print(f"  {label} ({', '.join(f'N={s}: {n}' for s, n in counts.items())})")
        return 1
    print("\nOK: antalet SQL-frågor per sida är detsamma vid alla storlekar.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
