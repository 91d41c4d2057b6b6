import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from rung.accounts.models import User
from rung.credentials import imports
from rung.credentials.models import ImportedCredential, IssuedCredential, KnownIssuer, Revocation, StatusList
from rung.lib.errors import DomainError


class ReadOnlyAdmin(admin.ModelAdmin):
    """Issued credentials, revocations and status lists change only through services (audited)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(IssuedCredential)
class IssuedCredentialAdmin(ReadOnlyAdmin):
    list_display = ["name", "recipient", "organisation", "issued_at", "issuer_did"]
    search_fields = ["uuid", "name", "recipient__email", "engagement_ref"]
    list_select_related = ["recipient", "organisation"]
    date_hierarchy = "issued_at"


@admin.register(Revocation)
class RevocationAdmin(ReadOnlyAdmin):
    list_display = ["credential", "revoked_at", "revoked_by", "acting_as"]
    list_select_related = ["credential", "revoked_by"]


@admin.register(StatusList)
class StatusListAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "issuer_did", "purpose", "length", "full", "created_at"]


@admin.register(ImportedCredential)
class ImportedCredentialAdmin(ReadOnlyAdmin):
    list_display = ["name", "owner", "issuer_name", "verified", "imported_at"]
    list_filter = ["verified"]
    search_fields = ["name", "owner__email", "issuer_id"]


class KnownIssuerForm(forms.ModelForm):
    did_document = forms.JSONField(
        help_text="Paste the issuer's DID document (for a did:web, from https://<host>/.well-known/did.json), "
        "or fetch it with `rung credentials issuers add <did> --name … --fetch`."
    )

    class Meta:
        model = KnownIssuer
        fields = ["issuer_id", "name", "did_document", "active", "note"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if "did_document" in cleaned and "issuer_id" in cleaned:
            try:
                imports._check_did_document(cleaned["issuer_id"], cleaned["did_document"])
            except DomainError as exc:
                self.add_error("did_document", exc.message)
        return cleaned


@admin.register(KnownIssuer)
class KnownIssuerAdmin(admin.ModelAdmin):
    form = KnownIssuerForm
    list_display = ["name", "issuer_id", "active", "updated_at", "updated_by"]
    list_filter = ["active"]
    search_fields = ["name", "issuer_id"]

    def save_model(self, request: HttpRequest, obj: KnownIssuer, form: forms.ModelForm, change: bool) -> None:
        # Through the service, so the change is audited like every other.
        assert isinstance(request.user, User)
        try:
            saved = imports.save_known_issuer(
                actor=request.user,
                issuer_id=obj.issuer_id,
                name=obj.name,
                did_document=json.loads(json.dumps(obj.did_document)),
                note=obj.note,
                active=obj.active,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Untick "active" instead: the record of whom Rung trusted, and when, stays.
        return False
