"""Holder binding: a holder proves control of a DID (DID Authentication) and has their credentials
re-issued to it.
"""

import secrets
import uuid
from collections.abc import Mapping

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.credentials.dids import DID_KEY_PREFIX
from rung.credentials.issuer import site_host
from rung.credentials.models import HolderBinding, IssuedCredential, Revocation, canonical_json
from rung.credentials.orgissuers import organisation_for_did
from rung.credentials.proofs import unsecured_document
from rung.credentials.services import (
    CredentialError,
    _allocate_status_index,
    _iso,
    _org_signer,
    _sign,
    _signer,
    _store,
    current_holder_did,
    status_entry,
)
from rung.credentials.verify import verify_presentation
from rung.lib.errors import PermissionDenied

# --- holder binding -------------------------------------------------------------------------------

HOLDER_CHALLENGE_SALT = "rung.credentials.holder-binding"
HOLDER_CHALLENGE_MAX_AGE = 30 * 60


def holder_domain() -> str:
    """The domain a DID Authentication presentation must be signed for: this site's host."""
    return site_host()


def holder_challenge(user: User) -> str:
    """A fresh, signed challenge for `user` to sign; valid for half an hour and usable once."""
    return signing.dumps({"u": str(user.uuid), "n": secrets.token_urlsafe(12)}, salt=HOLDER_CHALLENGE_SALT)


def bind_holder_did(*, user: User, presentation: object, challenge: str) -> HolderBinding:
    """Bind the DID that signed a DID Authentication presentation to `user`'s future credentials.

    The presentation must name its holder (a did:key, resolvable anywhere without Rung), be signed by
    it with proof purpose "authentication", and answer the challenge and domain Rung gave.
    """
    try:
        data = signing.loads(challenge, salt=HOLDER_CHALLENGE_SALT, max_age=HOLDER_CHALLENGE_MAX_AGE)
    except signing.SignatureExpired:
        raise CredentialError("That challenge has expired: start again to get a new one.", field="challenge") from None
    except signing.BadSignature:
        raise CredentialError("That is not a challenge Rung gave.", field="challenge") from None
    if not isinstance(data, dict) or data.get("u") != str(user.uuid):
        raise CredentialError("That challenge was given to someone else.", field="challenge")
    if not isinstance(presentation, Mapping):
        raise CredentialError("Paste the signed presentation (a JSON object).", field="presentation")
    holder = presentation.get("holder")
    holder_id = holder.get("id") if isinstance(holder, Mapping) else holder
    if not isinstance(holder_id, str) or not holder_id.startswith(DID_KEY_PREFIX):
        raise CredentialError(
            "The presentation must name its holder as a did:key (the DID you want in your credentials).",
            field="presentation",
        )
    report = verify_presentation(presentation, challenge=challenge, domain=holder_domain())
    signed = any(c.name == "presentationProof" and c.outcome == "passed" for c in report.presentation.checks)
    if not report.presentation.verified or not signed:
        reasons = report.presentation.errors or ["the presentation is not signed"]
        raise CredentialError(
            "The presentation does not prove control of the DID: " + "; ".join(reasons), field="presentation"
        )
    try:
        with transaction.atomic():
            binding = HolderBinding.objects.create(
                user=user, did=holder_id, challenge=challenge, presentation_text=canonical_json(presentation)
            )
            record("credential.holder.bound", actor=user, obj=binding, data={"did": holder_id})
    except IntegrityError:
        raise CredentialError("That challenge was used already: start again.", field="challenge") from None
    return binding


def reissue_to_holder(credential: IssuedCredential, *, actor: User) -> IssuedCredential:
    """Re-issue one of the holder's credentials to their bound DID; the old one is revoked.

    The new credential says the same, names the DID as credentialSubject.id, and gets a new id, a
    new revocation entry and a new proof from the issuer as it is now (after a key rotation, the
    new key).
    """
    if credential.recipient_id is None or credential.recipient_id != actor.pk:
        raise PermissionDenied("Only the person this credential was issued to can have it re-issued.")
    did = current_holder_did(actor)
    if did is None:
        raise CredentialError("Prove which DID is yours first (Bind a DID, on your wallet page).", code="no_binding")
    document = unsecured_document(credential.document)
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        raise CredentialError("This credential cannot be re-issued.", code="not_reissuable")
    if subject.get("id") == did:
        raise CredentialError("This credential already names your DID.", code="already_bound")
    org = credential.organisation
    signer = _org_signer(org) if org is not None and organisation_for_did(credential.issuer_did) else _signer()
    credential_uuid = uuid.uuid4()
    with transaction.atomic():
        locked = IssuedCredential.objects.select_for_update().get(pk=credential.pk)
        if Revocation.objects.filter(credential=locked).exists():
            raise CredentialError("This credential is revoked, so it cannot be re-issued.", code="already_revoked")
        status_list, index = _allocate_status_index(signer.did)
        subject["id"] = did
        issuer = document.get("issuer")
        document["issuer"] = issuer | {"id": signer.did} if isinstance(issuer, dict) else signer.did
        document["id"] = f"urn:uuid:{credential_uuid}"
        document["credentialStatus"] = status_entry(status_list, index)
        if "validFrom" in document:
            document["validFrom"] = _iso(timezone.now())
        new = _store(
            _sign(document, signer),
            signer=signer,
            credential_uuid=credential_uuid,
            recipient=actor,
            organisation=credential.organisation,
            engagement_ref="",
            status_list=status_list,
            status_index=index,
            issued_by=actor,
            replaces=credential,
        )
        Revocation.objects.create(
            credential=credential,
            reason=f"Re-issued to the holder's DID as {new.credential_id}.",
            revoked_by=actor,
            acting_as="holder",
        )
        record("credential.reissued", actor=actor, obj=new, data={"replaces": str(credential.uuid), "did": did})
    return new
