from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from annotations.api import api, swagger_asset

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # Read-only JSON API (annotations/api.py); docs at /api/docs, assets served offline.
    path("api/docs/assets/<str:name>", swagger_asset, name="api_docs_asset"),
    path("api/", api.urls),
    path("", include("annotations.urls")),
]
