"""The review cycle's admin screens as ViewSets: a document's revision page, the review calendar
and Mina dokument (see governance.viewsets for what a ViewSet owns)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from governance.viewsets import StyrdokViewSet, governance_permissions

from .calendar import ManageCalendarView
from .my_documents import MyDocumentsConfirmView, MyDocumentsView, owns_documents
from .views import ReviewConfirmView, ReviewOverviewView, ReviewStartView


class ReviewViewSet(StyrdokViewSet):
    """/admin/revision/<id>/ is the address in every reminder e-mail."""

    name = "styrdok_review"
    url_prefix = "revision"
    icon = "date"

    def get_urlpatterns(self):
        return [
            path("<int:page_id>/", ReviewOverviewView.as_view(), name="overview"),
            path("<int:page_id>/paborja/", ReviewStartView.as_view(), name="start"),
            path("<int:page_id>/aktualitetsprovning/", ReviewConfirmView.as_view(), name="confirm"),
        ]


class CalendarViewSet(StyrdokViewSet):
    """Reached from the account menu (one's own) and the user listing (a superuser's)."""

    name = "styrdok_calendar"
    url_prefix = "kalender"
    icon = "calendar"

    def get_urlpatterns(self):
        return [
            path("", ManageCalendarView.as_view(), name="manage"),
            path("<int:user_id>/", ManageCalendarView.as_view(), name="user"),
        ]


class MyDocumentsViewSet(StyrdokViewSet):
    name = "styrdok_my_documents"
    url_prefix = "mina-dokument"
    icon = "doc-full"
    menu_label = _("Mina dokument")
    menu_hook = "register_admin_menu_item"
    menu_order = 150

    def user_sees_menu_item(self, user):
        return governance_permissions.user_has_permission(user, "record_review") or owns_documents(
            user
        )

    def get_urlpatterns(self):
        return [
            path("", MyDocumentsView.as_view(), name="index"),
            path("<int:page_id>/bekrafta/", MyDocumentsConfirmView.as_view(), name="confirm"),
        ]
