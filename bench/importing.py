"""Benchmark the bulk import (import_styrdokument, Import → Importera flera) at growing sizes.

    .venv/bin/python bench/importing.py [--sizes 20,200] [--repeat 1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/styrdok_bench \
        .venv/bin/python bench/importing.py --sizes 20,200,2000

Creates a throwaway test database (SQLite in memory, or test_<name> on the PostgreSQL server that
DATABASE_URL points at) with setup_styrdok's baseline and, for each size, a zip of that many
real Word files made with python-docx (a title, a front table, headings, paragraphs with "ska",
a bulleted list and a table: a short riktlinje) and the CSV that describes them, one row in ten
an earlier decision of the document on the row before it (an imported AdoptedVersion with its
original file in a temporary archive folder).

The figure is the import of the whole zip (run_bulk_import: reading the zip, the CSV's checks,
mammoth's conversion, the page, its revision, the import record, the logs, the savepoint per
row) in milliseconds per row, with rows per second beside it. The baseline is the floor an
import cannot go below: the same number of riktlinjer, with the same body (converted
beforehand, outside the timing), created through Wagtail's own `add_child` and `save_revision`
under an equal parent. The ratio is the figure over the baseline from the same run. Sizes run
in turn, each on its own parents, figure and baseline alternating `--repeat` times.

Exits with status 1 if the SQL queries per imported row change with the size (they must not:
every check is per row, never over the whole register). The development database is never
touched.
"""

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

TOPICS = common.TOPICS
HEADER = "fil;titel;dokumenttyp;förälder;beslutad av;beslutsdatum;dnr;§;historisk"
# Queries per row may differ by this much between sizes (the first row creates the collection
# and warms the caches; that share shrinks as the size grows).
QUERY_TOLERANCE = 0.5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="20,200",
        help="Antal rader att mäta vid, kommaseparerat och stigande (standard: 20,200; "
        "2000 tar några minuter).",
    )
    parser.add_argument("--repeat", type=int, default=1, help="Omgångar per storlek (standard: 1).")
    args = parser.parse_args()
    args.sizes = common.parse_sizes(parser, args.sizes, minimum=10)
    if args.repeat < 1:
        parser.error("--repeat ska vara minst 1")
    return args


def word_file(title, number):
    from docx import Document

    topic = TOPICS[number % len(TOPICS)]
    document = Document()
    document.add_paragraph(title, style="Title")
    front = document.add_table(rows=0, cols=2)
    for label, value in (("Dokumenttyp", "Riktlinje"), ("Diarienummer", f"KS 2025/{number}")):
        cells = front.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_heading("Syfte", level=1)
    document.add_paragraph(
        f"Riktlinjen beskriver hur kommunen arbetar med {topic}. Varje förvaltning ska utse en "
        "ansvarig och följa upp arbetet varje år."
    )
    document.add_heading("Krav", level=1)
    for text in (
        "Information ska klassas innan den hanteras i ett nytt system.",
        "Avvikelser ska rapporteras till informationssäkerhetssamordnaren.",
        "Behörigheter ska granskas minst en gång per år.",
    ):
        document.add_paragraph(text, style="List Bullet")
    table = document.add_table(rows=3, cols=2)
    for row, (role, duty) in enumerate(
        (("Roll", "Ansvar"), ("Systemägare", "Förvaltar systemet."), ("Chef", "Följer upp."))
    ):
        table.cell(row, 0).text, table.cell(row, 1).text = role, duty
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_import(size, parent_title, tag):
    """(zip bytes, CSV bytes, {file name: bytes}) for `size` rows; every tenth row an earlier
    decision of the document on the row before it."""
    files, lines = {}, [HEADER]
    for n in range(size):
        if n % 10 == 9:
            title = f"Riktlinje {tag}-{n - 1:05d} om {TOPICS[(n - 1) % len(TOPICS)]}"
            name = f"tidigare/{n:05d}.docx"
            files[name] = word_file(title, n)
            lines.append(
                f"{name};{title};Riktlinje;{parent_title};KS;2020-03-{1 + n % 28:02d};"
                f"KS 2020/{n};{n};ja"
            )
            continue
        title = f"Riktlinje {tag}-{n:05d} om {TOPICS[n % len(TOPICS)]}"
        name = f"{n:05d}.docx"
        files[name] = word_file(title, n)
        lines.append(f"{name};{title};Riktlinje;{parent_title};KS;;KS 2025/{n};;nej")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue(), ("\r\n".join(lines) + "\r\n").encode("utf-8-sig"), files


