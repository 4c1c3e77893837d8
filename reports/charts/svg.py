"""Server-side SVG charts: plain SVG written here, with no script and no dependency, so the
same markup shows in the admin, prints, and is drawn by WeasyPrint into the report's PDF.

Every chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>` (the
numbers in Swedish words), and is read alongside a visible caption and a data table in the
template (templates/reports/charts/figure.html). Nothing is told by colour alone: each series
has a pattern as well as a colour, segments carry their values where they fit, the legend names
every series, and lines differ in dash and marker. Every fill has at least 3:1 contrast with
the white background, and text on a fill at least 4.5:1, so the charts read in grayscale print.
"""

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .formatting import format_number

WIDTH = 680
FONT_SIZE = 12
SMALL_FONT_SIZE = 11
CHAR_EM = 0.58  # the average width of a character, in em, for laying out labels
TEXT = "#1b1b1b"
MUTED = "#595959"  # 7:1 on white
GRID = "#8c8c8c"  # grid lines are orientation only, not information
WHITE = "#ffffff"
PDF_FONT = "DejaVu Sans, Liberation Sans, sans-serif"


@dataclass(frozen=True)
class Style:
    """How one series is drawn: a fill, a pattern over it, and the text colour on it."""

    colour: str
    pattern: str = "solid"
    light: bool = False  # a light fill takes dark text and light pattern lines

    @property
    def text_colour(self):
        return TEXT if self.light else WHITE

    @property
    def line_colour(self):
        return "#f2f2f2" if self.light else "#1b1b1b"


# Fills either dark (white text, luminance <= 0.18) or light (dark text, 0.225-0.30): both
# keep 3:1 against white. The tests check every one.
STATUS_STYLES = {
    "aktuell": Style("#1e6b3a"),
    "snart": Style("#c77c00", "diagonal", light=True),
    "forsenad": Style("#9e1c14", "cross"),
    "under-revision": Style("#4f9bd0", "dots", light=True),
    "saknar-agare": Style("#595959", "horizontal"),
}
SERIES_STYLES = (
    Style("#2b5797"),
    Style("#c77c00", "diagonal", light=True),
    Style("#1e6b3a", "dots"),
    Style("#a07fd0", "horizontal", light=True),
    Style("#595959", "cross"),
    Style("#54a062", "back-diagonal", light=True),
    Style("#9e1c14", "vertical"),
    Style("#4f9bd0", "dots", light=True),
)
# Lines: dark enough for 3:1, and told apart by dash and marker too.
LINE_STYLES = (
    ("#9e1c14", "", "square"),
    ("#8a5300", "8 4", "triangle"),
    ("#595959", "2 3", "circle"),
    ("#1e6b3a", "12 4 2 4", "diamond"),
    ("#2b5797", "4 4", "square"),
)

PATTERN_PATHS = {
    "diagonal": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4",
    "back-diagonal": "M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4",
    "cross": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4 M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4",
    "horizontal": "M0,4 h8",
    "vertical": "M4,0 v8",
}


def series_style(index):
    return SERIES_STYLES[index % len(SERIES_STYLES)]


@dataclass
class Series:
    key: str
    label: str
    style: Style


@dataclass
class Chart:
    """One chart: its name, its text alternative, its caption and the drawing."""

    id: str
    title: str
    description: str
    caption: str
    width: int
    height: int
    body: str = field(repr=False)

    def svg(self, pdf=False):
        """The <svg>. In the PDF the title carries the whole text alternative: WeasyPrint
        makes the <title> the figure's /Alt text, and a PDF reader has no <desc>."""
        title_id, desc_id = f"{self.id}-titel", f"{self.id}-beskrivning"
        title = f"{self.title}. {self.description}" if pdf else self.title
        font = f' font-family="{PDF_FONT}"' if pdf else ""
        return mark_safe(
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {self.width} {self.height}" '
            f'width="{self.width}" height="{self.height}" class="report-chart__svg" '
            f'font-size="{FONT_SIZE}"{font}>'
            f'<title id="{title_id}">{escape(title)}</title>'
            f'<desc id="{desc_id}">{escape(self.description)}</desc>'
            f"{self.body}</svg>"
        )


# -- drawing helpers --------------------------------------------------------------------------


def text_width(text, size=FONT_SIZE):
    return len(text) * size * CHAR_EM


def fit(text, width, size=FONT_SIZE):
    """The label cut with an ellipsis to fit `width` (the full text is in the table)."""
    room = int(width / (size * CHAR_EM))
    return text if len(text) <= room else text[: max(room - 1, 1)].rstrip() + "…"


def svg_text(x, y, text, anchor="start", size=FONT_SIZE, fill=TEXT, weight=None):
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{bold}>{escape(text)}</text>'
    )


def pattern_id(chart_id, series_index):
    return f"{chart_id}-monster-{series_index}"


