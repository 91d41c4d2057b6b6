"""Open Badges 3.0 EndorsementCredentials: built, checked against OB's schema, signed and revoked.

Rung signs an endorsement as the platform (its issuer DID), and names the endorser in the claim
itself: the EndorsementSubject's comment says who endorses, in what capacity, and what they wrote.
Who may endorse whom is decided above this layer (rung.recognition); this module only issues.
It also holds `sign_and_store` (sign as the platform, revocation entry, schema check, store, audit)
and the small registry through which the credential pages
show endorsements without the credentials app knowing the app that keeps them.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import jsonschema
from django.db import IntegrityError, transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials.issuer import issuer_profile
from rung.credentials.jsonld import CREDENTIALS_V2_URL, OB_V3P0_URL
from rung.credentials.models import IssuedCredential, Revocation
from rung.credentials.schema import SCHEMA_PATH
from rung.credentials.services import (
    CredentialError,
    _allocate_status_index,
    _sign,
    _signer,
    _store,
    status_entry,
)
from rung.orgs.models import Organisation

ENDORSEMENT_TYPE = "EndorsementCredential"
MAX_STATEMENT = 1000


@dataclass(frozen=True)
class EndorsementInput:
    """One endorsement as recognition hands it over: who endorses what, in which capacity."""

    endorser_name: str
    capacity: str  # e.g. "mentor on “Sales dashboard” for Acme Analytics"
    statement: str
    subject_id: str  # the endorsed credential's id, or the intern's subject id for a skill
    subject_words: str  # e.g. "Dana Candidate's credential “Sales dashboard micro-internship”"
    ref: str  # idempotency key, e.g. "endorsement:<uuid>"


@cache
def _endorsement_validator() -> jsonschema.Draft201909Validator:
    # OB 3.0's AchievementCredential schema defines EndorsementCredential in its $defs (it is what
    # an achievement's `endorsement` list holds); validate against that definition.
    root = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    schema = {
        "$schema": root["$schema"],
        "$id": root["$id"],
        "$ref": "#/$defs/EndorsementCredential",
        "$defs": root["$defs"],
    }
    return jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)


def endorsement_schema_errors(document: Any) -> list[str]:
    errors = sorted(_endorsement_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{'.'.join(map(str, e.absolute_path)) or 'the credential'}: {e.message[:300]}" for e in errors[:10]]


def is_endorsement(document: object) -> bool:
    types = document.get("type") if isinstance(document, dict) else None
    return isinstance(types, list) and ENDORSEMENT_TYPE in types


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def endorsement_comment(endorsement: EndorsementInput) -> str:
    return f"{endorsement.endorser_name}, {endorsement.capacity}, writes: “{endorsement.statement.strip()}”"


def build_endorsement(
    endorsement: EndorsementInput,
    *,
    credential_uuid: uuid.UUID,
    issuer: dict[str, Any],
    status: dict[str, Any],
    issued_at: datetime,
) -> dict[str, Any]:
    """The unsigned EndorsementCredential (VCDM 2.0, OB 3.0.3)."""
    return {
        "@context": [CREDENTIALS_V2_URL, OB_V3P0_URL],
        "id": f"urn:uuid:{credential_uuid}",
        "type": ["VerifiableCredential", ENDORSEMENT_TYPE],
        "name": f"Endorsement by {endorsement.endorser_name}",
        "description": f"{endorsement.endorser_name} ({endorsement.capacity}) endorses {endorsement.subject_words}.",
        "issuer": issuer,
        "validFrom": _iso(issued_at),
        "awardedDate": _iso(issued_at),
        "credentialSubject": {
            "id": endorsement.subject_id,
            "type": ["EndorsementSubject"],
            "endorsementComment": endorsement_comment(endorsement),
        },
        "credentialStatus": status,
    }


def sign_and_store(
    build: Callable[[uuid.UUID, dict[str, Any], dict[str, Any], datetime], dict[str, Any]],
    *,
    ref: str,
    recipient: User,
    organisation: Organisation | None,
    issued_by: User | None,
    kind: str,
    check: Callable[[dict[str, Any]], list[str]] | None = None,
) -> IssuedCredential:
    """Sign and store a credential Rung issues as the platform; idempotent per `ref`.

    `build(credential_uuid, issuer, status_entry, issued_at)` returns the unsigned document; `check`
    returns schema problems of the signed one (OB 3.0 credentials are checked by the signer anyway).
    """
    existing = IssuedCredential.objects.filter(engagement_ref=ref).first()
    if existing is not None:
        return existing
    signer = _signer()
    credential_uuid = uuid.uuid4()
    try:
        with transaction.atomic():
            status_list, index = _allocate_status_index(signer.did)
            unsigned = build(
                credential_uuid, issuer_profile(signer.did), status_entry(status_list, index), timezone.now()
            )
            signed = _sign(unsigned, signer)
            problems = check(signed) if check else []
            if problems:
                raise CredentialError(
                    "The credential does not follow the Open Badges 3.0 schema: " + "; ".join(problems),
                    code="invalid_credential",
                )
            issued = _store(
                signed,
                signer=signer,
                credential_uuid=credential_uuid,
                recipient=recipient,
                organisation=organisation,
                engagement_ref=ref,
                status_list=status_list,
                status_index=index,
                issued_by=issued_by,
            )
            record(
                "credential.issued", actor=issued_by, obj=issued, data={"kind": kind, "ref": ref, "key": signer.key_id}
            )
    except IntegrityError:
        existing = IssuedCredential.objects.filter(engagement_ref=ref).first()
        if existing is None:
            raise
        return existing
    return issued


def issue_endorsement(
    endorsement: EndorsementInput, *, recipient: User, organisation: Organisation | None, issued_by: User
) -> IssuedCredential:
    """Sign and store one endorsement; idempotent per `ref` (a retry returns the one already issued)."""
    statement = endorsement.statement.strip()
    if not statement:
        raise CredentialError("An endorsement needs a statement.", field="statement")
    if len(statement) > MAX_STATEMENT:
        raise CredentialError(f"Keep the statement under {MAX_STATEMENT} characters.", field="statement")
    if not endorsement.ref or not endorsement.subject_id:
        raise CredentialError("Say what the endorsement is for.", field="subject")
    return sign_and_store(
        lambda credential_uuid, issuer, status, issued_at: build_endorsement(
            endorsement, credential_uuid=credential_uuid, issuer=issuer, status=status, issued_at=issued_at
        ),
        ref=endorsement.ref,
        recipient=recipient,
        organisation=organisation,
        issued_by=issued_by,
        kind="endorsement",
        check=endorsement_schema_errors,
    )


def revoke_endorsement(credential: IssuedCredential, *, actor: User | None, reason: str, acting_as: str) -> Revocation:
    """Revoke an endorsement credential. The caller (recognition) has checked that `actor` may."""
    if not is_endorsement(credential.document):
        raise CredentialError("This credential is not an endorsement.", code="not_endorsement")
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise CredentialError("Say why the endorsement is withdrawn.", field="reason")
    try:
        with transaction.atomic():
            IssuedCredential.objects.select_for_update().filter(pk=credential.pk).first()
            if Revocation.objects.filter(credential=credential).exists():
                raise CredentialError("This endorsement is already revoked.", code="already_revoked")
            revocation = Revocation.objects.create(
                credential=credential, reason=reason[:2000], revoked_by=actor, acting_as=acting_as[:100]
            )
            record("credential.revoked", actor=actor, obj=credential, data={"reason": reason, "acting_as": acting_as})
    except IntegrityError:
        raise CredentialError("This endorsement is already revoked.", code="already_revoked") from None
    return revocation


# --- what the credential pages show -------------------------------------------------------------


@dataclass(frozen=True)
class ShownEndorsement:
    endorser: str
    capacity: str
    statement: str
    issued_at: datetime
    credential_uuid: uuid.UUID


_listers: list[Callable[[IssuedCredential], list[ShownEndorsement]]] = []


def register_lister(lister: Callable[[IssuedCredential], list[ShownEndorsement]]) -> None:
    """The app that keeps endorsements (recognition) says how to list a credential's visible ones."""
    if lister not in _listers:
        _listers.append(lister)


def shown_for(credential: IssuedCredential) -> list[ShownEndorsement]:
    return [item for lister in _listers for item in lister(credential)]
