"""The yearly report's charts, built from the report's own data (reports.annual_report), so each
chart shows exactly the numbers of the table beside it."""

from dataclasses import dataclass

from .formatting import format_number, format_percent
from .svg import (
    STATUS_STYLES,
    Bar,
    Series,
    Style,
    line_chart,
    series_style,
    stacked_bar_chart,
)

DOCUMENTS = "dokument"
# The date-based statuses, as the per-förvaltning chart splits them.
DATE_SERIES = (
    Series("i-tid", "I tid", STATUS_STYLES["aktuell"]),
    Series("snart", "Revision snart", STATUS_STYLES["snart"]),
    Series("forsenad", "Försenad", STATUS_STYLES["forsenad"]),
)
REQUIRED_STYLES = (
    STATUS_STYLES["aktuell"],
    STATUS_STYLES["snart"],
    STATUS_STYLES["under-revision"],
    STATUS_STYLES["forsenad"],
)
COVERAGE_STYLE = Style("#2b5797")


def count_text(value, unit=DOCUMENTS):
    return f"{format_number(value)} {unit}"


def bar_sentence(bar, series, unit=DOCUMENTS, empty="inga"):
    """'Riktlinje: 12 dokument, varav 9 aktuell och 3 försenad.'"""
    if not bar.total:
        return f"{bar.label}: {empty}."
    parts = [
        f"{format_number(value)} {item.label.lower()}"
        for item, value in zip(series, bar.values, strict=True)
        if value
    ]
    if len(series) == 1:
        return f"{bar.label}: {count_text(bar.total, unit)}."
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]
    return f"{bar.label}: {count_text(bar.total, unit)}, varav {listed}."


def describe(bars, series, unit=DOCUMENTS, lead="", empty="inga"):
    sentences = [bar_sentence(bar, series, unit, empty) for bar in bars]
    return " ".join(part for part in (lead, *sentences) if part)


def types_chart(report):
    """Styrdokument per typ och status: a stacked bar per document type."""
    series = [
        Series(status.status, status.label, STATUS_STYLES[status.status])
        for status in report.statuses
    ]
    bars = [Bar(row.label, [cell.count for cell in row.counts]) for row in report.type_rows]
    as_of = f"{report.as_of:%Y-%m-%d}"
    return stacked_bar_chart(
        "diagram-typ-status",
        f"Styrdokument per dokumenttyp och revisionsstatus per {as_of}",
        f"Diagram: styrdokument per dokumenttyp och revisionsstatus per {as_of}. "
        "Siffrorna står i tabellen nedan.",
        series,
        bars,
        describe(bars, series, lead=f"Totalt {count_text(report.headline.total_documents)}."),
        axis_label="Antal dokument",
    )


def organisations_chart(report):
    """Revisionsstatus per förvaltning: i tid, revision snart, försenad."""
    rows = report.status_by_organisation
    if not rows:
        return None
    bars = [Bar(row.name, row.counts) for row in rows]
    as_of = f"{report.as_of:%Y-%m-%d}"
    return stacked_bar_chart(
        "diagram-forvaltning",
        f"Revisionsstatus per förvaltning per {as_of}",
        f"Diagram: dokument i tid, med revision snart och försenade per förvaltning, per {as_of}.",
        list(DATE_SERIES),
        bars,
        describe(bars, DATE_SERIES),
        axis_label="Antal dokument",
    )


def lis_chart(report):
    """Täckning av LIS-områdena: current documents per area; an area with none says so."""
    series = [Series("aktuella", "Aktuella dokument", COVERAGE_STYLE)]
    bars = [
        Bar(
            f"{area.number}. {area.name}",
            [len(area.documents)],
            end_label="saknas" if area.missing else "",
        )
        for area in report.lis_coverage
    ]
    missing = len(report.lis_missing)
    lead = (
        f"{missing} av {len(bars)} områden saknar aktuella dokument."
        if missing
        else f"Alla {len(bars)} områden har aktuella dokument."
    )
    return stacked_bar_chart(
        "diagram-lis",
        "Aktuella dokument per LIS-område",
        "Diagram: antal aktuella, fastställda dokument inom vart och ett av de tio "
        "LIS-områdena. Ett område utan dokument är märkt saknas.",
        series,
        bars,
        describe(bars, series, lead=lead, empty="inga aktuella dokument, saknas"),
        axis_label="Antal aktuella dokument",
    )


def required_chart(report):
    """The riktlinjer and rutiner each policy requires, by where they stand."""
    policies = [policy for policy in report.required if policy.rows]
    if not policies:
        return None
    from ..annual_report import REQUIRED_STATUS_LABELS

    series = [
        Series(f"krav-{index}", label, style)
        for index, (label, style) in enumerate(
            zip(REQUIRED_STATUS_LABELS, REQUIRED_STYLES, strict=True)
        )
    ]
    bars = [
        Bar(
            policy.title,
            policy.status_counts,
            end_label=f"{policy.met_count} av {len(policy.rows)} uppfyllda",
        )
        for policy in policies
    ]
    return stacked_bar_chart(
        "diagram-kravda",
        "Dokument som policyn kräver, efter status",
        "Diagram: de riktlinjer och rutiner som policyn kräver, efter om de finns, är "
        "fastställda och aktuella.",
        series,
        bars,
        describe(bars, series, unit="krävda dokument"),
        axis_label="Antal krävda dokument",
    )


