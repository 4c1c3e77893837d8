"""The review cycle in the admin: a document's revision page, Mina dokument and the review
calendar."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button, ListingButton

from . import calendar
from .my_documents import my_documents, my_documents_confirm, owns_documents
from .views import review_confirm, review_overview, review_start


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path("revision/<int:page_id>/", review_overview, name="styrdok_review"),
        path("revision/<int:page_id>/paborja/", review_start, name="styrdok_review_start"),
        path(
            "revision/<int:page_id>/aktualitetsprovning/",
            review_confirm,
            name="styrdok_review_confirm",
        ),
        path("kalender/", calendar.manage_calendar, name="styrdok_calendar"),
        path("kalender/<int:user_id>/", calendar.manage_calendar, name="styrdok_calendar_user"),
    ]


# -- Mina dokument (the owner's own documents) ------------------------------------------------


@hooks.register("register_admin_urls")
def register_my_documents_urls():
    return [
        path("mina-dokument/", my_documents, name="styrdok_my_documents"),
        path(
            "mina-dokument/<int:page_id>/bekrafta/",
            my_documents_confirm,
            name="styrdok_my_documents_confirm",
        ),
    ]


class MyDocumentsMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user.has_perm("governance.record_review") or owns_documents(user)


@hooks.register("register_admin_menu_item")
def register_my_documents_menu_item():
    return MyDocumentsMenuItem(
        _("Mina dokument"), reverse("styrdok_my_documents"), icon_name="doc-full", order=150
    )


@hooks.register("register_account_menu_item")
def register_calendar_account_item(request):
    return {
        "url": reverse("styrdok_calendar"),
        "label": _("Revisionskalender"),
        "help_text": _(
            "En hemlig kalenderadress med dina dokuments revisionsdatum, för Outlook och andra "
            "kalendrar. Kan återkallas och bytas."
        ),
    }


@hooks.register("register_user_listing_buttons")
def calendar_user_listing_button(user, request_user):
    if request_user.is_superuser:
        yield ListingButton(
            _("Revisionskalender"),
            reverse("styrdok_calendar_user", args=[user.pk]),
            priority=50,
        )


@hooks.register("register_page_header_buttons")
def review_page_header_button(page, user, view_name, next_url=None):
    if hasattr(page, "responsible_id") and page.live and page.pk:
        yield Button(
            _("Revision och aktualitetsprövning"),
            reverse("styrdok_review", args=[page.pk]),
            icon_name="date",
            priority=60,
        )


@hooks.register("register_page_listing_more_buttons")
def review_page_listing_button(page, user, next_url=None):
    specific_class = page.specific_class
    if specific_class is not None and hasattr(specific_class, "review_status_on") and page.live:
        yield Button(
            _("Revision"),
            reverse("styrdok_review", args=[page.pk]),
            icon_name="date",
            priority=60,
        )
