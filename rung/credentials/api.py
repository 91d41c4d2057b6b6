"""/api/v1/credentials: the wallet for scripts and apps (the W3C VC API lives at the site root, see vcapi.py)."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.credentials import imports, selectors, services
from rung.credentials.models import ImportedCredential, IssuedCredential
from rung.credentials.schemas import (
    CredentialDetailOut,
    CredentialOut,
    ImportedOut,
    RevocationOut,
    RevokeIn,
    ShareIn,
)
from rung.credentials.services import MAX_DOCUMENT_BYTES
from rung.credentials.views import share_url
from rung.lib.api import ErrorOut, Pagination

router = Router(tags=["credentials"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _out(credential: IssuedCredential) -> CredentialOut:
    revocation = selectors.revocation_of(credential)
    url = share_url(credential)
    return CredentialOut(
        uuid=credential.uuid,
        name=credential.name,
        organisation=credential.organisation.name if credential.organisation else None,
        issued_at=credential.issued_at,
        revoked=revocation is not None,
        revoked_at=revocation.revoked_at if revocation else None,
        shared=credential.share_link.enabled,
        share_url=url,
        json_url=url + "credential.json",
    )


def _imported_out(item: ImportedCredential) -> ImportedOut:
    return ImportedOut(
        uuid=item.uuid,
        name=item.name,
        issuer_id=item.issuer_id,
        issuer_name=item.issuer_name,
        issued_on=item.issued_on,
        verified=item.verified,
        checked_at=item.checked_at,
        imported_at=item.imported_at,
        checks=item.report.get("checks", []),
        warnings=item.report.get("warnings", []),
    )


@router.get("", response=list[CredentialOut], summary="Credentials Rung issued to you")
@paginate(Pagination)
def list_credentials(request: HttpRequest):  # type: ignore[no-untyped-def]
    return [_out(c) for c in selectors.wallet_for_user(request_user(request))]


@router.get("/imported", response=list[ImportedOut], summary="Credentials from elsewhere in your wallet")
@paginate(Pagination)
def list_imported(request: HttpRequest):  # type: ignore[no-untyped-def]
    return [_imported_out(item) for item in selectors.imported_for_user(request_user(request))]


@router.post(
    "/imported",
    response={201: ImportedOut, **ERRORS},
    summary="Import an Open Badges credential from elsewhere",
    description='Send `{"credential": {…}}`. Rung verifies it now and keeps it, marked verified or not; '
    "something that is not a credential at all is refused.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["credential"],
                        "properties": {"credential": {"type": "object"}},
                    }
                }
            },
        }
    },
)
def import_credential(request: HttpRequest) -> Status[ImportedOut]:
    # The body is read here, not by a schema, so that its size and nesting are limited before anything
    # walks it: a credential from outside is hostile input until proven otherwise.
    if len(request.body) > MAX_DOCUMENT_BYTES + 1024:
        raise services.CredentialError("That is too big to be a credential.", code="too_large")
    body = imports.parse_document(request.body)
    if not isinstance(body, dict) or not isinstance(body.get("credential"), dict):
        raise services.CredentialError('Send {"credential": {…}}.', field="credential")
    item = imports.import_credential(owner=request_user(request), document=body["credential"])
    return Status(201, _imported_out(item))


@router.get("/imported/{uuid:item_uuid}", response={200: ImportedOut, **ERRORS})
def get_imported(request: HttpRequest, item_uuid: UUID) -> ImportedOut:
    return _imported_out(selectors.get_imported_credential(request_user(request), item_uuid))


@router.delete("/imported/{uuid:item_uuid}", response={204: None, **ERRORS}, summary="Remove an imported credential")
def remove_imported(request: HttpRequest, item_uuid: UUID) -> Status[None]:
    user = request_user(request)
    imports.remove_imported_credential(selectors.get_imported_credential(user, item_uuid), actor=user)
    return Status(204, None)


@router.get("/{uuid:credential_uuid}", response={200: CredentialDetailOut, **ERRORS})
def get_credential(request: HttpRequest, credential_uuid: UUID) -> CredentialDetailOut:
    credential = selectors.get_wallet_credential(request_user(request), credential_uuid)
    return CredentialDetailOut(**_out(credential).model_dump(), credential=credential.document)


@router.post(
    "/{uuid:credential_uuid}/share",
    response={200: CredentialOut, **ERRORS},
    summary="Turn a credential's public verification page on or off",
)
def set_share(request: HttpRequest, credential_uuid: UUID, payload: ShareIn) -> CredentialOut:
    user = request_user(request)
    credential = selectors.get_wallet_credential(user, credential_uuid)
    services.set_share_link(credential, actor=user, enabled=payload.enabled)
    return _out(selectors.get_wallet_credential(user, credential_uuid))


@router.post(
    "/{uuid:credential_uuid}/revoke",
    response={200: RevocationOut, **ERRORS},
    summary="Staff, or an owner or manager of the issuing organisation: revoke a credential",
)
def revoke(request: HttpRequest, credential_uuid: UUID, payload: RevokeIn) -> RevocationOut:
    user = request_user(request)
    credential, _ = selectors.get_credential_for_revoker(user, credential_uuid)
    revocation = services.revoke_credential(credential, actor=user, reason=payload.reason)
    return RevocationOut(credential=credential.uuid, revoked_at=revocation.revoked_at, acting_as=revocation.acting_as)
