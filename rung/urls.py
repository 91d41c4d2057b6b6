from django.contrib import admin
from django.urls import include, path

from rung.api import api

admin.site.site_header = "Rung administration"
admin.site.site_title = "Rung admin"

urlpatterns = [
    path("", include("rung.dashboard.urls")),
    path("accounts/", include("rung.accounts.urls")),
    path("accounts/payout-details/", include("rung.payees.urls")),
    path("profile/", include("rung.profiles.urls")),
    path("orgs/", include("rung.orgs.urls")),
    path("notifications/", include("rung.notifications.urls")),
    path("projects/", include("rung.projects.urls")),
    path("applications/", include("rung.applications.urls")),
    path("engagements/", include("rung.engagements.urls")),
    path("work/", include("rung.reviews.urls")),
    path("money/", include("rung.ledger.urls")),
    # Credentials: /verify/, /wallet/, the W3C VC API (/credentials/verify, /presentations/verify,
    # /credentials/issue) and /.well-known/did.json all live at fixed paths from the site root.
    path("", include("rung.credentials.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
