from django.urls import path

from rung.payees import views

app_name = "payees"

urlpatterns = [
    path("", views.payout_details, name="details"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
