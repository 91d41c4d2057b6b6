from django.urls import path

from rung.education import views

app_name = "education"

urlpatterns = [
    path("", views.home, name="home"),
    path("affiliate/", views.affiliate, name="affiliate"),
    path("affiliations/<uuid:affiliation_uuid>/code/", views.enter_code, name="enter_code"),
    path("affiliations/<uuid:affiliation_uuid>/consent/", views.consent, name="consent"),
    path("affiliations/<uuid:affiliation_uuid>/end/", views.end, name="end"),
    path("affiliations/<uuid:affiliation_uuid>/confirm/", views.confirm_student, name="confirm_student"),
    path("affiliations/<uuid:affiliation_uuid>/transcript/", views.issue_transcript, name="issue_transcript"),
    path("partners/<slug:slug>/", views.partner, name="partner"),
    path("partners/<slug:slug>/agreements/new/", views.new_agreement, name="new_agreement"),
    path("partners/<slug:slug>/stacks/new/", views.new_stack, name="new_stack"),
    path("partners/<slug:slug>/awarded-credit.csv", views.export_csv, name="export_csv"),
    path("agreements/<uuid:agreement_uuid>/", views.agreement, name="agreement"),
    path("agreements/<uuid:agreement_uuid>/sign/", views.sign, name="sign"),
    path("agreements/<uuid:agreement_uuid>/revise/", views.revise, name="revise"),
    path("claims/<uuid:claim_uuid>/", views.claim, name="claim"),
    path("claims/<uuid:claim_uuid>/decide/", views.decide, name="decide"),
    path("transcripts/<uuid:transcript_uuid>/revoke/", views.revoke_transcript, name="revoke_transcript"),
]
