from django.urls import path

from rung.pathways import views

app_name = "pathways"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("orgs/<slug:slug>/", views.organisation, name="organisation"),
    path("orgs/<slug:slug>/new/", views.new, name="new"),
    path("orgs/<slug:slug>/<uuid:pathway_uuid>/", views.detail, name="detail"),
    path("orgs/<slug:slug>/<uuid:pathway_uuid>/move/", views.move, name="move"),
    path("orgs/<slug:slug>/<uuid:pathway_uuid>/archive/", views.archive, name="archive"),
]
