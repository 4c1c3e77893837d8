"""Template helpers shared by the register, the document pages and the admin."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from wagtail import hooks

from governance.models import StyrdokSettings
from governance.text_input import mailto_url

from ..channels import PUBLIC, get_channel
from ..metadata_html import document_list_html, metadata_html
from ..models import review_status_label

register = template.Library()


@register.filter
def mailto(address):
    """The href of a link to `address`, percent-encoded (governance.text_input.mailto_url)."""
    return mailto_url(address)


def _warning_days(context):
    request = context.get("request")
    if request is not None:
        return StyrdokSettings.load(request_or_site=request).review_warning_days
    return StyrdokSettings.load().review_warning_days


@register.simple_tag(takes_context=True)
def review_status(context, document):
    """The document's review status as a badge: all five statuses for staff, only the
    date-based ones on the public website, plus 'Översyn behövs' for staff when a parent changed.
    """
    request = context.get("request")
    channel = get_channel(request) if request is not None else None
    status = document.status_for_channel(channel)
    badges = [(status.value, review_status_label(status, _warning_days(context)))]
    if channel != PUBLIC and getattr(document, "review_flagged_at", None):
        badges.append(("oversyn", "Översyn behövs"))
    return format_html_join(
        " ", '<span class="status status--{}">{}</span>', ((v, label) for v, label in badges)
    )


@register.simple_tag(takes_context=True)
def document_metadata(context):
    """The document's metadata block (policies.metadata_html), with review_status's badge."""
    return metadata_html(context, lambda document: review_status(context, document))


@register.simple_tag(takes_context=True)
def document_list(context, documents):
    """A list of documents with their metadata (policies.metadata_html)."""
    return document_list_html(documents, context.get("request"))


# Hooks through which the apps above policies (kvittens) add to the intranet's pages: each
# function takes (request, page) and returns HTML or "".
PAGE_EXTRA_HOOKS = ("styrdok_document_page_extras", "styrdok_home_page_extras")


@register.simple_tag(takes_context=True)
def page_extras(context, hook_name, page):
    """What the apps above policies add to a page, on the intranet only: nothing from them ever
    reaches the public site, a preview or a page rendered without a request (the PDFs)."""
    request = context.get("request")
    if hook_name not in PAGE_EXTRA_HOOKS or request is None:
        return ""
    if get_channel(request) == PUBLIC or getattr(request, "is_preview", False):
        return ""
    parts = [fn(request, page) for fn in hooks.get_hooks(hook_name)]
    return mark_safe("".join(str(part) for part in parts if part))  # noqa: S308 - hooks escape


@register.filter
def breadcrumb_pages(page):
    """The page's ancestors, root first: those read while routing (ServedPage), else Wagtail's.
    A filter rather than `|default:`, whose argument (a new queryset) is built on every render
    even when the routed ancestors are there."""
    routed = getattr(page, "breadcrumb_ancestors", None)
    if routed is not None:
        return routed()
    return page.get_ancestors().specific()
