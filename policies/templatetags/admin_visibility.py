"""Template filters that apply the restriction rule where a Wagtail template lists pages."""

from django import template
from django.db.models import Count
from wagtail.models import Page

from ..visibility import hidden_page_ids, page_hidden_from

register = template.Library()


@register.simple_tag
def without_hidden_pages(page_types, user):
    """Page types as the user may know them: hidden pages neither counted nor named.

    Used by the page types usage report, which counts and names the last edited page of each
    type across the whole tree.
    """
    page_types = list(page_types)
    hidden_counts = dict(
        Page.objects.filter(pk__in=hidden_page_ids(user))
        .values_list("content_type")
        .annotate(count=Count("pk"))
        .values_list("content_type", "count")
    )
    for page_type in page_types:
        hidden = hidden_counts.get(page_type.pk, 0)
        if hidden and hasattr(page_type, "count"):
            page_type.count = max(page_type.count - hidden, 0)
        last = getattr(page_type, "last_edited_page", None)
        if last is not None and page_hidden_from(last, user):
            page_type.last_edited_page = None
            page_type.last_edited_at = None
    return page_types
