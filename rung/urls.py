from django.contrib import admin
from django.urls import include, path

from rung.api import api

admin.site.site_header = "Rung administration"
admin.site.site_title = "Rung admin"

urlpatterns = [
    path("", include("rung.dashboard.urls")),
    path("accounts/", include("rung.accounts.urls")),
    path("profile/", include("rung.profiles.urls")),
    path("orgs/", include("rung.orgs.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
