from django.urls import path

from rung.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_create, name="create"),
    path("verification/", views.verification_queue, name="verification_queue"),
    path("verification/all/", views.staff_list, name="staff_list"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("<slug:slug>/", views.org_detail, name="detail"),
    path("<slug:slug>/edit/", views.org_edit, name="edit"),
    path("<slug:slug>/invite/", views.invite, name="invite"),
    path("<slug:slug>/invitations/<uuid:invitation_uuid>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("<slug:slug>/members/<uuid:membership_uuid>/role/", views.change_role, name="change_role"),
    path("<slug:slug>/members/<uuid:membership_uuid>/remove/", views.remove_member, name="remove_member"),
    path("<slug:slug>/verification/", views.set_verification, name="set_verification"),
]
