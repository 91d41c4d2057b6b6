from django.urls import path

from rung.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("orgs/<slug:slug>/", views.endpoints, name="endpoints"),
    path("orgs/<slug:slug>/<uuid:endpoint_uuid>/", views.endpoint, name="endpoint"),
    path("orgs/<slug:slug>/<uuid:endpoint_uuid>/rotate/", views.rotate, name="rotate"),
    path("orgs/<slug:slug>/<uuid:endpoint_uuid>/switch/", views.switch, name="switch"),
    path("orgs/<slug:slug>/deliveries/<uuid:delivery_uuid>/", views.delivery, name="delivery"),
    path("orgs/<slug:slug>/deliveries/<uuid:delivery_uuid>/replay/", views.replay, name="replay"),
]
