"""Template filters for the WeasyPrint templates."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_PLAIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-–()§/")


@register.filter
def css_string(value):
    """A double-quoted CSS string (for running headers): everything but plain characters is a
    CSS escape, so a title can neither end the string nor the <style> element. The space after
    each escape ends it and is not part of the text."""
    escaped = "".join(char if char in _PLAIN else f"\\{ord(char):06x} " for char in str(value))
    return mark_safe(f'"{escaped}"')
