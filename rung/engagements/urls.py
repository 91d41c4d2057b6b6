from django.urls import path

from rung.engagements import views

app_name = "engagements"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<uuid:engagement_uuid>/", views.detail, name="detail"),
    path("<uuid:engagement_uuid>/amend/", views.amend, name="amend"),
    path("<uuid:engagement_uuid>/cancel/", views.cancel, name="cancel"),
    path("<uuid:engagement_uuid>/contracts/<uuid:contract_uuid>/sign/", views.sign, name="sign"),
    path("<uuid:engagement_uuid>/contracts/<uuid:contract_uuid>/withdraw/", views.withdraw, name="withdraw"),
    path("<uuid:engagement_uuid>/contracts/<uuid:contract_uuid>/verify/", views.verify, name="verify"),
    path("<uuid:engagement_uuid>/contracts/<uuid:contract_uuid>/contract.html", views.contract_html, name="html"),
    path("<uuid:engagement_uuid>/contracts/<uuid:contract_uuid>/contract.pdf", views.contract_pdf, name="pdf"),
]

# Mounted by rung/urls.py inside the applications' and projects' namespaces, ahead of their own
# patterns, so the addresses and URL names stay where people expect them.
application_patterns = [
    path("<uuid:application_uuid>/accept/", views.accept_offer, name="accept_offer"),
]
project_patterns = [
    path("<uuid:project_uuid>/close/", views.close_project, name="close"),
    path("<uuid:project_uuid>/cancel/", views.cancel_project, name="cancel"),
]
