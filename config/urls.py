from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from negotiations.api import endpoints as api

urlpatterns = [
    # Throttled by django-axes in authenticate(), like the admin's login.
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("account/", include("negotiations.accounts.urls")),
    path("api/v1/", include((api.PATTERNS, api.NAMESPACE))),
    path("", include("negotiations.urls")),
]

handler400 = "negotiations.views.pages.bad_request"
handler500 = "negotiations.views.pages.server_error"
