"""Mounted at the site root: /verify/, /wallet/, /credentials/…, the VC API and /.well-known/did.json."""

from django.urls import path

from rung.credentials import vcapi, views

app_name = "credentials"

urlpatterns = [
    # Verifiers and machines (W3C CCG VC API paths, and did:web's well-known location).
    path(".well-known/did.json", views.did_document, name="did_document"),
    path("orgs/<slug:slug>/did.json", views.org_did_document, name="org_did_document"),
    path("credentials/verify", vcapi.verify_credential_view, name="api_verify"),
    path("credentials/issue", vcapi.issue_credential_view, name="api_issue"),
    path("presentations/verify", vcapi.verify_presentation_view, name="api_verify_presentation"),
    path("credentials/status/<uuid:list_uuid>", views.status_list, name="status_list"),
    path("credentials/skills/<slug:slug>/", views.skill, name="skill"),
    # People.
    path("verify/", views.verify_page, name="verify"),
    path("verify/<uuid:credential_uuid>/", views.shared_credential, name="shared"),
    path("verify/<uuid:credential_uuid>/credential.json", views.shared_credential_json, name="shared_json"),
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/holder/", views.holder_binding, name="holder"),
    path("wallet/import/", views.import_credential, name="import"),
    path("wallet/<uuid:credential_uuid>/", views.wallet_credential, name="wallet_credential"),
    path("wallet/<uuid:credential_uuid>/share/", views.set_share, name="set_share"),
    path("wallet/<uuid:credential_uuid>/reissue/", views.reissue, name="reissue"),
    path("wallet/<uuid:credential_uuid>/download/", views.download, name="download"),
    path("wallet/imported/<uuid:item_uuid>/", views.imported_credential, name="imported"),
    path("wallet/imported/<uuid:item_uuid>/recheck/", views.recheck_imported, name="recheck_imported"),
    path("wallet/imported/<uuid:item_uuid>/remove/", views.remove_imported, name="remove_imported"),
    path("wallet/imported/<uuid:item_uuid>/download/", views.download_imported, name="download_imported"),
    path("credentials/issued/", views.issued_list, name="issued"),
    path("credentials/issued/<uuid:credential_uuid>/revoke/", views.revoke, name="revoke"),
]
