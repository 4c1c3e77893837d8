"""The review cycle in the admin: a document's revision page, Mina dokument and the review
calendar."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button, ListingButton

from .viewsets import CalendarViewSet, MyDocumentsViewSet, ReviewViewSet


@hooks.register("register_admin_viewset")
def register_revision_viewsets():
    return [ReviewViewSet(), CalendarViewSet(), MyDocumentsViewSet()]


@hooks.register("register_account_menu_item")
def register_calendar_account_item(request):
    return {
        "url": reverse("styrdok_calendar:manage"),
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
            reverse("styrdok_calendar:user", args=[user.pk]),
            priority=50,
        )


@hooks.register("register_page_header_buttons")
def review_page_header_button(page, user, view_name, next_url=None):
    if hasattr(page, "responsible_id") and page.live and page.pk:
        yield Button(
            _("Revision och aktualitetsprövning"),
            reverse("styrdok_review:overview", args=[page.pk]),
            icon_name="date",
            priority=60,
        )


@hooks.register("register_page_listing_more_buttons")
def review_page_listing_button(page, user, next_url=None):
    specific_class = page.specific_class
    if specific_class is not None and hasattr(specific_class, "review_status_on") and page.live:
        yield Button(
            _("Revision"),
            reverse("styrdok_review:overview", args=[page.pk]),
            icon_name="date",
            priority=60,
        )
