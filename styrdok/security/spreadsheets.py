"""CSV exports that a spreadsheet program opens as data, never as formulas.

Excel and LibreOffice evaluate a CSV cell that starts with = + - @ (and, after a tab or carriage
return, whatever follows) as a formula, so a document title such as ``=HYPERLINK(...)`` would run
on the computer of whoever opens the export. Every CSV export in Styrdok is produced by Wagtail's
SpreadsheetExportMixin (Styrdok's reports and Wagtail's own), so one patch of its cell writer
covers them all. XLSX needs nothing: Wagtail writes text cells as text, never as formulas.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(value):
    """The value as a CSV cell that a spreadsheet shows as text.

    A string starting with a formula trigger gets a leading apostrophe, which spreadsheet programs
    treat as "this is text" (OWASP's recommendation). Other values are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def protect_wagtail_csv_exports():
    """Route every CSV cell of Wagtail's spreadsheet exports through neutralise_csv_cell."""
    if getattr(SpreadsheetExportMixin, "_styrdok_csv_safe", False):
        return
    original = SpreadsheetExportMixin.preprocess_field_value

    def preprocess_field_value(self, field, value, export_format):
        value = original(self, field, value, export_format)
        if export_format == SpreadsheetExportMixin.FORMAT_CSV:
            return neutralise_csv_cell(value)
        return value

    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
    SpreadsheetExportMixin._styrdok_csv_safe = True
