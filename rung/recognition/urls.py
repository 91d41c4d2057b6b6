from django.urls import path

from rung.recognition import views

app_name = "recognition"

urlpatterns = [
    path("", views.home, name="home"),
    path("endorse/", views.endorse_list, name="endorse_list"),
    path("endorse/<uuid:engagement_uuid>/", views.endorse, name="endorse"),
    path("endorsements/<uuid:endorsement_uuid>/hide/", views.hide_endorsement, name="hide"),
    path("endorsements/<uuid:endorsement_uuid>/withdraw/", views.withdraw_endorsement, name="withdraw"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<uuid:round_uuid>/", views.round_detail, name="round"),
    path("rounds/<uuid:round_uuid>/panel/", views.panel, name="panel"),
    path("rounds/<uuid:round_uuid>/<slug:action>/", views.round_action, name="round_action"),
    path("nominations/<uuid:nomination_uuid>/score/", views.score, name="score"),
    path("nominations/<uuid:nomination_uuid>/confirm/", views.confirm, name="confirm"),
]
