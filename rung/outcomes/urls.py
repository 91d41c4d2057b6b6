from django.urls import path

from rung.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<uuid:outcome_uuid>/answer/", views.respond, name="respond"),
    path("follow-up/<str:token>/", views.follow_up, name="follow_up"),
    path("engagements/<uuid:engagement_uuid>/survey/", views.survey, name="survey"),
    path("orgs/<slug:slug>/", views.organisation, name="organisation"),
    path("orgs/<slug:slug>/<uuid:outcome_uuid>/", views.advance, name="advance"),
]
