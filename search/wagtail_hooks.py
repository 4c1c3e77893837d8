"""The synonym list in the admin: *Inställningar → Synonymer för sökningen*."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import SynonymGroup


class SynonymGroupViewSet(SnippetViewSet):
    model = SynonymGroup
    icon = "search"
    menu_label = _("Synonymer för sökningen")
    menu_name = "synonymer"
    add_to_settings_menu = True
    list_display = ["__str__", "one_way", "note"]
    list_filter = ["one_way"]
    search_fields = ["terms", "note"]
    # A hundred rows or so: the database's own "contains" finds any part of a term ("mejl"
    # finds "bedrägerimejl"), which the search index would not.
    search_backend_name = None
    index_template_name = "search/admin/synonyms_index.html"
    panels = [
        FieldPanel("terms"),
        FieldPanel("one_way"),
        FieldPanel("note"),
    ]


register_snippet(SynonymGroupViewSet)
