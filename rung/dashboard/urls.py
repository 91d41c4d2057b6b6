from django.urls import path

from rung.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("staff/find/", views.staff_find, name="staff_find"),
    path("healthz", views.healthz, name="healthz"),
]