def decisions_chart(report):
    """Beslut per månad och beslutande organ."""
    if not report.decisions:
        return None
    series = [
        Series(f"organ-{index}", body, series_style(index))
        for index, body in enumerate(report.decision_bodies)
    ]
    bars = [Bar(row.label, row.counts) for row in report.decisions_by_month]
    per_body = ", ".join(
        f"{body} {format_number(sum(row.counts[index] for row in report.decisions_by_month))}"
        for index, body in enumerate(report.decision_bodies)
    )
    lead = f"Totalt {count_text(len(report.decisions), 'beslut')}: {per_body}."
    return stacked_bar_chart(
        "diagram-beslut",
        f"Beslut per månad och beslutande organ {report.period_label}",
        "Diagram: beslut och aktualitetsprövningar per månad, uppdelade på beslutande organ.",
        series,
        bars,
        describe(bars, series, unit="beslut", lead=lead),
        axis_label="Antal beslut",
    )


def trend_chart(trend, chart_id="diagram-utveckling", caption=None):
    """The daily measurements as lines: försenade, revision snart, saknar ansvarig."""
    if trend is None or not trend.visible or not trend.points:
        return None
    from ..snapshots import TREND_SERIES

    lines = [
        (short, [point.values[name] for point in trend.points])
        for name, _subject, short in TREND_SERIES
    ]
    first, last = trend.points[0], trend.points[-1]
    span = f"{first.label} – {last.label}" if len(trend.points) > 1 else first.label
    return line_chart(
        chart_id,
        f"Utvecklingen {span}",
        caption
        or (
            "Diagram: antal försenade dokument, dokument med revision snart och dokument utan "
            "dokumentansvarig, "
            + ("enligt månadens sista mätning." if trend.by_month else "dag för dag.")
        ),
        [point.short_label for point in trend.points],
        lines,
        " ".join(trend.sentences),
    )


@dataclass
class AnnualCharts:
    types: object
    organisations: object
    lis: object
    required: object
    decisions: object
    trend: object
    kvittens: object = None


def annual_report_charts(report):
    return AnnualCharts(
        types=types_chart(report),
        organisations=organisations_chart(report),
        lis=lis_chart(report),
        required=required_chart(report),
        decisions=decisions_chart(report),
        trend=trend_chart(report.trend),
        kvittens=kvittens_chart(report),
    )


def kvittens_chart(report):
    """Read coverage per document that requires kvittens (None when none does)."""
    summary = getattr(report, "kvittens", None)
    if summary is None or not summary.rows:
        return None
    return read_coverage_chart(
        [(row.title, row.confirmed, row.audience) for row in summary.rows],
        title="Kvittens per dokument",
        caption="Diagram: hur många av dem som ska läsa varje dokument som har bekräftat att "
        "de har läst och förstått den version som gäller.",
    )


# -- for other sections: shares such as read coverage (kvittens) --------------------------------


def _share_row(row):
    """(label, done, total) from a tuple or a mapping with label/done/total (or the kvittens
    names title/read/recipients)."""
    if isinstance(row, dict):
        label = row.get("label", row.get("title", ""))
        done = row.get("done", row.get("read", 0))
        total = row.get("total", row.get("recipients", 0))
        return str(label), int(done or 0), int(total or 0)
    label, done, total = row
    return str(label), int(done or 0), int(total or 0)


def share_chart(
    rows,
    *,
    chart_id,
    title,
    caption,
    done_label,
    missing_label,
    unit="personer",
):
    """A bar per row split into done and not done, with "42 av 60 (70 %)" after it.

    `rows` are plain rows: (label, done, total) tuples, or mappings with label, done and total.
    Returns None when there are no rows.
    """
    rows = [_share_row(row) for row in rows]
    if not rows:
        return None
    series = [
        Series("klar", done_label, STATUS_STYLES["aktuell"]),
        Series("ej-klar", missing_label, STATUS_STYLES["snart"]),
    ]
    bars = [
        Bar(
            label,
            [min(done, total), max(total - done, 0)],
            end_label=f"{format_number(done)} av {format_number(total)} "
            f"({format_percent(done, total)})",
        )
        for label, done, total in rows
    ]
    sentences = [
        f"{label}: {format_number(done)} av {format_number(total)} {unit} "
        f"{done_label.lower()} ({format_percent(done, total)})."
        if total
        else f"{label}: inga {unit}."
        for label, done, total in rows
    ]
    return stacked_bar_chart(
        chart_id, title, caption, series, bars, " ".join(sentences), axis_label=f"Antal {unit}"
    )


def read_coverage_chart(rows, chart_id="diagram-kvittens", caption=None, title=None):
    """Read coverage (kvittens) per document: rows of (document title, read, recipients), or
    mappings with title/read/recipients, e.g. from kvittens.coverage.annual_summary."""
    return share_chart(
        rows,
        chart_id=chart_id,
        title=title or "Läskvittenser per dokument",
        caption=caption
        or "Diagram: hur många av mottagarna som har kvitterat att de läst varje dokument.",
        done_label="Har läst",
        missing_label="Har inte läst",
    )
