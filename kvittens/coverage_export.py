"""Kvittensläget as files for follow-up outside Styrdok.

- XLSX (openpyxl): the sheet "Täckning" with one row per document and organisation (and a
  row for the whole audience first), and the sheet "Saknas" with everyone who has not
  confirmed, by name and home unit.
- CSV for Swedish Excel: the "Täckning" rows, UTF-8 with a byte order mark and semicolons
  (Excel with Swedish regional settings splits on semicolons and needs the BOM to read å, ä
  and ö), every cell passed through styrdok.security.spreadsheets so that a title such as
  "=HYPERLINK(…)" stays text.
"""

import csv
import io

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from styrdok.security.spreadsheets import neutralise_csv_cell

from .coverage import missing_people, type_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's last row; a larger "Saknas" list says where it was cut instead of failing.
MAX_ROWS = 1_048_576
# The "Saknas" sheet of the whole report stops here (a request must finish in seconds); one
# document's or one organisation's export is far below it.
MAX_MISSING_ROWS = 50_000
TRUNCATED = _lazy(
    "Listan är avkortad efter %(limit)s rader. Välj en organisation eller ladda ned ett "
    "dokuments kvittensläge för hela listan."
)


def coverage_headings():
    return [
        _("Dokument"),
        _("Dokumenttyp"),
        _("Gällande version"),
        _("Version att bekräfta"),
        _("Beslutsdatum"),
        _("Dagar sedan beslut"),
        _("Organisation"),
        _("Nivå"),
        _("Har bekräftat"),
        _("Ska bekräfta"),
        _("Saknas"),
        _("Andel bekräftat (%)"),
    ]


def missing_headings():
    return [
        _("Dokument"),
        _("Version att bekräfta"),
        _("Namn"),
        _("Användarnamn"),
        _("E-post"),
        _("Organisation"),
    ]


def coverage_rows(items, tree, organisation=None):
    """One row per document and organisation: first the document's whole audience (or the
    chosen organisation's), then each unit with its own people and those below it."""
    whole = organisation.name if organisation is not None else _("Hela kommunen")
    only = set(tree.subtree(organisation.pk)) if organisation is not None else None
    for item in items:
        document = item.document
        common = [
            document.title,
            type_label(document.document_type),
            item.version,
            item.required_version,
            item.decided_on,
            item.days_since_decision,
        ]
        yield [*common, whole, _("Totalt"), *_figures(item.tally)]
        for row in item.organisation_rows(tree, only=only):
            yield [*common, row.name, row.kind, *_figures(row.tally)]


def _figures(tally):
    share = tally.share
    return [
        tally.confirmed,
        tally.audience,
        tally.missing,
        None if share is None else round(share, 1),
    ]


def missing_rows(items, tree, organisation=None, limit=MAX_MISSING_ROWS):
    """Everyone who has not confirmed, document by document (one query per document), at most
    `limit` rows: the whole kommun's list for every document can run to hundreds of thousands
    of rows, so a longer list ends with a row saying how to get the rest."""
    written = 0
    for item in items:
        people = missing_people(item, organisation=organisation, tree=tree).values_list(
            "first_name",
            "last_name",
            "username",
            "email",
            "kvittens_membership__organisation__name",
        )
        for first, last, username, email, unit in people.iterator(chunk_size=5000):
            if written >= limit:
                yield [TRUNCATED % {"limit": f"{limit:,}".replace(",", " ")}]
                return
            written += 1
            yield [
                item.document.title,
                item.required_version,
                f"{first} {last}".strip() or username,
                username,
                email,
                unit or _("Utan organisationstillhörighet"),
            ]


def _cell(sheet, value, bold=False):
    cell = WriteOnlyCell(sheet, value)
    if cell.data_type == "f":
        # A title that starts with "=" is text, never a formula.
        cell.data_type = "s"
    if hasattr(value, "year"):
        cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet(workbook, title, headings, rows, widths):
    sheet = workbook.create_sheet(title=title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, heading, bold=True) for heading in headings])
    written = 1
    for row in rows:
        if written >= MAX_ROWS - 1:
            sheet.append([_cell(sheet, _("Listan är avkortad: Excel rymmer inte fler rader."))])
            break
        sheet.append([_cell(sheet, value) for value in row])
        written += 1
    return sheet


def write_workbook(items, tree, organisation, output):
    workbook = Workbook(write_only=True, iso_dates=True)
    _sheet(
        workbook,
        _("Täckning"),
        coverage_headings(),
        coverage_rows(items, tree, organisation),
        [50, 16, 10, 12, 12, 10, 40, 14, 12, 12, 10, 12],
    )
    _sheet(
        workbook,
        _("Saknas"),
        missing_headings(),
        missing_rows(items, tree, organisation),
        [50, 12, 30, 20, 34, 40],
    )
    workbook.save(output)


def xlsx_response(items, tree, organisation, filename):
    output = io.BytesIO()
    write_workbook(items, tree, organisation, output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, content_type=XLSX_TYPE, filename=f"{filename}.xlsx"
    )


def csv_text(items, tree, organisation=None):
    """The "Täckning" rows as CSV for Swedish Excel (BOM, semicolons, decimal comma)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(coverage_headings())
    for row in coverage_rows(items, tree, organisation):
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralise_csv_cell(value)


def csv_response(items, tree, organisation, filename):
    response = HttpResponse(
        csv_text(items, tree, organisation), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
