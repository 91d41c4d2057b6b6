from django.urls import path

from rung.mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("profile/pool/", views.pool, name="pool"),
    path("profile/conflicts/", views.conflict, name="conflict"),
    path("goals/", views.goals, name="goals"),
    path("pairings/<uuid:pairing_uuid>/", views.pairing, name="pairing"),
    path("pairings/<uuid:pairing_uuid>/answer/", views.respond, name="respond"),
    path("pairings/<uuid:pairing_uuid>/check-ins.ics", views.pairing_calendar, name="calendar"),
    path("check-ins/<uuid:checkin_uuid>/", views.checkin, name="checkin"),
    path("engagements/<uuid:engagement_uuid>/mentors/", views.suggestions, name="suggestions"),
    path("engagements/<uuid:engagement_uuid>/concern/", views.concern_new, name="concern_new"),
    path("orgs/<slug:slug>/", views.coordinate, name="coordinate"),
    path("orgs/<slug:slug>/pair/", views.pair, name="pair"),
    path("orgs/<slug:slug>/mentors/<uuid:mentor_uuid>/", views.mentor_record, name="mentor_record"),
    path("orgs/<slug:slug>/settings/", views.org_settings, name="settings"),
    path("matching/<uuid:run_uuid>/", views.run, name="run"),
    path("training/", views.training_home, name="training"),
    path("training/renew/", views.renew, name="renew"),
    path("training/<slug:slug>/", views.module, name="module"),
    path("evidence/", views.evidence, name="evidence"),
    path("staff/concerns/", views.concerns, name="concerns"),
    path("staff/concerns/<uuid:concern_uuid>/", views.concern, name="concern"),
    path("staff/pool/<uuid:profile_uuid>/", views.pool_decide, name="pool_decide"),
]
