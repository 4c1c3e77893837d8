"""Årlig genomgång as an Excel workbook (XLSX): one sheet per section of the report.

The PDF is what kommunstyrelsen reads; the workbook is what the samordnare and the controllers
work on afterwards (sorting, filtering, pasting into their own follow-up). So every cell holds a
value Excel understands as such: dates are real dates, counts are numbers, and yes/no columns
say Ja or Nej. Text is always stored as text: a title such as ``=HYPERLINK(...)`` never becomes
a formula, and characters that XML cannot carry are dropped rather than breaking the file.

The workbook is built from the same `AnnualReport` as the page and the PDF, so a reader who
sees fewer documents gets fewer rows. openpyxl's write-only mode keeps the memory flat; 10,000
documents take about a second (see bench/reports.py), so the download is made in the request.
"""

import dataclasses
import datetime
import io
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Excel's limits and the characters it refuses in a sheet's name.
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Column widths in characters: wide enough for the longest value, within reason.
MIN_WIDTH, MAX_WIDTH = 8, 60
# Widths are estimated from this many rows; a long sheet is as wide as its first rows.
WIDTH_SAMPLE = 500
NO_VALUE = "–"
BOLD = Font(bold=True)


@dataclasses.dataclass
class Sheet:
    """One worksheet: its name, column headings and rows of plain values."""

    title: str
    headings: list
    rows: list


def sheet_title(text):
    """A name Excel accepts: no []:*?/\\ and at most 31 characters."""
    cleaned = SHEET_TITLE_FORBIDDEN.sub("-", str(text)).strip("' ") or "Blad"
    return cleaned[:SHEET_TITLE_MAX]


def text(value):
    """A cell's text with the control characters removed that XML (and so XLSX) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def yes_no(value):
    return _("Ja") if value else _("Nej")


def cell_value(value):
    """The value as openpyxl should store it: dates and numbers as themselves, the rest as text."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, (datetime.date, bool, int, float)):
        return value
    return text(value)


def make_cell(worksheet, value, font=None):
    """A styled cell (the bold header) or one openpyxl would misread."""
    cell = WriteOnlyCell(worksheet, cell_value(value))
    if cell.data_type == "f":
        # openpyxl reads a string starting with "=" as a formula; it is the reader's text.
        cell.data_type = "s"
    if isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    return cell


def row_values(worksheet, row):
    """A data row as openpyxl's fast path takes it: plain values (a date gets openpyxl's
    yyyy-mm-dd, a number stays a number), and a cell object only where a plain value would be
    misread: text that starts with "=" (a formula to openpyxl) and times (with our format).

    At 10,000 documents the workbook has a few hundred thousand cells; a styled cell object for
    each took several times as long."""
    values = []
    for value in row:
        value = cell_value(value)
        if (isinstance(value, str) and value.startswith("=")) or isinstance(
            value, datetime.datetime
        ):
            values.append(make_cell(worksheet, value))
        else:
            values.append(value)
    return values


def _display_width(value):
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(sheet):
    widths = [_display_width(heading) + 2 for heading in sheet.headings]
    for row in sheet.rows[:WIDTH_SAMPLE]:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], _display_width(value) + 2)
    return [min(MAX_WIDTH, max(MIN_WIDTH, width)) for width in widths]