def patterns(chart_id, series):
    """<defs> with a pattern for each patterned series, unique to this chart."""
    defs = []
    for index, item in enumerate(series):
        style = item.style
        if style.pattern == "solid":
            continue
        if style.pattern == "dots":
            mark = f'<circle cx="4" cy="4" r="1.6" fill="{style.line_colour}"/>'
        else:
            mark = (
                f'<path d="{PATTERN_PATHS[style.pattern]}" stroke="{style.line_colour}" '
                f'stroke-width="1.4"/>'
            )
        defs.append(
            f'<pattern id="{pattern_id(chart_id, index)}" patternUnits="userSpaceOnUse" '
            f'width="8" height="8"><rect width="8" height="8" fill="{style.colour}"/>'
            f"{mark}</pattern>"
        )
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def fill_of(chart_id, index, style):
    if style.pattern == "solid":
        return style.colour
    return f"url(#{pattern_id(chart_id, index)})"


def nice_ceiling(value):
    """The axis maximum: 1, 2, 2.5 or 5 times a power of ten, at least `value`."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return max(1, math.ceil(step * power))
    return value


def ticks(maximum, count=5):
    """Whole-number tick values from 0 to `maximum`."""
    step = max(1, math.ceil(maximum / count))
    return list(range(0, maximum + 1, step))


def legend(chart_id, series, top, left=0, width=WIDTH):
    """Swatches with labels, wrapped onto as many rows as needed; returns (markup, height)."""
    parts, x, y = [], left, top
    for index, item in enumerate(series):
        needed = 22 + text_width(item.label) + 18
        if x > left and x + needed > width:
            x, y = left, y + 20
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="14" height="14" '
            f'fill="{fill_of(chart_id, index, item.style)}" stroke="{TEXT}" stroke-width="0.75"/>'
        )
        parts.append(svg_text(x + 20, y + 11.5, item.label))
        x += needed
    return "".join(parts), (y - top) + 24


# -- horizontal stacked bars ------------------------------------------------------------------

ROW_HEIGHT = 26
BAR_HEIGHT = 18
LABEL_MAX = 260
END_ROOM = 90


@dataclass
class Bar:
    """One category: its label, one value per series, and the text after the bar."""

    label: str
    values: list
    end_label: str = ""

    @property
    def total(self):
        return sum(self.values)


def _value_label(x, y, width, value, style):
    """The segment's value on a solid patch of its colour (a pattern would hide the digits)."""
    label = format_number(value)
    label_width = text_width(label, SMALL_FONT_SIZE) + 6
    if label_width > width - 2:
        return ""
    centre = x + width / 2
    return (
        f'<rect x="{centre - label_width / 2:.1f}" y="{y + 3:.1f}" width="{label_width:.1f}" '
        f'height="{BAR_HEIGHT - 6}" fill="{style.colour}"/>'
        + svg_text(
            centre,
            y + BAR_HEIGHT / 2 + 4,
            label,
            anchor="middle",
            size=SMALL_FONT_SIZE,
            fill=style.text_colour,
            weight="bold",
        )
    )


def _segments(chart_id, series, bar, x0, y, scale):
    """The bar's segments; with more than one series each carries its value where it fits
    (a single series has its value after the bar)."""
    parts, x = [], x0
    for index, (item, value) in enumerate(zip(series, bar.values, strict=True)):
        if not value:
            continue
        width = value * scale
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{fill_of(chart_id, index, item.style)}" stroke="{WHITE}" '
            f'stroke-width="1"/>'
        )
        if len(series) > 1:
            parts.append(_value_label(x, y, width, value, item.style))
        x += width
    return "".join(parts), x


def _axis(maximum, x0, plot_width, top, bottom):
    parts = []
    for value in ticks(maximum):
        x = x0 + plot_width * value / maximum
        parts.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
            f'stroke="{GRID}" stroke-width="0.5" stroke-dasharray="2 3"/>'
        )
        parts.append(
            svg_text(x, bottom + 14, format_number(value), anchor="middle", size=SMALL_FONT_SIZE)
        )
    return "".join(parts)


