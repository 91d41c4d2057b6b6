from django.urls import path

from rung.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.search, name="search"),
    path("rate/", views.rate, name="rate"),
    path("templates/", views.template_catalogue, name="templates"),
    path("templates/<uuid:template_uuid>/", views.template_detail, name="template"),
    path("templates/<uuid:template_uuid>/price/", views.template_price, name="template_price"),
    path("templates/<uuid:template_uuid>/buy/", views.template_buy, name="template_buy"),
    path("templates/licences/<uuid:licence_uuid>/", views.template_licence, name="template_licence"),
    path("templates/<uuid:template_uuid>/curate/", views.curate, name="curate"),
    path("new/<slug:slug>/", views.create, name="create"),
    path("of/<slug:slug>/", views.org_projects, name="org_projects"),
    path("rubrics/<slug:slug>/", views.rubrics, name="rubrics"),
    path("<uuid:project_uuid>/", views.detail, name="detail"),
    path("<uuid:project_uuid>/edit/", views.edit, name="edit"),
    path("<uuid:project_uuid>/fund/", views.fund, name="fund"),
    path("<uuid:project_uuid>/fund-freed-seats/", views.fund_freed_seats, name="fund_freed_seats"),
    path("<uuid:project_uuid>/publish/", views.publish, name="publish"),
    # close/ and cancel/ are served by rung.engagements (the wind-down), mounted in this namespace by rung/urls.py.
    path("<uuid:project_uuid>/duplicate/", views.duplicate, name="duplicate"),
    path("<uuid:project_uuid>/save-template/", views.save_template, name="save_template"),
]
