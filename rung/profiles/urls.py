from django.urls import path

from rung.profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.edit_profile, name="edit"),
    path("photo/", views.photo, name="photo"),
    path("photo/mine/", views.my_photo, name="my_photo"),
]
