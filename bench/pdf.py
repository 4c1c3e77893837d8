"""Benchmark the archival PDFs: a 10-page riktlinje, and the yearly report at 500 documents.

    .venv/bin/python bench/pdf.py [--documents 500] [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/styrdok_bench .venv/bin/python bench/pdf.py

Creates a throwaway test database (SQLite in memory, or test_<name> on the PostgreSQL server that
DATABASE_URL points at), runs setup_styrdok and then measures:

* the archival PDF of one adopted riktlinje long enough to fill about ten A4 pages (headings,
  numbered ska-krav, a responsibility table, running text with å, ä and ö): the median seconds of
  `render_version_pdf`, which is what the background task spends per adopted version;
* the yearly report to kommunstyrelsen ("Årlig genomgång") for the last twelve months over a
  register of `--documents` live documents (bench/pages.py's families of policy, riktlinjer and
  rutiner, each with an adopted version and a decision in the audit log): the median seconds of
  computing it (`build_report`, with its SQL query count) and of rendering its PDF.

Prints the page counts too, so "10 pages" is a measured fact, not an assumption. The development
database is never touched.
"""

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.setup_django()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

SECTIONS = [
    "Syfte och omfattning",
    "Roller och ansvar",
    "Informationsklassning",
    "Behörigheter och åtkomst",
    "Loggning och uppföljning",
    "Säkerhetskopiering och återläsning",
    "Leverantörer och molntjänster",
    "Incidenter och avvikelser",
    "Utbildning och medvetenhet",
    "Uppföljning och revision",
]
PARAGRAPH = (
    "<p>Förvaltningen ansvarar för att {topic} hanteras så att informationens konfidentialitet, "
    "riktighet och tillgänglighet upprätthålls. Chefer säkerställer att medarbetare känner till "
    "vad som gäller, att rutinerna följs i det dagliga arbetet och att brister rapporteras. "
    "Systemägaren dokumenterar vilka åtgärder som vidtagits, följer upp dem minst en gång om året "
    "och återkopplar till informationssäkerhetssamordnaren när något behöver ändras.</p>"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--documents",
        type=int,
        default=500,
        help="Antal dokument i registret när årsrapporten mäts (standard: 500).",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="Antal mätningar per fall (standard: 5)."
    )
    args = parser.parse_args()
    if args.documents < 10:
        parser.error("--documents ska vara minst 10")
    if args.repeat < 1:
        parser.error("--repeat ska vara minst 1")
    return args


def long_body():
    """About ten A4 pages of riktlinje: 10 sections with text, ska-krav and a table."""
    from governance.models import Role

    roles = list(Role.objects.order_by("sort_order")[:5])
    blocks = []
    number = 0
    for section in SECTIONS:
        topic = section.lower()
        blocks.append({"type": "heading", "value": {"text": section, "level": "h2"}})
        blocks += [{"type": "paragraph", "value": PARAGRAPH.format(topic=topic)}] * 2
        blocks.append({"type": "heading", "value": {"text": f"Krav för {topic}", "level": "h3"}})
        for _ in range(3):
            number += 1
            blocks.append(
                {
                    "type": "requirement",
                    "value": {
                        "reference": "",
                        "text": (
                            f"<p>Varje verksamhet ska dokumentera hur {topic} sköts och se över "
                            f"dokumentationen årligen (krav {number}).</p>"
                        ),
                    },
                }
            )
        blocks.append(
            {
                "type": "responsibility_table",
                "value": {
                    "caption": f"Ansvar för {topic}",
                    "rows": [
                        {"role": role.pk, "responsibility": f"Ansvarar för {topic} i sin del."}
                        for role in roles
                    ],
                },
            }
        )
    return blocks


def make_long_riktlinje():
    from governance.models import DecisionBody
    from policies.decisions import register_existing_decision
    from policies.models import RegisterPage, RiktlinjePage

    today = timezone.localdate()
    page = RiktlinjePage(
        title="Riktlinje för informationssäkerhet i verksamhetssystem",
        slug="lang-riktlinje",
        summary="En lång riktlinje för att mäta tiden för arkiv-PDF:en.",
        decision_body=DecisionBody.objects.get(code="ks"),
        decision_date=today - datetime.timedelta(days=30),
        diarienummer=f"KS-{today.year}-901",
        protocol_paragraph=77,
        valid_from=today - datetime.timedelta(days=20),
        publicity="public",
        body=long_body(),
    )
    RegisterPage.objects.get().add_child(instance=page)
    # Publishing records the adopted version (and renders its PDF once, immediately); it needs
    # a recorded decision for the revision, entered as a decision taken before Styrdok.
    register_existing_decision(
        page,
        body=page.decision_body,
        decision_date=page.decision_date,
        diarienummer=page.diarienummer,
        paragraph=page.protocol_paragraph,
    )
    return page.adopted_versions.get()


def median_seconds(function, repeat):
    timings = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), min(timings), max(timings), result


def add_decisions(documents):
    """One governance.decided entry per document, as the workflow writes them."""
    from wagtail.models import PageLogEntry

    PageLogEntry.objects.bulk_create(
        PageLogEntry(
            page_id=page.pk,
            content_type_id=page.content_type_id,
            label=page.title,
            action="governance.decided",
            timestamp=page.first_published_at,
            data={
                "decision_date": page.decision_date.isoformat(),
                "body": page.decision_body.name,
                "paragraph": page.protocol_paragraph,
                "diarienummer": page.diarienummer,
            },
        )
        for page in documents
    )


def main():
    args = parse_args()
    # The test settings use the immediate task backend: publishing renders the PDF in-process.
    from pages import Generator

    from policies.archive import render_version_pdf
    from reports.annual_report import build_report, render_report_pdf

    old_name = common.start_database()
    try:
        version = make_long_riktlinje()
        render_version_pdf(version)  # warm-up: fonts, templates
        doc_median, doc_min, doc_max, rendered = median_seconds(
            lambda: render_version_pdf(version), args.repeat
        )

        generator = Generator()
        generator.grow_to(args.documents)
        add_decisions(generator.documents)
        today = timezone.localdate()
        start, end = today - datetime.timedelta(days=365), today
        with CaptureQueriesContext(connection) as queries:
            build_report(start, end)
        build_median, build_min, build_max, report = median_seconds(
            lambda: build_report(start, end), args.repeat
        )
        render_report_pdf(report)  # warm-up
        pdf_median, pdf_min, pdf_max, report_pdf = median_seconds(
            lambda: render_report_pdf(report), args.repeat
        )
    finally:
        common.drop_database(old_name)

    print()
    print(f"Arkiv-PDF och årsrapport, {connection.vendor}, median av {args.repeat} körningar")
    print(f"{'Fall':<52} {'sidor':>5} {'median s':>9} {'min s':>7} {'max s':>7}")
    rows = [
        ("Riktlinje, arkiv-PDF (render_version_pdf)", rendered.pages, doc_median, doc_min, doc_max),
        (
            f"Årsrapport, {args.documents} dok.: beräkning ({len(queries)} SQL-frågor)",
            "",
            build_median,
            build_min,
            build_max,
        ),
        (
            f"Årsrapport, {args.documents} dok.: PDF",
            report_pdf.pages,
            pdf_median,
            pdf_min,
            pdf_max,
        ),
    ]
    for label, pages, median, low, high in rows:
        print(f"{label:<52} {pages!s:>5} {median:>9.2f} {low:>7.2f} {high:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