def stacked_bar_chart(chart_id, title, caption, series, bars, description, axis_label=""):
    """Horizontal bars, one per category, each split into the series' values."""
    label_width = min(LABEL_MAX, max([text_width(bar.label) for bar in bars] + [60]) + 8)
    plot_width = WIDTH - label_width - END_ROOM
    legend_markup, legend_height = legend(chart_id, series, top=4) if len(series) > 1 else ("", 0)
    top = legend_height + 8
    maximum = nice_ceiling(max([bar.total for bar in bars] + [1]))
    scale = plot_width / maximum
    bottom = top + len(bars) * ROW_HEIGHT
    # The grid first, under the bars.
    parts = [
        patterns(chart_id, series),
        legend_markup,
        _axis(maximum, label_width, plot_width, top - 4, bottom),
    ]
    for row, bar in enumerate(bars):
        y = top + row * ROW_HEIGHT
        parts.append(
            svg_text(
                label_width - 8, y + BAR_HEIGHT / 2 + 4, fit(bar.label, label_width - 8), "end"
            )
        )
        markup, end = _segments(chart_id, series, bar, label_width, y, scale)
        parts.append(markup)
        end_text = bar.end_label or format_number(bar.total)
        parts.append(svg_text(end + 6, y + BAR_HEIGHT / 2 + 4, end_text, size=SMALL_FONT_SIZE))
    height = bottom + 22
    if axis_label:
        parts.append(
            svg_text(
                label_width + plot_width / 2, height + 6, axis_label, "middle", SMALL_FONT_SIZE
            )
        )
        height += 16
    # The axis line last, over the bars' left ends.
    parts.append(
        f'<line x1="{label_width}" y1="{top - 4}" x2="{label_width}" y2="{bottom}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    return Chart(chart_id, title, description, caption, WIDTH, int(height), "".join(parts))


# -- lines --------------------------------------------------------------------------------------

LINE_LEFT = 48
LINE_RIGHT = 150
LINE_TOP = 16
LINE_HEIGHT = 200
MAX_X_LABELS = 12


def _marker(kind, x, y, colour):
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f},{y - 4.5:.1f} l4.5,8 h-9 z" fill="{colour}"/>'
    if kind == "diamond":
        return f'<path d="M{x:.1f},{y - 5:.1f} l5,5 l-5,5 l-5,-5 z" fill="{colour}"/>'
    return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'


def _end_labels(lines, y_of, right):
    """The name and last value at the end of each line, after a sample of the line's dash and
    marker (so the label never depends on colour), nudged apart so none overlap."""
    placed = sorted(
        [y_of(values[-1]) + 4, label, index] for index, (label, values) in enumerate(lines)
    )
    for row in range(1, len(placed)):
        placed[row][0] = max(placed[row][0], placed[row - 1][0] + 15)
    parts = []
    for y, label, index in placed:
        colour, dash, marker = LINE_STYLES[index % len(LINE_STYLES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{right + 6:.1f}" y1="{y - 4:.1f}" x2="{right + 24:.1f}" y2="{y - 4:.1f}" '
            f'stroke="{colour}" stroke-width="2.5"{dashes}/>'
        )
        parts.append(_marker(marker, right + 15, y - 4, colour))
        parts.append(svg_text(right + 29, y, label, size=SMALL_FONT_SIZE))
    return "".join(parts)


def _x_labels(labels, x_of, bottom):
    step = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    shown = list(range(0, len(labels), step))
    if shown[-1] != len(labels) - 1:
        shown.append(len(labels) - 1)
    return "".join(
        svg_text(x_of(index), bottom + 16, labels[index], "middle", SMALL_FONT_SIZE)
        for index in shown
    )


def line_chart(chart_id, title, caption, x_labels, lines, description):
    """One line per series over the same points: lines is [(label, [values])]."""
    plot_width = WIDTH - LINE_LEFT - LINE_RIGHT
    bottom = LINE_TOP + LINE_HEIGHT
    maximum = nice_ceiling(max([max(values) for _label, values in lines] + [1]))
    count = len(x_labels)

    def x_of(index):
        return LINE_LEFT + (plot_width * index / (count - 1) if count > 1 else plot_width / 2)

    def y_of(value):
        return bottom - LINE_HEIGHT * value / maximum

    parts = []
    for value in ticks(maximum):
        y = y_of(value)
        parts.append(
            f'<line x1="{LINE_LEFT}" y1="{y:.1f}" x2="{LINE_LEFT + plot_width}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.5" stroke-dasharray="2 3"/>'
        )
        parts.append(svg_text(LINE_LEFT - 6, y + 4, format_number(value), "end", SMALL_FONT_SIZE))
    parts.append(
        f'<line x1="{LINE_LEFT}" y1="{LINE_TOP}" x2="{LINE_LEFT}" y2="{bottom}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
        f'<line x1="{LINE_LEFT}" y1="{bottom}" x2="{LINE_LEFT + plot_width}" y2="{bottom}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    for index, (_label, values) in enumerate(lines):
        colour, dash, marker = LINE_STYLES[index % len(LINE_STYLES)]
        points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(values))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"'
            f"{dashes}/>"
        )
        # Markers on every point while they stay apart; on a year of days, at the ends.
        every = 1 if count <= 40 else count - 1
        parts += [
            _marker(marker, x_of(i), y_of(v), colour)
            for i, v in enumerate(values)
            if i % every == 0 or i == count - 1
        ]
    labelled = [(f"{label} {format_number(values[-1])}", values) for label, values in lines]
    parts.append(_end_labels(labelled, y_of, LINE_LEFT + plot_width))
    parts.append(_x_labels(x_labels, x_of, bottom))
    return Chart(chart_id, title, description, caption, WIDTH, bottom + 26, "".join(parts))
