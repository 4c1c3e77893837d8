"""Form fields on Styrdok's own admin screens, with their errors tied to the input.

Wagtail's `formattedfield` shows a field's error above the input, but the input's
aria-describedby names only the help text (or, for a field without help text, Django's
"<id>_error", which no element has): a screen reader user who tabs to the field hears its label
and help but not what is wrong with it (WCAG 1.3.1, 3.3.1).
"""

from django import template
from wagtail.admin.templatetags.wagtailadmin_tags import formattedfield, render_with_errors

register = template.Library()


def error_id(field):
    return f"{field.id_for_label}-errors"


@register.inclusion_tag("wagtailadmin/shared/formatted_field.html")
def described_field(field):
    """`{% formattedfield field %}`, whose input is described by its help text and its error."""
    if not field.errors or not field.id_for_label:
        return formattedfield(field=field)
    described_by = [error_id(field)]
    if field.help_text:
        described_by.append(f"{field.id_for_label}-helptext")
    if hasattr(field.field.widget, "render_with_errors"):
        rendered = render_with_errors(field)
    else:
        rendered = field.as_widget(attrs={"aria-describedby": " ".join(described_by)})
    return formattedfield(field=field, rendered_field=rendered, error_message_id=error_id(field))
