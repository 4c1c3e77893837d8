from django.urls import include, path

# The library's three URLs (authenticate/, callback/, logout/) under the names its middleware
# reverses; the view classes are Styrdok's (OIDC_AUTHENTICATE_CLASS, OIDC_CALLBACK_CLASS).
urlpatterns = [path("", include("mozilla_django_oidc.urls"))]
