"""Benchmark the admin reports against a bare Wagtail admin page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/styrdok_bench_reports \\
        .venv/bin/python bench/reports.py [--sizes 200,2000,10000] [--repeat 5] [--profile]

Creates a throwaway test database (test_<name> on the PostgreSQL server that DATABASE_URL points
at, or SQLite in memory without it), runs setup_styrdok and grows the register to each size with
common.DocumentBuilder (full metadata, written in bulk), each document with a decision in the
audit log and one finished decision run per ten documents. At each size it measures, with
django.test.Client in this process, each admin page interleaved with the same client's request
for Wagtail's own "Låsta sidor" report (common.interleaved: the ratio is the median of the
per-round ratios):

* Årlig genomgång (the yearly report's HTML page) for the last twelve months;
* Beslutsärenden and Revisionsplan, page 1 and a later page;
* the admin dashboard with Styrdok's panels, for a dokumentansvarig who is also samordnare;
* Årlig genomgång as XLSX (the download, built in the request: build_report and the workbook).

Then, per size, the yearly report's PDF (issue 22): the request that asks for it (POST *Skapa
PDF*, which only records the job and queues it) timed against the same bare page and ratio, a
new job each round; then the background task that renders it (reports.tasks.render_report_job,
run here in this process, forced to render) timed on its own with its steps, and the workbook
alone (reports.exports.report_workbook on a built report).

It prints per size each figure (p50 ms), its baseline, the ratio and the SQL queries of one
request, then the ratios and queries of all sizes side by side. Exits with status 1 if a page's
query count changes with the number of documents; the timings never fail the run. --profile
prints the top of a cProfile of the yearly report at the largest size; --task-up-to N renders
the PDF in the background task only at sizes up to N (make bench: 2,000, since at 10,000
documents the 600-page PDF takes one to two minutes). The development database is never
touched.
"""

import argparse
import cProfile
import datetime
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

HOST = settings.STYRDOK_INTRANET_HOSTNAME
BARE_ADMIN = "/admin/reports/locked/"
ANNUAL = "/admin/rapporter/arlig-genomgang/"
CASES = "/admin/rapporter/beslutsarenden/"
PLAN = "/admin/rapporter/revisionsplan/"
ANNUAL_PDF = "/admin/rapporter/arlig-genomgang/pdf/"
ANNUAL_XLSX = "/admin/rapporter/arlig-genomgang/xlsx/"
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DASHBOARD = "/admin/"
RUN_EVERY = 10  # one finished decision run per this many documents
DEEP_PAGE = 5


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="200,2000,10000",
        help="Antal dokument att mäta vid, kommaseparerat och stigande (standard: 200,2000,10000).",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="Mätomgångar per storlek (standard: 5)."
    )
    parser.add_argument(
        "--task-up-to",
        type=int,
        default=None,
        help="Låt bakgrundsjobbet skapa PDF:en bara upp till detta antal dokument (standard: vid "
        "alla storlekar). make bench sätter 2000: vid 10000 dokument tar jobbet 1–2 minuter.",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="Skriv ut en cProfile av årsrapportens sida vid den största storleken.",
    )
    args = parser.parse_args(argv)
    args.sizes = common.parse_sizes(parser, args.sizes, 10)
    if args.repeat < 1:
        parser.error("--repeat ska vara minst 1")
    if args.task_up_to is not None and args.task_up_to < 1:
        parser.error("--task-up-to ska vara minst 1")
    return args


def add_history(after):
    """For each new live document: its decision in the audit log, and every RUN_EVERY-th one a
    finished (approved) decision run, as the workflow leaves them (bulk)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, Workflow, WorkflowState

    from policies.models import Styrdokument

    documents = list(
        Styrdokument.objects.live()
        .filter(pk__gt=after)
        .select_related("decision_body")
        .order_by("pk")
    )
    common.add_decisions(documents)
    workflow = Workflow.objects.first()
    page_type = ContentType.objects.get_for_model(Page)
    WorkflowState.objects.bulk_create(
        (
            WorkflowState(
                content_type_id=page.content_type_id,
                base_content_type=page_type,
                object_id=str(page.pk),
                workflow=workflow,
                status=WorkflowState.STATUS_APPROVED,
                created_at=page.first_published_at,
            )
            for page in documents[::RUN_EVERY]
        ),
        batch_size=1000,
    )


def make_clients(builder):
    """The samordnare (a superuser here) who reads the reports, and a dokumentansvarig with the
    samordnare's panels for the dashboard."""
    from tests.factories import make_user

    admin = Client()
    admin.force_login(make_user("bench-admin", superuser=True))
    owner = builder.owners[0]
    owner.is_superuser = owner.is_staff = True
    owner.save()
    dashboard = Client()
    dashboard.force_login(owner)
    return admin, dashboard


