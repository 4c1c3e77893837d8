from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from importing import bulk_views as import_views
from policies import views as policy_views
from policies.api import api_router
from policies.feeds import AdoptedDocumentsFeed
from policies.robots import robots_txt
from policies.sitemaps import sitemap
from revision import calendar as review_calendar
from search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    # Files are served through Styrdok's own check before Wagtail's view (see serve_document).
    path(
        "dokument/<int:document_id>/<str:document_filename>",
        policy_views.serve_document,
        name="styrdok_document_serve",
    ),
    path("dokument/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("feed/", AdoptedDocumentsFeed(), name="feed"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path(
        "logga-in/",
        auth_views.LoginView.as_view(
            template_name="account/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("oidc/", include("styrdok.sso.urls")),
    path("sok/", search_views.search, name="search"),
    path("sok/forslag/", search_views.autocomplete, name="search_autocomplete"),
    path("arkiv/<int:pk>/", policy_views.adopted_version, name="adopted_version"),
    path("arkiv/<int:pk>/pdf/", policy_views.adopted_version_pdf, name="adopted_version_pdf"),
    path(
        "arkiv/<int:pk>/original/",
        import_views.imported_original,
        name="adopted_version_original",
    ),
    # The secret token is the credential: calendar clients cannot log in.
    path(
        "kalender/<str:token>.ics",
        review_calendar.calendar_feed,
        name="styrdok_calendar_feed",
    ),
]

# Kvittens (intranet only: every address answers 404 on the public host).
urlpatterns += [path("kvittens/", include("kvittens.urls"))]
urlpatterns += [path("", include("operations.urls"))]  # /halsa/, /health/
urlpatterns += [path("", include(wagtail_urls))]

# A request Django refuses (bad Host header, too many parameters): a Swedish page (styrdok.errors).
handler400 = "styrdok.errors.bad_request"
