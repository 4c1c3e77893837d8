"""Admin hooks for styrdokument: Föreslå upphävande, and Swedish refusals of Wagtail's own
delete, move and unpublish where they would reach an adopted document's archive."""

from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.widgets import Button
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet

from . import choosers
from .decisions import NOT_DELETABLE_MESSAGE
from .models import AdoptedVersion, Styrdokument
from .rich_text import ChannelPageLinkHandler
from .viewsets import HistoryViewSet, RepealViewSet
from .visibility import hidden_file_ids, hidden_page_ids


@hooks.register("register_admin_viewset")
def register_document_viewsets():
    return [RepealViewSet(), HistoryViewSet()]


class ProposeRepealButton(PageMenuItem):
    label = _lazy("Föreslå upphävande")
    icon_name = "cross"

    def is_shown(self, user):
        page = self.page.specific_deferred
        return (
            isinstance(page, Styrdokument)
            and page.live
            and user.has_perm("governance.propose_repeal")
            and page.adopted_versions.filter(
                superseded_at__isnull=True, repealed_at__isnull=True
            ).exists()
        )

    @property
    def url(self):
        return reverse("styrdok_repeal:propose", args=[self.page.pk])


@hooks.register("register_page_header_buttons")
def repeal_header_button(page, user, view_name, next_url=None):
    yield ProposeRepealButton(page=page, priority=55)


@hooks.register("register_page_listing_more_buttons")
def repeal_listing_button(page, user, next_url=None):
    yield ProposeRepealButton(page=page, priority=55)


def _archive_below(page):
    return AdoptedVersion.objects.filter(document__path__startswith=page.path).exists()


def _refuse(request, page, message):
    messages.error(request, message)
    parent = page.get_parent()
    return redirect("wagtailadmin_explore", parent.pk if parent else page.pk)


@hooks.register("before_delete_page")
def refuse_delete_of_archive(request, page):
    """Deleting any page above an adopted document would take the archive with it."""
    if _archive_below(page):
        return _refuse(request, page, NOT_DELETABLE_MESSAGE)


@hooks.register("before_move_page")
def refuse_move_of_adopted(request, page, destination):
    if _archive_below(page):
        return _refuse(
            request,
            page,
            _(
                "Dokumentet har fastställda versioner (eller ligger över dokument som har det) "
                "och flyttas inte: adressen är en del av beslutet och arkivet."
            ),
        )


@hooks.register("before_bulk_action")
def refuse_bulk_actions_on_archive(request, action_type, objects, action_class_instance):
    if action_type not in {"delete", "move", "unpublish"}:
        return None
    blocked = [page for page in objects if hasattr(page, "path") and _archive_below(page)]
    if not blocked:
        return None
    titles = ", ".join(f"”{page.title}”" for page in blocked[:5])
    messages.error(
        request,
        _(
            "Åtgärden gäller fastställda styrdokument (%(titles)s). De tas bort ur registret bara "
            "genom ett beslut om upphävande, och deras versioner raderas eller flyttas aldrig."
        )
        % {"titles": titles},
    )
    return redirect(action_class_instance.next_url)


@hooks.register("register_rich_text_features", order=100)
def channel_aware_page_links(features):
    """Page links are checked against the reader's channel when rendered (policies.rich_text);
    registered after Wagtail's own handler, which it replaces."""
    features.register_link_type(ChannelPageLinkHandler)


@hooks.register("register_rich_text_features", order=100)
def hidden_page_links_in_the_editor(features):
    """The editor does not show the address of a linked page hidden from the person editing
    (policies.choosers); registered after Wagtail's own reading of links, which it replaces."""
    choosers.register_rich_text_link(features)


# -- documents restricted to groups: absent for everyone else ------------------------------
# The permission policies (policies/permission_policies.py) narrow the explorer, the admin
# search and the reports; the page chooser and the admin API behind the page menu build their
# own querysets and are narrowed here.


@hooks.register("styrdok_filter_outbox")
def outbox_rows_for_reader(rows, user):
    """Utskick lists no message naming a document hidden from the reader (policies.visibility)."""
    return rows.exclude(page_id__in=hidden_page_ids(user))


@hooks.register("construct_page_chooser_queryset")
def hide_restricted_in_chooser(pages, request):
    return pages.exclude(pk__in=hidden_page_ids(request.user))


@hooks.register("construct_explorer_page_queryset")
def hide_restricted_in_explorer(parent_page, pages, request):
    return pages.exclude(pk__in=hidden_page_ids(request.user))


@hooks.register("construct_document_chooser_queryset")
def hide_restricted_files_in_chooser(documents, request):
    hidden = hidden_file_ids(request.user)
    return documents.exclude(pk__in=hidden) if hidden else documents


@hooks.register("construct_admin_api")
def narrow_admin_documents_api(router):
    """Wagtail's admin API lists files by collection alone; hidden files are left out."""

    class VisibleDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
        def get_queryset(self):
            documents = super().get_queryset()
            hidden = hidden_file_ids(self.request.user)
            return documents.exclude(pk__in=hidden) if hidden else documents

    router.register_endpoint("documents", VisibleDocumentsAdminAPIViewSet)


@hooks.register("register_page_header_buttons")
def archive_pdf_page_header_button(page, user, view_name, next_url=None):
    """The current adopted version's archival PDF, as filed (rendered when first opened)."""
    versions = getattr(page, "adopted_versions", None)
    if versions is None or not page.pk:
        return
    current = versions.filter(superseded_at__isnull=True, repealed_at__isnull=True).first()
    if current is not None and current.imported and current.original_file:
        # An imported decision's record is the file it was taken on, not a PDF rendered from
        # its converted text (served under the archive's audience rule).
        yield Button(
            _("Originalfil (version %(version)s)") % {"version": current.version},
            reverse("adopted_version_original", args=[current.pk]),
            icon_name="doc-full",
            priority=65,
        )
    elif current is not None:
        yield Button(
            _("Arkiv-PDF (version %(version)s)") % {"version": current.version},
            current.get_pdf_url(),
            icon_name="doc-full",
            priority=65,
        )


@hooks.register("insert_editor_js")
def autosave_guard_js():
    """The editor's own save or submission waits for an autosave under way (see the script):
    otherwise a new page's first autosave and its submission both try to create the page."""
    return format_html('<script src="{}" defer></script>', static("js/autosave_guard.js"))
