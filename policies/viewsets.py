"""Admin screens of one styrdokument that are not Wagtail's own, as ViewSets: Föreslå
upphävande and Beslutshistorik (see governance.viewsets for what a ViewSet owns)."""

from django.urls import path

from governance.viewsets import StyrdokViewSet

from .admin_views import DocumentHistoryView
from .repeal_views import ProposeRepealView


class RepealViewSet(StyrdokViewSet):
    name = "styrdok_repeal"
    url_prefix = "styrdokument"
    icon = "cross"

    def get_urlpatterns(self):
        return [
            path("<int:page_id>/foresla-upphavande/", ProposeRepealView.as_view(), name="propose")
        ]


class HistoryViewSet(StyrdokViewSet):
    name = "styrdok_history"
    url_prefix = "beslutshistorik"
    icon = "history"

    def get_urlpatterns(self):
        return [path("<int:page_id>/", DocumentHistoryView.as_view(), name="document")]
