"""CSV exports that Swedish Excel opens as columns of data, never as formulas.

Every CSV export in Styrdok is produced by Wagtail's SpreadsheetExportMixin (Styrdok's reports
and listings and Wagtail's own), so one patch of it covers them all:

- Formulas: Excel and LibreOffice evaluate a CSV cell that starts with = + - @ (and, after a tab
  or carriage return, whatever follows) as a formula, so a document title such as
  ``=HYPERLINK(...)`` would run on the computer of whoever opens the export. Such a cell gets a
  leading apostrophe. XLSX needs nothing: Wagtail writes text cells as text, never as formulas.
- Swedish Excel: a double-clicked CSV file is read in the system's code page unless it starts
  with a UTF-8 byte order mark (without it "Översyn" arrives as "Ã–versyn"), and split on the
  system's list separator, which is the semicolon wherever the decimal separator is the comma.
  So the file starts with the BOM, columns are separated by semicolons, decimals are written
  with a comma, and times are the kommun's local time without seconds' fractions or offset
  (which would keep Excel from reading them as times). Python's csv module quotes a cell that
  holds a semicolon, a quote or a line break, so titles with them stay in one cell.
"""

import csv
import datetime
import decimal

from django.utils import timezone
from wagtail.admin.views.mixins import Echo, SpreadsheetExportMixin

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
DELIMITER = ";"


def neutralise_csv_cell(value):
    """The value as a CSV cell that a spreadsheet shows as text.

    A string starting with a formula trigger gets a leading apostrophe, which spreadsheet programs
    treat as "this is text" (OWASP's recommendation). Other values are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def swedish_csv_value(value):
    """Numbers and times as Swedish Excel reads them from a CSV file; other values unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (float, decimal.Decimal)):
        return str(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%Y-%m-%d %H:%M}"
    return value


def csv_writer(fieldnames):
    return csv.DictWriter(Echo(), fieldnames=fieldnames, delimiter=DELIMITER)


def stream_csv(self, queryset):
    """Wagtail's stream_csv with the byte order mark first and semicolons between cells."""
    writer = csv_writer(self.list_export)
    yield BOM.encode("utf-8")
    yield writer.writerow({field: self.get_heading(queryset, field) for field in self.list_export})
    for item in queryset:
        yield self.write_csv_row(writer, self.to_row_dict(item))


def protect_wagtail_csv_exports():
    """Route every CSV export of Wagtail's SpreadsheetExportMixin through this module."""
    if getattr(SpreadsheetExportMixin, "_styrdok_csv_safe", False):
        return
    original = SpreadsheetExportMixin.preprocess_field_value

    def preprocess_field_value(self, field, value, export_format):
        value = original(self, field, value, export_format)
        if export_format != SpreadsheetExportMixin.FORMAT_CSV:
            return value
        if isinstance(value, str):
            return neutralise_csv_cell(value)
        # A number or a time the export left as it is: written for Swedish Excel (a negative
        # number is a number, not a formula, so it is not neutralised).
        return swedish_csv_value(value)

    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
    SpreadsheetExportMixin.stream_csv = stream_csv
    SpreadsheetExportMixin._styrdok_csv_safe = True
