"""/halsa/ and /health/; styrdok/urls.py includes them before Wagtail's catch-all."""

from django.urls import path

from . import views

urlpatterns = [
    path("halsa/", views.health, name="styrdok_health"),
    path("health/", views.health, name="styrdok_health_alias"),
]