def targets(admin, dashboard):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    period = f"?fran={start:%Y-%m-%d}&till={today:%Y-%m-%d}"

    def target(label, client, path, expect=""):
        return common.Target(label, client, path, HOST, expect=expect, bare=BARE_ADMIN)

    return [
        target("Årlig genomgång", admin, ANNUAL + period, "Revisorernas frågor"),
        target("Beslutsärenden, sida 1", admin, CASES),
        target(f"Beslutsärenden, sida {DEEP_PAGE}", admin, f"{CASES}?p={DEEP_PAGE}"),
        target("Revisionsplan, sida 1", admin, PLAN, "Revisionsplan"),
        target(f"Revisionsplan, sida {DEEP_PAGE}", admin, f"{PLAN}?p={DEEP_PAGE}"),
        target("Revisionsplan, status försenad", admin, f"{PLAN}?status=forsenad"),
        target("Översikten med panelerna", dashboard, DASHBOARD),
        target("Årlig genomgång som XLSX", admin, ANNUAL_XLSX + period),
    ]


def last_twelve_months():
    today = timezone.localdate()
    return today - datetime.timedelta(days=365), today


def measure_pdf_request(admin, repeat):
    """The POST that asks for the PDF, against the bare page, a new job each round (the worst
    case: the job row is inserted, not joined); the queue only records the task."""
    import statistics

    from django.test import override_settings

    from reports.models import ReportJob

    start, end = last_twelve_months()
    data = {"fran": f"{start:%Y-%m-%d}", "till": f"{end:%Y-%m-%d}"}

    def post():
        response = admin.post(ANNUAL_PDF, data, HTTP_HOST=HOST)
        if response.status_code != 302 or "/pdf/jobb/" not in response["Location"]:
            raise SystemExit(f"Skapa PDF svarade {response.status_code}, väntat 302 till jobbet")
        return response

    times, bare_times = [], []
    with override_settings(TASKS=QUEUE_ONLY):
        ReportJob.objects.all().delete()
        post()
        admin.get(BARE_ADMIN, HTTP_HOST=HOST)
        for _ in range(repeat):
            ReportJob.objects.filter(status__in=ReportJob.ACTIVE).update(status=ReportJob.FAILED)
            bare_start = time.perf_counter()
            admin.get(BARE_ADMIN, HTTP_HOST=HOST)
            bare_times.append((time.perf_counter() - bare_start) * 1000)
            started = time.perf_counter()
            post()
            times.append((time.perf_counter() - started) * 1000)
        ReportJob.objects.filter(status__in=ReportJob.ACTIVE).update(status=ReportJob.FAILED)
        queries = common.count_queries(post)
        job = ReportJob.objects.filter(status=ReportJob.QUEUED).order_by("-pk").first()
    ratio = statistics.median(t / b for t, b in zip(times, bare_times, strict=True))
    return statistics.median(times), statistics.median(bare_times), ratio, queries, job


