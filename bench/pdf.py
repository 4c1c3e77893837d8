"""Benchmark the PDFs: WeasyPrint alone, the yearly report's PDF, and the request that asks for it.

    .venv/bin/python bench/pdf.py [--documents 10000] [--render-documents 2000] [--repeat 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/styrdok_bench .venv/bin/python bench/pdf.py

Creates a throwaway test database (SQLite in memory, or test_<name> on the PostgreSQL server that
DATABASE_URL points at), runs setup_styrdok and then measures, each against its baseline:

* the archival PDF of one adopted riktlinje long enough to fill about ten A4 pages, against
  WeasyPrint alone rendering plain HTML of the same size (paragraphs and table rows, no styles,
  no PDF/A); the two alternate, and the ratio is the median of the per-round ratios;
* the yearly report to kommunstyrelsen ("Årlig genomgång") for the last twelve months over a
  register of `--render-documents` live documents (written in bulk by common.DocumentBuilder,
  each with a decision in the audit log): its PDF (`render_report_pdf`, what the background job
  spends), against WeasyPrint alone on plain HTML of the report's size, alternating likewise;
* at `--documents` documents: computing the report (`build_report`, with its SQL queries), and
  the request that asks for its PDF (POST …/arlig-genomgang/pdf/ with the database task backend,
  as in production: a job row and a queued task, nothing rendered) and the progress page, each
  against the PDF rendering that no request does any more.

Prints the page counts too, so the page numbers are measured facts. The development database
is never touched.
"""

import argparse
import datetime
import re
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


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--documents",
        type=int,
        default=10_000,
        help="Antal dokument i registret när årsrapporten mäts (standard: 10000).",
    )
    parser.add_argument(
        "--render-documents",
        type=int,
        default=2_000,
        help="Antal dokument när årsrapportens PDF renderas (standard: 2000).",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="Mätningar av riktlinjens PDF, beräkningen och anropen (standard: 5).",
    )
    parser.add_argument(
        "--render-repeat",
        type=int,
        default=1,
        help="Omgångar av årsrapportens PDF mot sin baslinje (standard: 1).",
    )
    args = parser.parse_args(argv)
    if not 10 <= args.render_documents <= args.documents:
        parser.error("--render-documents ska vara minst 10 och högst --documents")
    if args.repeat < 1 or args.render_repeat < 1:
        parser.error("--repeat och --render-repeat ska vara minst 1")
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
        live=False,
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
    return statistics.median(timings), result


# -- WeasyPrint alone ------------------------------------------------------------------------

TAG = re.compile(r"<[^>]+>")
FILLER = (
    "Förvaltningen ansvarar för att informationen hanteras så att dess konfidentialitet, "
    "riktighet och tillgänglighet upprätthålls, och följer upp det minst en gång om året. "
)


def captured_html(render):
    """The HTML that `render()` gives WeasyPrint (policies.pdf.render_pdf's argument)."""
    from policies import pdf

    original = pdf.render_pdf
    seen = []

    def capture(html, base_url):
        seen.append(html)
        return original(html, base_url)

    pdf.render_pdf = capture
    try:
        rendered = render()
    finally:
        pdf.render_pdf = original
    return seen[-1], rendered


def plain_html_like(html):
    """Plain HTML of the same size: as many table rows of five cells and as much running text
    as `html`, without its styles, fonts, running headers or PDF/A tagging."""
    rows = html.count("<tr")
    text = " ".join(TAG.sub(" ", html).split())
    cells = "".join(f"<td>{FILLER[:40]}</td>" for _ in range(5))
    table_text = rows * 5 * 40
    paragraphs = max(0, len(text) - table_text) // len(FILLER) + 1
    body = "".join(f"<p>{FILLER}</p>" for _ in range(paragraphs))
    table = "<table>" + "".join(f"<tr>{cells}</tr>" for _ in range(rows)) + "</table>"
    return f'<!doctype html><html lang="sv"><body>{body}{table}</body></html>'


def weasyprint_alone(html):
    from weasyprint import HTML

    document = HTML(string=html).render()
    document.write_pdf()
    return len(document.pages)


def pair_rounds(measure, baseline, rounds):
    """Alternate `baseline()` and `measure()` for `rounds` rounds: (median s, median baseline s,
    median per-round ratio, the baseline's last return value)."""
    times, bases = [], []
    value = None
    for _ in range(rounds):
        start = time.perf_counter()
        value = baseline()
        bases.append(time.perf_counter() - start)
        start = time.perf_counter()
        measure()
        times.append(time.perf_counter() - start)
    ratio = statistics.median(t / b for t, b in zip(times, bases, strict=True))
    return statistics.median(times), statistics.median(bases), ratio, value


# -- the register and the report -------------------------------------------------------------


def add_decisions(after=0):
    """One governance.decided entry per live document added after `after`."""
    from policies.models import Styrdokument

    documents = Styrdokument.objects.live().filter(pk__gt=after).select_related("decision_body")
    common.add_decisions(documents.iterator())


