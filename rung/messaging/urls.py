from django.urls import path

from rung.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<uuid:report_uuid>/", views.moderation_report, name="moderation_report"),
    path("engagements/<uuid:engagement_uuid>/", views.engagement, name="engagement"),
    path("ask/<uuid:project_uuid>/", views.ask, name="ask"),
    path("files/<uuid:attachment_uuid>/", views.download, name="download"),
    path("m/<uuid:message_uuid>/report/", views.report, name="report"),
    path("<uuid:conversation_uuid>/", views.conversation, name="conversation"),
    path("<uuid:conversation_uuid>/updates/", views.updates, name="updates"),
    path("<uuid:conversation_uuid>/read/", views.mark_read, name="mark_read"),
]
