"""The project's URLs with operations' own in front (as styrdok/urls.py includes them), and a
view that fails, for the error-reporting test."""

from django.urls import include, path

from styrdok import urls as project_urls


def broken_view(request):
    raise RuntimeError("Något gick sönder i testvyn")


urlpatterns = [
    path("", include("operations.urls")),
    path("testfel/", broken_view),
    *project_urls.urlpatterns,
]