def add_parent(title):
    from policies.models import PolicyPage, RegisterPage

    page = PolicyPage(title=title, slug=f"bench-{abs(hash(title)) % 10**8}", live=False)
    RegisterPage.objects.get().add_child(instance=page)
    return page


def run_import(user, parent, zip_data, csv_data):
    from importing.bulk import run_bulk_import

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        report = run_bulk_import(
            io.BytesIO(zip_data), csv_data, user=user, parent=parent, zip_name="bench.zip"
        )
        elapsed = time.perf_counter() - start
    if not report.ok:
        raise SystemExit("\n".join(report.lines()[:20]))
    return elapsed, counter.count


class QueryCounter:
    """Counts every statement (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run_baseline(parent, bodies):
    """The same riktlinjer and bodies through Wagtail's add_child and save_revision."""
    from policies.models import RiktlinjePage

    start = time.perf_counter()
    for n, (title, blocks) in enumerate(bodies):
        page = RiktlinjePage(title=title, slug=f"baslinje-{n:05d}", body=blocks, live=False)
        parent.add_child(instance=page)
        page.save_revision()
    return time.perf_counter() - start


def converted_bodies(files, size):
    from importing.docx import convert_docx

    bodies = []
    for name, data in sorted(files.items()):
        conversion = convert_docx(data, name)
        bodies.append((conversion.title, conversion.blocks))
    return bodies[:size]


def measure(size, round_number, user):
    tag = f"{size}-{round_number}"
    import_parent = add_parent(f"Policy för import {tag}")
    baseline_parent = add_parent(f"Policy för baslinje {tag}")
    zip_data, csv_data, files = build_import(size, import_parent.title, tag)
    bodies = converted_bodies(files, size)
    baseline = run_baseline(baseline_parent, bodies)
    elapsed, queries = run_import(user, import_parent, zip_data, csv_data)
    return elapsed, baseline, queries


def main():
    args = parse_args()
    old_name = common.start_database()
    archive = tempfile.TemporaryDirectory(prefix="styrdok-bench-arkiv-")
    media = tempfile.TemporaryDirectory(prefix="styrdok-bench-media-")
    settings.STYRDOK_ARCHIVE_ROOT = Path(archive.name)
    settings.MEDIA_ROOT = media.name
    status = 0
    try:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_superuser("bench", "bench@benchkommun.se", None)
        # Once, untimed: what only the first import does (the "Import" collection, caches).
        warm = add_parent("Policy för uppvärmning")
        run_import(user, warm, *build_import(10, warm.title, "uppvarmning")[:2])
        rows, per_row = [], {}
        for size in args.sizes:
            figures, baselines, queries = [], [], []
            for round_number in range(args.repeat):
                elapsed, baseline, count = measure(size, round_number, user)
                figures.append(elapsed * 1000 / size)
                baselines.append(baseline * 1000 / size)
                queries.append(count / size)
            figure, base = statistics.median(figures), statistics.median(baselines)
            per_row[size] = statistics.median(queries)
            rows.append(
                (
                    f"Import, {size} rader ({1000 / figure:.1f} rader/s)",
                    figure,
                    base,
                    statistics.median(f / b for f, b in zip(figures, baselines, strict=True)),
                    f"{per_row[size]:.1f}/rad",
                    "",
                )
            )
        common.print_rows(
            "Massimport mot Wagtails add_child + save_revision (samma text, utan omvandling)",
            rows,
            unit="ms/rad",
        )
        lowest, highest = min(per_row.values()), max(per_row.values())
        if highest - lowest > QUERY_TOLERANCE:
            print(f"\nFrågor per rad ändras med storleken: {per_row}")
            status = 1
        else:
            print("\nOK: antalet SQL-frågor per rad är detsamma vid alla storlekar.")
    finally:
        common.drop_database(old_name)
        archive.cleanup()
        media.cleanup()
    return status


if __name__ == "__main__":
    sys.exit(main())
