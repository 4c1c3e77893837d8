"""Swedish for the few admin texts that Wagtail builds from code names instead of gettext.

Wagtail 8.0.1 labels some fields and columns only by their attribute names, which Django turns
into English ("Page", "Task type", "Site name", "Root page"), and the group editor reads out each
model permission's stored name, which Django writes in English ("Can add workflow"). No catalogue
can translate these (issue 19), so they are given Swedish here: the labels from msgids that
Wagtail's own Swedish catalogue translates, the permission names from the models' names.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

PERMISSION_VERBS = {"add": "lägga till", "change": "ändra", "delete": "radera", "view": "visa"}


def translate_field_labels():
    """Called once from GovernanceConfig.ready()."""
    from wagtail.admin.forms import workflows
    from wagtail.sites import views as sites_views

    workflows.WorkflowPageForm.base_fields["page"].label = _("Page")
    column_labels = {"site_name": _("site name"), "root_page": _("root page")}
    for column in sites_views.IndexView.columns:
        if column.name in column_labels:
            column.label = capfirst(column_labels[column.name])

    chooser_init = workflows.TaskChooserSearchForm.__init__
    if getattr(chooser_init, "styrdok_labels", False):
        return

    def __init__(self, *args, **kwargs):
        chooser_init(self, *args, **kwargs)
        if "task_type" in self.fields:
            self.fields["task_type"].label = _("Task type")

    __init__.styrdok_labels = True
    workflows.TaskChooserSearchForm.__init__ = __init__


def translate_permission_names():
    """Name each model's add/change/delete/view permission in Swedish ("Kan ändra arbetsflöde").

    Django creates these after every migrate, in English, and never renames them; setup_styrdok
    (run on every deploy) calls this. Other permissions keep their names: Wagtail translates
    those through gettext, and Styrdok's own are Swedish already.
    """
    from django.contrib.auth.models import Permission

    with override("sv"):
        for permission in Permission.objects.select_related("content_type"):
            action, _sep, model_name = permission.codename.partition("_")
            model = permission.content_type.model_class()
            if action not in PERMISSION_VERBS or model is None:
                continue
            if model_name != permission.content_type.model:
                continue
            name = f"Kan {PERMISSION_VERBS[action]} {model._meta.verbose_name}"[:255]
            if permission.name != name:
                permission.name = name
                permission.save(update_fields=["name"])
