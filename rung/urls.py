from django.contrib import admin
from django.urls import include, path

from rung.api import api
from rung.applications import urls as application_urls
from rung.engagements import urls as engagement_urls
from rung.projects import urls as project_urls

admin.site.site_header = "Rung administration"
admin.site.site_title = "Rung admin"

urlpatterns = [
    path("", include("rung.dashboard.urls")),
    path("accounts/", include("rung.accounts.urls")),
    path("accounts/payout-details/", include("rung.payees.urls")),
    path("profile/", include("rung.profiles.urls")),
    path("orgs/", include("rung.orgs.urls")),
    path("notifications/", include("rung.notifications.urls")),
    # Closing/cancelling a project and accepting an offer are engagements' flows (see
    # docs/architecture.md); their pages keep the projects' and applications' addresses and names.
    path("projects/", include(([*engagement_urls.project_patterns, *project_urls.urlpatterns], "projects"))),
    path(
        "applications/",
        include(([*engagement_urls.application_patterns, *application_urls.urlpatterns], "applications")),
    ),
    path("engagements/", include("rung.engagements.urls")),
    path("work/", include("rung.reviews.urls")),
    path("money/", include("rung.ledger.urls")),
    path("messages/", include("rung.messaging.urls")),
    path("mentoring/", include("rung.mentoring.urls")),
    path("recognition/", include("rung.recognition.urls")),
    path("education/", include("rung.education.urls")),
    # The showcase (/showcase/…), the portfolio editor (/portfolio/) and public portfolios (/p/<slug>/).
    path("", include("rung.showcase.urls")),
    path("outcomes/", include("rung.outcomes.urls")),
    path("pilots/", include("rung.pilots.urls")),
    path("pathways/", include("rung.pathways.urls")),
    path("webhooks/", include("rung.webhooks.urls")),
    # Credentials: /verify/, /wallet/, the W3C VC API (/credentials/verify, /presentations/verify,
    # /credentials/issue) and /.well-known/did.json all live at fixed paths from the site root.
    path("", include("rung.credentials.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
