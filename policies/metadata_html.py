"""The metadata block every published styrdokument carries (templates/includes/
metadata_block.html) and the lists of documents under a document and on the start page
(templates/includes/document_list.html), written in Python.

The block is some twenty rows, each a few variables, filters and conditions. Through the
template engine it was a tenth of the document page's time on the intranet (0.3 ms of 10 ms,
the bare Wagtail page being 6.5 ms), and the list of child documents a twentieth; written here,
as the register writes its rows (policies.register.rows_html), they are the same markup for a
fraction of that. Every text is escaped with format_html or conditional_escape.
"""

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from governance.text_input import mailto_url

DASH = "–"


def _ymd(value):
    """A date as the templates' |date:"Y-m-d" writes it; "" for none."""
    return value.isoformat() if value else ""


def _time(value):
    return format_html('<time datetime="{}">{}</time>', _ymd(value), _ymd(value))


def _row(term, description):
    """One row: `description` is escaped unless it is markup made safe here."""
    return format_html("<div><dt>{}</dt><dd>{}</dd></div>", term, description)


def metadata_html(context, review_status):
    """The block for the template context's `page` (a document, or an adopted version's copy
    of it with `archived`). `review_status(document)` is the badge of styrdok_tags'
    review_status for this context."""
    page = context["page"]
    rows = [
        *_decision_rows(page),
        *_review_rows(page, context, review_status),
        _row("Version", page.version),
        _row("Ersätter", _supersedes(context, page)),
        *_contact_rows(page),
        *_lists(context, page),
    ]
    if context.get("is_intranet"):
        rows.append(_row("Publicering", page.get_publicity_display()))
    return format_html(
        '<section class="metadata" aria-labelledby="metadata-rubrik">\n'
        '  <h2 id="metadata-rubrik" class="visually-hidden">Uppgifter om dokumentet</h2>\n'
        '  <dl class="metadata__list">\n    {}\n  </dl>\n</section>',
        mark_safe("\n    ".join(rows)),  # noqa: S308 - each row is built by format_html
    )


def _decision_rows(page):
    """What was decided, by whom and when, and who answers for it."""
    rows = [
        _row("Dokumenttyp", page.document_type_label),
        _row("Beslutad av", (page.decision_body.name if page.decision_body else "") or DASH),
        _row("Beslutsdatum", _time(page.decision_date) if page.decision_date else DASH),
        _row("Dnr", page.diarienummer or DASH),
        _row("§", page.paragraph_display or DASH),
        _row("Dokumentansvarig", page.responsible_display or DASH),
        _row("Giltig från", _ymd(page.valid_from) or DASH),
    ]
    if page.valid_until:
        rows.append(_row("Gäller till", _ymd(page.valid_until)))
    return rows


def _review_rows(page, context, review_status):
    """When the document is to be revised, with its status (not for an archived version)."""
    archived = context.get("archived")
    review = format_html("{} ", _ymd(page.next_review) or DASH)
    if not archived:
        review += review_status(page)
        if context.get("is_intranet") and page.review_flag_note:
            review += format_html("<br><small>{}</small>", page.review_flag_note)
    rows = [_row("Revideras senast", review)]
    if page.last_reviewed and not archived:
        rows.append(_row("Senast aktualitetsprövad", _time(page.last_reviewed)))
    return rows


def _contact_rows(page):
    rows = []
    if page.contact_name or page.contact_email:
        contact = conditional_escape(page.contact_name)
        if page.contact_email:
            contact += format_html(
                ' <a href="{}">{}</a>', mailto_url(page.contact_email), page.contact_email
            )
        rows.append(_row("Kontakt", contact))
    if page.organisation:
        rows.append(_row("Förvaltning", page.organisation.name))
    return rows


def _supersedes(context, page):
    """What the document replaces: the document it names (if this reader may open it) and the
    editor's note; without either, the previous adopted version."""
    shown = context.get("supersedes_page")
    parts = []
    if shown:
        parts.append(format_html('<a href="{}">{}</a>', _url(context, shown), shown.title))
        if page.supersedes_note:
            parts.append("; ")
    if page.supersedes_note:
        parts.append(conditional_escape(page.supersedes_note))
    if not shown and not page.supersedes_note:
        versions = context.get("adopted_versions") or []
        previous = versions[1] if len(versions) > 1 else None
        if previous:
            parts.append(
                format_html(
                    "Version {}, beslutad {}", previous.version, _ymd(previous.decision_date)
                )
            )
        else:
            parts.append(DASH)
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - escaped above


def _url(context, page):
    """As the pageurl tag: the page's address for this request."""
    return page.get_url(request=context.get("request")) or ""


def _lists(context, page):
    """The target groups and LIS areas: as read with the page (Styrdokument.metadata_lists),
    else from the relations."""
    lis_area_names = context.get("lis_area_names")
    if lis_area_names is not None:
        groups, areas = context.get("target_group_names") or [], lis_area_names
    else:
        groups = [str(group) for group in page.target_groups.all()]
        areas = [area.name for area in page.lis_areas.all()]
    rows = []
    if groups:
        rows.append(_row("Målgrupp", format_html_join(", ", "{}", ((name,) for name in groups))))
    if areas:
        rows.append(_row("LIS-område", format_html_join(", ", "{}", ((name,) for name in areas))))
    return rows


DOCUMENT_ITEM = (
    '    <li class="document-list__item">\n'
    '      <a href="{}">{}</a>\n'
    '      <span class="document-list__meta">{}</span>\n'
    "    </li>\n"
)


def document_list_html(documents, request):
    """The list of `documents`: each title linked to the document's address for `request`,
    with its type, deciding body, decision date and förvaltning."""
    items = []
    for document in documents:
        meta = [document.document_type_label]
        if document.decision_body:
            meta.append(document.decision_body.name)
        if document.decision_date:
            meta.append(_ymd(document.decision_date))
        if document.organisation:
            meta.append(document.organisation.name)
        items.append(
            format_html(
                DOCUMENT_ITEM,
                document.get_url(request=request) or "",
                document.title,
                format_html_join(" · ", "{}", ((part,) for part in meta)),
            )
        )
    return format_html(
        '<ul class="document-list">\n{}</ul>',
        mark_safe("".join(items)),  # noqa: S308 - each item is built by format_html
    )
