from django.urls import path

from rung.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/", views.queue, name="queue"),
    path("milestones/<uuid:milestone_uuid>/", views.milestone, name="milestone"),
    path("submissions/<uuid:submission_uuid>/review/", views.review, name="review"),
    path("files/<uuid:file_uuid>/", views.download, name="download"),
    path("engagements/<uuid:engagement_uuid>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("engagements/<uuid:engagement_uuid>/ratings/", views.ratings, name="ratings"),
    path("reliability/<slug:slug>/", views.reliability, name="reliability"),
]
