"""Admin hooks for the import: the "Import" menu, "Importera från Word" on a page that may hold
styrdokument, the import's URLs and its entry in a page's history."""

import importlib
import importlib.util

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.log_actions import LogFormatter

from . import views
from .drafts import IMPORT_PERMISSION, LOG_ACTION, may_import_under

IMPORT_MENU_HOOK = "register_styrdok_import_menu_item"

# The bulk import registers its own hooks (its menu item and URLs) in its module.
if importlib.util.find_spec("importing.bulk_views") is not None:
    importlib.import_module("importing.bulk_views")


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("import/", include((views.urlpatterns, "importing"), namespace="importing"))]


class ImportPermissionMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)


@hooks.register(IMPORT_MENU_HOOK)
def word_import_menu_item():
    return ImportPermissionMenuItem(
        _lazy("Importera Word-fil"),
        reverse("importing:word_upload"),
        icon_name="doc-full-inverse",
        order=100,
    )


class RecordsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("importing.view_importrecord")


@hooks.register(IMPORT_MENU_HOOK)
def import_records_menu_item():
    return RecordsMenuItem(
        _lazy("Importerade filer"), reverse("importing:records"), icon_name="list-ul", order=300
    )


class ImportMenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION) or request.user.has_perm(
            "importing.view_importrecord"
        )


@hooks.register("register_admin_menu_item")
def import_menu():
    return ImportMenu(
        _lazy("Import"),
        Menu(register_hook_name=IMPORT_MENU_HOOK),
        icon_name="upload",
        name="import",
        order=450,
    )


class ImportFromWordButton(PageMenuItem):
    label = _lazy("Importera från Word")
    icon_name = "upload"

    def is_shown(self, user):
        return user.has_perm(IMPORT_PERMISSION) and may_import_under(user, self.page)

    @property
    def url(self):
        return reverse("importing:word_upload") + f"?parent={self.page.pk}"


@hooks.register("register_page_header_buttons")
def import_header_button(page, user, view_name, next_url=None):
    yield ImportFromWordButton(page=page, priority=58)


class ImportLogFormatter(LogFormatter):
    label = _lazy("Importerad från Word")

    def format_message(self, log_entry):
        from django.utils.translation import gettext as _

        filename = (log_entry.data or {}).get("filename", "")
        return _("Importerad från ”%(filename)s”") % {"filename": filename}


@hooks.register("register_log_actions")
def register_import_log_actions(actions):
    actions.register_action(LOG_ACTION)(ImportLogFormatter)
