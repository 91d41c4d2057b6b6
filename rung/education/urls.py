from django.urls import path

from rung.education import views

app_name = "education"

urlpatterns = [
    path("", views.home, name="home"),
]
