"""The yearly report's long lists as HTML, for the admin page and the PDF.

At kommun scale the report has tens of thousands of cells (every current document in each of
its LIS areas and audit questions, every decision and review of the year). Django's template
engine spends about 20 µs on each variable it resolves, which made rendering take seconds; these
tags write the same markup from Python, escaping every value, in a fraction of that. pdf=True
leaves out the admin links, as the templates did.
"""

from html import escape as html_escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

NO_VALUE = "–"
PLACEHOLDER = 987654321


def escape(value):
    """django.utils.html.escape without its lazy-string wrapper, which costs more than the
    escaping itself over tens of thousands of cells; the same characters are escaped."""
    return html_escape(str(value))


def _url_maker(name):
    """pk -> the named URL, reversed once: reversing per row costs more than the row."""
    prefix, suffix = reverse(name, args=[PLACEHOLDER]).split(str(PLACEHOLDER))
    return lambda pk: f"{prefix}{pk}{suffix}"


def _date(value, default=""):
    return f"{value:%Y-%m-%d}" if value else default


def _title(row, url):
    title = escape(row.title)
    return title if url is None else f'<a href="{url(row.pk)}">{title}</a>'


@register.simple_tag
def decision_rows(rows, pdf):
    url = None if pdf else _url_maker("styrdok_history:document")
    return mark_safe(
        "\n".join(
            "<tr>"
            f'<td class="nowrap">{_date(row.date)}</td>'
            f'<th scope="row">{_title(row, url)}</th>'
            f"<td>{escape(row.type_label)}</td>"
            f"<td>{escape(row.body or NO_VALUE)}</td>"
            f"<td>{escape(row.outcome)}</td>"
            f'<td class="nowrap">{escape(row.paragraph_display)}</td>'
            f'<td class="nowrap">{escape(row.diarienummer)}</td>'
            "</tr>"
            for row in rows
        )
    )


@register.simple_tag
def reviews_done_rows(rows):
    return mark_safe(
        "\n".join(
            "<tr>"
            f'<td class="nowrap">{_date(row.date)}</td>'
            f'<th scope="row">{escape(row.title)}</th>'
            f"<td>{escape(row.kind)}</td>"
            f"<td>{escape(row.detail)}</td>"
            f"<td>{escape(row.owner)}</td>"
            "</tr>"
            for row in rows
        )
    )


@register.simple_tag
def review_rows(rows, pdf):
    """Documents due in the period or overdue, linked to their review page in the admin."""
    url = None if pdf else _url_maker("styrdok_review:overview")
    return mark_safe(
        "\n".join(
            "<tr>"
            f'<td class="nowrap">{_date(row.date)}</td>'
            f'<th scope="row">{_title(row, url)}</th>'
            f"<td>{escape(row.type_label)}</td>"
            f"<td>{escape(row.detail)}</td>"
            f"<td>{escape(row.owner)}</td>"
            "</tr>"
            for row in rows
        )
    )


@register.simple_tag
def ownerless_rows(rows, pdf):
    url = None if pdf else _url_maker("wagtailadmin_pages:edit")
    nobody = escape(_("Ingen angiven"))
    return mark_safe(
        "\n".join(
            "<tr>"
            f'<th scope="row">{_title(row, url)}</th>'
            f"<td>{escape(row.type_label)}</td>"
            f"<td>{nobody if row.owner == NO_VALUE else escape(row.owner)}</td>"
            f'<td class="nowrap">{_date(row.next_review, NO_VALUE)}</td>'
            "</tr>"
            for row in rows
        )
    )


@register.simple_tag
def document_titles(documents):
    """The titles, separated by semicolons; a dash when there are none."""
    return mark_safe("; ".join(escape(d.title) for d in documents) or NO_VALUE)


@register.simple_tag
def evidence_items(items, limit=None):
    """One <li> per evidence item, the first `limit` of them when a limit is given."""
    items = items if limit is None else items[:limit]
    return mark_safe(
        "\n".join(f"<li>{escape(item.kind)}: {escape(item.text)}</li>" for item in items)
    )


@register.simple_tag
def missing_items(items):
    return mark_safe("\n".join(f"<li>{escape(item)}</li>" for item in items))
