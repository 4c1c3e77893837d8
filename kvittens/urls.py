from django.urls import path

from . import views

app_name = "kvittens"

urlpatterns = [
    path("<int:document_id>/bekrafta/", views.confirm, name="confirm"),
]
