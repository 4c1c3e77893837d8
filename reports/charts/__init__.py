"""Server-side SVG charts for the reports (see svg.py for how they are drawn and made
accessible). The public entry points:

- annual_report_charts(report): the yearly report's charts;
- trend_chart(trend): the daily status measurements as lines (the report and the dashboard);
- read_coverage_chart(rows) and share_chart(rows, …): a bar per row of plain
  (label, done, total) rows, e.g. read coverage (kvittens) per document.

Render one in a template with {% load report_charts %}{% report_chart chart pdf %}.
"""

from .annual import annual_report_charts, read_coverage_chart, share_chart, trend_chart
from .formatting import format_number, format_percent, month_label
from .svg import Bar, Chart, Series, line_chart, stacked_bar_chart

__all__ = [
    "Bar",
    "Chart",
    "Series",
    "annual_report_charts",
    "format_number",
    "format_percent",
    "line_chart",
    "month_label",
    "read_coverage_chart",
    "share_chart",
    "stacked_bar_chart",
    "trend_chart",
]
