from django.urls import path

from rung.pilots import views

app_name = "pilots"

urlpatterns = [
    path("about-me/", views.diversity, name="diversity"),
    path("platform/", views.platform, name="platform"),
    path("platform/export/<slug:table>.csv", views.platform_csv, name="platform_csv"),
    path("platform/export.json", views.platform_json, name="platform_json"),
    path("platform/report.pdf", views.platform_pdf, name="platform_pdf"),
    path("orgs/<slug:slug>/", views.pilot_list, name="list"),
    path("orgs/<slug:slug>/new/", views.create, name="create"),
    path("orgs/<slug:slug>/compare/", views.compare, name="compare"),
    path("orgs/<slug:slug>/<uuid:pilot_uuid>/", views.detail, name="detail"),
    path("orgs/<slug:slug>/<uuid:pilot_uuid>/edit/", views.edit, name="edit"),
    path("orgs/<slug:slug>/<uuid:pilot_uuid>/delete/", views.delete, name="delete"),
    path("orgs/<slug:slug>/<uuid:pilot_uuid>/export/<slug:table>.csv", views.export_csv, name="csv"),
    path("orgs/<slug:slug>/<uuid:pilot_uuid>/export.json", views.export_json, name="json"),
    path("orgs/<slug:slug>/<uuid:pilot_uuid>/report.pdf", views.report_pdf, name="pdf"),
]