def write_sheet(workbook, sheet):
    worksheet = workbook.create_sheet(title=sheet_title(sheet.title))
    for index, width in enumerate(column_widths(sheet), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    worksheet.append([make_cell(worksheet, heading, font=BOLD) for heading in sheet.headings])
    for row in sheet.rows:
        worksheet.append(row_values(worksheet, row))


# -- the sections ------------------------------------------------------------------------------


def summary_sheet(report, audience_note):
    headline = report.headline
    rows = [
        (_("Rapport"), report.title),
        (_("Kommun"), report.kommun_name),
        (_("Period från och med"), report.start),
        (_("Period till och med"), report.end),
        (_("Status per"), report.as_of),
        (_("Skapad"), report.generated_at),
        (_("Urval"), audience_note),
        (_("Styrdokument i registret"), headline.total_documents),
        (_("Varav fastställda och aktuella"), headline.current_documents),
        (_("Andel aktuella (%)"), headline.current_share),
        (_("Försenade revisioner"), headline.overdue_count),
        (_("Dokument utan dokumentansvarig"), headline.ownerless_count),
        (_("Beslut under perioden"), headline.decisions_count),
        (_("Genomförda revisioner och aktualitetsprövningar"), headline.reviews_done_count),
        (_("LIS-områden utan aktuella dokument"), len(report.lis_missing)),
        (_("LIS-områden"), len(report.lis_coverage)),
    ]
    language = report.plain_language
    if language is not None:
        rows += [
            (_("Dokument med text att bedöma (LIX)"), language.measured),
            (_("Median-LIX"), None if language.median is None else round(language.median)),
            (
                _("Dokument med LIX över %(limit)s") % {"limit": language.threshold},
                len(language.difficult),
            ),
        ]
    return Sheet(_("Sammanfattning"), [_("Uppgift"), _("Värde")], rows)


def types_sheet(report):
    headings = [_("Dokumenttyp"), *(s.label for s in report.statuses), _("Totalt")]
    rows = [
        [row.label, *(cell.count for cell in row.counts), row.total] for row in report.type_rows
    ]
    rows.append(
        [
            _("Totalt"),
            *(cell.count for cell in report.status_totals),
            report.headline.total_documents,
        ]
    )
    return Sheet(_("Dokument per typ och status"), headings, rows)


def decisions_sheet(report):
    headings = [
        _("Datum"),
        _("Dokument"),
        _("Dokumenttyp"),
        _("Beslutande organ"),
        _("Händelse"),
        _("Beslut"),
        _("§"),
        _("Dnr"),
    ]
    rows = [
        [
            row.date,
            row.title,
            row.type_label,
            row.body or NO_VALUE,
            row.label,
            row.outcome,
            _paragraph(row.paragraph),
            row.diarienummer or "",
        ]
        for row in report.decisions
    ]
    return Sheet(_("Beslut under perioden"), headings, rows)


def _paragraph(value):
    """A § as a number when it is one (Excel sorts them), else as written."""
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return str(value)


REVIEW_HEADINGS = ("Datum", "Dokument", "Dokumenttyp", "Slag", "Uppgift", "Dokumentansvarig")


def review_sheet(title, rows, date_heading):
    headings = [date_heading, *(_(heading) for heading in REVIEW_HEADINGS[1:])]
    values = [
        [row.date, row.title, row.type_label, row.kind, row.detail, row.owner] for row in rows
    ]
    return Sheet(title, headings, values)


def ownerless_sheet(report):
    headings = [_("Dokument"), _("Dokumenttyp"), _("Dokumentansvarig"), _("Revideras senast")]
    rows = [[row.title, row.type_label, row.owner, row.next_review] for row in report.ownerless]
    return Sheet(_("Saknar ansvarig"), headings, rows)


def required_sheet(report):
    headings = [
        _("Policy"),
        _("Krävt dokument"),
        _("Dokumenttyp"),
        _("LIS-område"),
        _("Uppfylls av"),
        _("Finns"),
        _("Fastställt"),
        _("Aktuellt"),
        _("Bedömning"),
    ]
    rows = [
        [
            f"{policy.type_label}: {policy.title}",
            row.title,
            row.type_label,
            row.lis_area or NO_VALUE,
            row.document_title or NO_VALUE,
            yes_no(row.exists),
            yes_no(row.adopted),
            yes_no(row.current),
            row.status_label,
        ]
        for policy in report.required
        for row in policy.rows
    ]
    return Sheet(_("Krävda riktlinjer"), headings, rows)


def lis_sheet(report):
    headings = [
        _("Nr"),
        _("LIS-område"),
        _("Antal aktuella"),
        _("Aktuella dokument"),
        _("Bedömning"),
    ]
    rows = [
        [
            area.number,
            area.name,
            len(area.documents),
            "; ".join(document.title for document in area.documents) or NO_VALUE,
            _("Saknar aktuella dokument") if area.missing else _("Har aktuella dokument"),
        ]
        for area in report.lis_coverage
    ]
    return Sheet(_("LIS-områden"), headings, rows)


def plain_language_sheet(report):
    language = report.plain_language
    headings = [_("Dokument"), _("Dokumenttyp"), _("LIX"), _("Dokumentansvarig")]
    rows = [
        [row.title, row.type_label, None if row.lix is None else round(row.lix), row.owner]
        for row in (language.difficult if language is not None else [])
    ]
    return Sheet(_("Klarspråk (svår text)"), headings, rows)


# As in the PDF: each question names its first items of evidence and of what is missing, and
# how many more there are; the sheets before it list them all. (Listing every item under every
# question repeated most of the register several times: at 10,000 documents the sheet alone
# held more cells than the rest of the workbook.)
AUDIT_ITEMS = 12


def _audit_rows(question, label, items, describe):
    rows = [
        [question.number, question.question, label, *describe(item)] for item in items[:AUDIT_ITEMS]
    ]
    if len(items) > AUDIT_ITEMS:
        more = _("… och %(count)s till, se flikarna före denna") % {
            "count": len(items) - AUDIT_ITEMS
        }
        rows.append([question.number, question.question, label, "", more])
    return rows


def audit_sheet(report):
    """One block of rows per question: its evidence, then what is missing; the rules, which
    are long and the same for every row of a question, in a block of their own at the end."""
    headings = [_("Nr"), _("Fråga"), _("Underlag eller saknas"), _("Slag"), _("Uppgift")]
    rows = []
    for question in report.audit_questions:
        rows += _audit_rows(
            question, _("Underlag"), question.evidence, lambda item: (item.kind, item.text)
        )
        rows += _audit_rows(question, _("Saknas"), question.missing, lambda item: ("", str(item)))
        if not question.evidence and not question.missing:
            rows.append([question.number, question.question, "", "", ""])
    for question in report.audit_questions:
        rows.append([question.number, question.question, _("Regel"), "", question.rule])
    return Sheet(_("Revisorernas frågor"), headings, rows)


def organisations_sheet(report):
    headings = [_("Förvaltning"), _("I tid"), _("Revision snart"), _("Försenade"), _("Totalt")]
    rows = [
        [row.name, row.in_time, row.due_soon, row.overdue, row.total]
        for row in report.status_by_organisation
    ]
    return Sheet(_("Granskningsläge per förvaltning"), headings, rows)


def kvittens_sheet(report):
    """Read acknowledgement per document that requires it (the report's Kvittens section)."""
    headings = [
        _("Dokument"),
        _("Version"),
        _("Beslutsdatum"),
        _("Bekräftat av"),
        _("Ska bekräfta"),
        _("Andel (%)"),
        _("Dagar sedan beslut"),
        _("Beslutad under perioden"),
    ]
    summary = report.kvittens
    rows = [
        [
            row.title,
            row.version,
            row.decision_date,
            row.confirmed,
            row.audience,
            None if row.share is None else round(row.share, 1),
            row.days_since_decision,
            _("Ja") if row.decided_in_period else _("Nej"),
        ]
        for row in (summary.rows if summary is not None else [])
    ]
    return Sheet(_("Kvittens"), headings, rows)


def report_sheets(report, audience_note):
    """The sheets in the order of the report's sections."""
    return [
        summary_sheet(report, audience_note),
        types_sheet(report),
        organisations_sheet(report),
        decisions_sheet(report),
        review_sheet(_("Genomförda revisioner"), report.reviews_done, _("Datum")),
        review_sheet(_("Ska revideras"), report.reviews_due, _("Revideras senast")),
        review_sheet(_("Försenade"), report.reviews_overdue, _("Revideras senast")),
        ownerless_sheet(report),
        required_sheet(report),
        lis_sheet(report),
        plain_language_sheet(report),
        kvittens_sheet(report),
        audit_sheet(report),
    ]


def report_filename(report):
    return f"arlig-genomgang-{report.start:%Y-%m-%d}--{report.end:%Y-%m-%d}.xlsx"


def report_workbook(report, audience_note=""):
    """The report as XLSX bytes."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"{report.title} {report.period_label}"
    workbook.properties.creator = "Styrdok"
    for sheet in report_sheets(report, audience_note):
        write_sheet(workbook, sheet)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