def report_client():
    from django.conf import settings
    from django.test import Client

    from tests.factories import make_user

    user = make_user("bench-admin", superuser=True)
    client = Client(HTTP_HOST=settings.STYRDOK_INTRANET_HOSTNAME)
    client.force_login(user)
    return client


def time_requests(client, start, end, repeat):
    """The POST that asks for the PDF (a new job each time) and the progress page, with the
    database task backend: (median POST s, median progress page s, queries of one POST)."""
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from reports.models import ReportJob

    data = {"fran": f"{start:%Y-%m-%d}", "till": f"{end:%Y-%m-%d}"}
    url = "/admin/rapporter/arlig-genomgang/pdf/"

    def ask():
        response = client.post(url, data)
        if response.status_code != 302 or "/pdf/jobb/" not in response["Location"]:
            raise SystemExit(f"{url} svarade {response.status_code}")
        return response["Location"]

    def clear():
        ReportJob.objects.all().delete()
        DBTaskResult.objects.all().delete()

    posts, pages = [], []
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        clear()
        client.get(ask())  # warm-up
        for _ in range(repeat):
            clear()
            started = time.perf_counter()
            job_url = ask()
            posts.append(time.perf_counter() - started)
            started = time.perf_counter()
            if client.get(job_url).status_code != 200:
                raise SystemExit(f"{job_url} svarade inte 200")
            pages.append(time.perf_counter() - started)
        clear()
        with CaptureQueriesContext(connection) as queries:
            ask()
        if ReportJob.objects.get().status != ReportJob.QUEUED:
            raise SystemExit("Anropet renderade PDF:en i stället för att köa den.")
        clear()
    return statistics.median(posts), statistics.median(pages), len(queries)


def grow(builder, total):
    """The register up to `total` live documents, each with its decision (bulk), timed."""
    from policies.models import Styrdokument

    started = time.perf_counter()
    last = Styrdokument.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    builder.grow_to(total)
    add_decisions(after=last)
    print(f"{total} dokument i registret, skapade på {time.perf_counter() - started:.1f} s")


def main(argv=None):
    args = parse_args(argv)
    from policies.archive import render_version_pdf
    from reports.annual_report import build_report, render_report_pdf

    old_name = common.start_database()
    try:
        version = make_long_riktlinje()
        doc_html, rendered = captured_html(lambda: render_version_pdf(version))  # warm-up
        doc_plain = plain_html_like(doc_html)
        doc = pair_rounds(
            lambda: render_version_pdf(version), lambda: weasyprint_alone(doc_plain), args.repeat
        )

        today = timezone.localdate()
        start, end = today - datetime.timedelta(days=365), today
        builder = common.DocumentBuilder()
        grow(builder, args.render_documents)
        report = build_report(start, end)
        report_html, report_pdf = captured_html(lambda: render_report_pdf(report))  # warm-up
        report_plain = plain_html_like(report_html)
        render = pair_rounds(
            lambda: render_report_pdf(report),
            lambda: weasyprint_alone(report_plain),
            args.render_repeat,
        )

        grow(builder, args.documents)
        with CaptureQueriesContext(connection) as queries:
            build_report(start, end)
        build_median, _report = median_seconds(lambda: build_report(start, end), args.repeat)
        post_s, page_s, post_queries = time_requests(report_client(), start, end, args.repeat)
    finally:
        common.drop_database(old_name)

    n, r = args.documents, args.render_documents
    ms = 1000
    common.print_rows(
        f"PDF:er, {connection.vendor}: riktlinjen {rendered.pages} sidor (baslinje {doc[3]}), "
        f"årsrapporten vid {r} dokument {report_pdf.pages} sidor (baslinje {render[3]}); "
        "baslinje = WeasyPrint ensam på enkel HTML av samma storlek",
        [
            ("Riktlinje, arkiv-PDF", doc[0] * ms, doc[1] * ms, doc[2], "", ""),
            (f"Årsrapport {r} dok., PDF", render[0] * ms, render[1] * ms, render[2], "", ""),
        ],
    )
    common.print_rows(
        f"Årsrapporten vid {n} dokument, {connection.vendor}; baslinje = PDF:en vid {r} dokument, "
        "som inget anrop längre renderar",
        [
            (
                "build_report (i bakgrundsjobbet)",
                build_median * ms,
                render[0] * ms,
                build_median / render[0],
                len(queries),
                "",
            ),
            (
                "POST …/pdf/ (köar jobbet)",
                post_s * ms,
                render[0] * ms,
                post_s / render[0],
                post_queries,
                f"{render[0] / post_s:.0f}× snabbare än renderingen",
            ),
            (
                "GET …/pdf/jobb/<id>/ (förlopp)",
                page_s * ms,
                render[0] * ms,
                page_s / render[0],
                "",
                "",
            ),
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