def measure_pdf_task(job):
    """The task that renders the queued job, in this process: (seconds, pages, step times)."""
    from django.utils.dateparse import parse_datetime

    from reports.models import ReportJob
    from reports.tasks import render_report_job

    ReportJob.objects.filter(pk=job.pk).update(force=True)
    started = time.perf_counter()
    render_report_job.call(job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != ReportJob.DONE:
        raise SystemExit(f"PDF-jobbet blev inte klart: {job.status} {job.message} {job.error}")
    # Each step lasts from its own record to the next one's (the last, Klar, has no length).
    moments = [parse_datetime(entry["at"]) for entry in job.steps]
    steps = [
        f"{entry['label']} {(moments[i + 1] - moments[i]).total_seconds():.1f} s"
        for i, entry in enumerate(job.steps[:-1])
    ]
    return seconds, job.pages, steps


def measure_workbook(admin_user):
    from reports.annual_report import build_report
    from reports.exports import report_workbook

    start, end = last_twelve_months()
    report = build_report(start, end, user=admin_user)
    started = time.perf_counter()
    data = report_workbook(report)
    return (time.perf_counter() - started) * 1000, len(data)


def measure_pdf(size, admin, repeat, render=True):
    from django.contrib.auth import get_user_model

    p50, bare, ratio, queries, job = measure_pdf_request(admin, repeat)
    common.print_rows(
        f"N={size}: Skapa PDF (POST som köar jobbet) mot {BARE_ADMIN}, p50 i ms",
        [("Skapa PDF, begäran", p50, bare, ratio, str(queries), "")],
    )
    workbook_ms, workbook_bytes = measure_workbook(
        get_user_model().objects.get(username="bench-admin")
    )
    print(
        f"N={size}: XLSX-arbetsboken byggd på {workbook_ms:.0f} ms ({workbook_bytes / 1024:.0f} kB)"
    )
    if not render:
        print(f"N={size}: bakgrundsjobbet mättes inte (--task-up-to)", flush=True)
        return {"request": p50, "ratio": ratio, "task": None, "pages": None, "xlsx": workbook_ms}
    seconds, pages, steps = measure_pdf_task(job)
    print(
        f"N={size}: bakgrundsjobbet skapade PDF:en på {seconds:.1f} s ({pages} sidor; "
        + ", ".join(steps)
        + ")",
        flush=True,
    )
    return {"request": p50, "ratio": ratio, "task": seconds, "pages": pages, "xlsx": workbook_ms}


def measure_size(builder, size, clients, repeat):
    from policies.models import Styrdokument

    started = time.perf_counter()
    last = Styrdokument.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    builder.grow_to(size)
    add_history(last)
    built = time.perf_counter() - started
    pages = targets(*clients)
    print(
        f"N={size}: {builder.count} dokument byggda på {built:.1f} s; "
        f"{len(pages)} sidor × {repeat} omgångar mot {BARE_ADMIN} …",
        flush=True,
    )
    results = common.interleaved(pages, repeat)
    common.print_rows(
        f"N={size}, {connection.vendor}: p50 i ms, baslinje = Wagtails rapport Låsta sidor i "
        "samma omgångar, kvot = median av kvoterna per omgång, frågor (baslinjens)",
        [
            (
                page.label,
                results[page.label].p50,
                results[page.label].baseline_p50,
                results[page.label].ratio,
                f"{results[page.label].queries} ({results[page.label].baseline_queries})",
                "",
            )
            for page in pages
        ],
    )
    return {page.label: results[page.label] for page in pages}, pages


def profile(page):
    profiler = cProfile.Profile()
    profiler.enable()
    page.get()
    profiler.disable()
    print(f"\ncProfile: {page.label} ({page.path})")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats("styrdok|reports|policies|governance", 40)
    stats.sort_stats("tottime").print_stats(25)


def print_summary(sizes, by_size):
    labels = list(by_size[sizes[0]])
    width = max(len(label) for label in labels)
    print()
    print("Kvot mot Wagtails rapport Låsta sidor och SQL-frågor per anrop, alla storlekar")
    header = f"{'Sida':<{width}}"
    for size in sizes:
        header += f" | {'N=' + str(size):>8} {'ms':>7} {'frågor':>6}"
    print(header)
    print("-" * len(header))
    for label in labels:
        row = f"{label:<{width}}"
        for size in sizes:
            result = by_size[size][label]
            row += f" | {result.ratio:>7.2f}× {result.p50:>7.0f} {result.queries:>6}"
        print(row)


def print_pdf_summary(sizes, pdf_by_size):
    print()
    print("Årlig genomgång som PDF och XLSX: begäran köar, bakgrundsjobbet skapar PDF:en")
    print(
        f"{'N':>6} | {'Skapa PDF ms':>12} | {'kvot':>6} | {'jobbet s':>8} | {'sidor':>5} | "
        f"{'XLSX ms':>8}"
    )
    for size in sizes:
        row = pdf_by_size[size]
        task = "–" if row["task"] is None else f"{row['task']:.1f}"
        pages = "–" if row["pages"] is None else row["pages"]
        print(
            f"{size:>6} | {row['request']:>12.1f} | {row['ratio']:>5.2f}× | {task:>8} | "
            f"{pages:>5} | {row['xlsx']:>8.0f}"
        )


def main(argv=None):
    args = parse_args(argv)
    old_name = common.start_database()
    try:
        builder = common.DocumentBuilder()
        clients = make_clients(builder)
        by_size, pdf_by_size = {}, {}
        for size in args.sizes:
            by_size[size], pages = measure_size(builder, size, clients, args.repeat)
            render = args.task_up_to is None or size <= args.task_up_to
            pdf_by_size[size] = measure_pdf(size, clients[0], args.repeat, render)
        if args.profile:
            profile(pages[0])
    finally:
        common.drop_database(old_name)

    print_summary(args.sizes, by_size)
    print_pdf_summary(args.sizes, pdf_by_size)
    failures = [
        label
        for label in by_size[args.sizes[0]]
        if len({by_size[size][label].queries for size in args.sizes}) > 1
    ]
    if failures:
        print("\nFEL: antalet SQL-frågor ändras med antalet dokument för: " + ", ".join(failures))
        return 1
    print("\nOK: antalet SQL-frågor per sida är detsamma vid alla storlekar.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
