from django.urls import path

from rung.applications import views

app_name = "applications"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("photo/<uuid:profile_uuid>/", views.candidate_photo, name="candidate_photo"),
    path("apply/<uuid:project_uuid>/", views.apply, name="apply"),
    path("review/<uuid:project_uuid>/", views.review_list, name="review_list"),
    path("<uuid:application_uuid>/<slug:action>/", views.candidate_action, name="candidate_action"),
    path("<uuid:application_uuid>/review/<slug:action>/", views.reviewer_action, name="reviewer_action"),
]
