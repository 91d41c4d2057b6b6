"""Credentials from elsewhere: importing them into a holder's wallet (verified, rechecked, removed)
and the list of known issuers whose DID documents Rung keeps.
"""

import json
import urllib.request
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials.dids import DID_WEB_PREFIX, DidResolutionError, did_web_document_url, resolve_verification_method
from rung.credentials.models import ImportedCredential, KnownIssuer, canonical_json, sha256_hex
from rung.credentials.services import MAX_DOCUMENT_BYTES, CredentialError
from rung.credentials.verify import MAX_DEPTH, depth_exceeds, parse_datetime, verify_credential
from rung.lib.errors import PermissionDenied

# --- importing outside credentials ----------------------------------------------------------------


def parse_document(raw: str | bytes) -> object:
    """A pasted or uploaded credential as JSON, refusing what is too big, not JSON, or absurdly deep."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise CredentialError(
            f"That is too big to be a credential (over {MAX_DOCUMENT_BYTES // 1024} KiB).", code="too_large"
        )
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        document: object = json.loads(text)
    except UnicodeDecodeError:
        raise CredentialError("That file is not text: a credential is a JSON file.", code="bad_json") from None
    except json.JSONDecodeError as exc:
        raise CredentialError(
            f"That is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).", code="bad_json"
        ) from None
    except RecursionError:
        raise CredentialError(f"The JSON nests more than {MAX_DEPTH} levels deep.", code="too_deep") from None
    if depth_exceeds(document):
        raise CredentialError(f"The JSON nests more than {MAX_DEPTH} levels deep.", code="too_deep")
    return document


def _imported_fields(report_summary: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": str(report_summary.get("name") or "")[:300],
        "issuer_id": str(report_summary.get("issuer_id") or "")[:500],
        "issuer_name": str(report_summary.get("issuer_name") or "")[:300],
        "issued_on": parse_datetime(report_summary.get("valid_from")),
    }


def import_credential(*, owner: User, document: object) -> ImportedCredential:
    """Add a credential from elsewhere to `owner`'s wallet, verified now and marked with the outcome.

    A credential that fails verification is still kept (marked not verified): the holder may want to
    show it, and whoever looks sees the verdict. Something that is not a credential at all is refused.
    """
    report = verify_credential(document)
    format_check = next((check for check in report.checks if check.name == "format"), None)
    if format_check is None or format_check.outcome == "failed":
        raise CredentialError(
            format_check.message if format_check else "That is not a credential.", code="not_a_credential"
        )
    text = canonical_json(document)
    digest = sha256_hex(text)
    if ImportedCredential.objects.filter(owner=owner, document_sha256=digest).exists():
        raise CredentialError("This credential is already in your wallet.", code="duplicate")
    try:
        with transaction.atomic():
            item = ImportedCredential.objects.create(
                owner=owner,
                document_text=text,
                document_sha256=digest,
                verified=report.verified,
                report=report.as_dict(),
                **_imported_fields(report.summary),
            )
            record("credential.imported", actor=owner, obj=item, data={"verified": report.verified})
    except IntegrityError:
        raise CredentialError("This credential is already in your wallet.", code="duplicate") from None
    return item


def recheck_imported_credential(item: ImportedCredential, *, actor: User) -> ImportedCredential:
    """Verify an imported credential again (it may have been revoked, or its issuer become known)."""
    if item.owner_id != actor.pk:
        raise PermissionDenied("Only its owner can check this credential again.")
    report = verify_credential(item.document)
    with transaction.atomic():
        item.verified = report.verified
        item.report = report.as_dict()
        item.checked_at = timezone.now()
        item.save(update_fields=["verified", "report", "checked_at"])
        record("credential.import.rechecked", actor=actor, obj=item, data={"verified": report.verified})
    return item


def remove_imported_credential(item: ImportedCredential, *, actor: User) -> None:
    if item.owner_id != actor.pk:
        raise PermissionDenied("Only its owner can remove this credential.")
    with transaction.atomic():
        record("credential.import.removed", actor=actor, obj=item, data={"name": item.name})
        item.delete()


# --- known issuers --------------------------------------------------------------------------------


def _check_did_document(issuer_id: str, document: object) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("id") != issuer_id:
        raise CredentialError(f"The DID document must be a JSON object whose id is {issuer_id}.", field="did_document")
    methods = document.get("assertionMethod")
    usable = 0
    for method in methods if isinstance(methods, list) else []:
        method_id = method.get("id") if isinstance(method, Mapping) else method
        if isinstance(method_id, str) and method_id.startswith("#"):
            method_id = issuer_id + method_id
        try:
            resolve_verification_method(document, str(method_id))
            usable += 1
        except DidResolutionError:
            continue
    if not usable:
        raise CredentialError(
            "The DID document lists no Ed25519 key (Multikey) under assertionMethod, so no credential "
            "of this issuer could be checked.",
            field="did_document",
        )
    return document


def save_known_issuer(
    *, actor: User, issuer_id: str, name: str, did_document: object, note: str = "", active: bool = True
) -> KnownIssuer:
    """Staff: add or update an outside issuer and the copy of its DID document the verifier trusts."""
    if not actor.is_staff:
        raise PermissionDenied("Only Rung staff maintain the list of known issuers.")
    issuer_id = issuer_id.strip()
    if not issuer_id or not name.strip():
        raise CredentialError("Give the issuer's id and name.", field="issuer_id")
    document = _check_did_document(issuer_id, did_document)
    with transaction.atomic():
        known, created = KnownIssuer.objects.update_or_create(
            issuer_id=issuer_id,
            defaults={
                "name": name.strip()[:200],
                "did_document": document,
                "note": note,
                "active": active,
                "updated_at": timezone.now(),
                "updated_by": actor,
            },
        )
        record(
            "credential.known_issuer." + ("added" if created else "updated"),
            actor=actor,
            obj=known,
            data={"issuer": issuer_id, "active": active},
        )
    return known


def fetch_did_document(issuer_id: str, *, timeout: float = 10.0) -> dict[str, Any]:
    """Fetch a did:web's document over HTTPS, for staff to cache. Never called while verifying."""
    if not issuer_id.startswith(DID_WEB_PREFIX):
        raise CredentialError("Only a did:web's document can be fetched; paste any other.", field="issuer_id")
    try:
        url = did_web_document_url(issuer_id)
    except DidResolutionError as exc:
        raise CredentialError(str(exc), field="issuer_id") from None
    request = urllib.request.Request(url, headers={"Accept": "application/did+json, application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https only, built above)
            body = response.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise CredentialError(f"Could not fetch {url}: {exc}", code="fetch_failed") from None
    document = parse_document(body)
    return _check_did_document(issuer_id, document)
