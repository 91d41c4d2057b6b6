"""Issuer identities of organisations: did:web:<Rung's host>:orgs:<slug>, with keys in the database.

An organisation vouches for what it issues (transcripts, endorsements, anything sent through the VC
API) under its own DID, so a verifier sees who stands behind a claim. With did:web the DID document
is served at /orgs/<slug>/did.json and lists every key the organisation ever had (retired ones too,
so what they signed keeps verifying). With CREDENTIALS_DID_METHOD=key (no public https host), the
organisation issues as the did:key of its active key, like Rung does.

Private keys are sealed like Rung's own (scrypt from CREDENTIALS_KEY_PASSPHRASE, then Fernet).
"""

import base64
import secrets
from typing import Any

from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, transaction
from django.utils import timezone

from rung.credentials.dids import DID_KEY_PREFIX, DID_WEB_PREFIX, did_key, did_web, did_web_document
from rung.credentials.issuer import Signer, signer_for, site_host, uses_did_web
from rung.credentials.keys import SCRYPT_N, SCRYPT_P, SCRYPT_R, KeyStoreError, _fernet, _passphrase
from rung.credentials.models import OrganisationKey
from rung.credentials.multibase import (
    MultibaseError,
    decode_ed25519_private_key,
    decode_ed25519_public_key,
    encode_ed25519_private_key,
    encode_ed25519_public_key,
)
from rung.orgs.models import Organisation

ORG_PATH_SEGMENT = "orgs"


def org_web_did(org: Organisation) -> str:
    return did_web(site_host(), ORG_PATH_SEGMENT, org.slug)


def _keys(org: Organisation) -> list[OrganisationKey]:
    return list(OrganisationKey.objects.filter(organisation=org).order_by("created_at", "id"))


def active_key(org: Organisation) -> OrganisationKey | None:
    return OrganisationKey.objects.filter(organisation=org, retired_at__isnull=True).first()


def _seal(private: Ed25519PrivateKey, salt: str) -> str:
    fernet = _fernet(_passphrase(required=True), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return fernet.encrypt(encode_ed25519_private_key(private).encode("ascii")).decode("ascii")


def _salt() -> str:
    # One salt for every organisation's keys, so a process derives the sealing key once, not per
    # organisation (scrypt is slow on purpose). A fresh salt is drawn for the very first key.
    existing = OrganisationKey.objects.order_by("-created_at").values_list("salt", flat=True).first()
    return existing or base64.b64encode(secrets.token_bytes(16)).decode("ascii")


def _new_key(org: Organisation) -> OrganisationKey:
    private = Ed25519PrivateKey.generate()
    salt = _salt()
    return OrganisationKey.objects.create(
        organisation=org,
        key_id=encode_ed25519_public_key(private.public_key()),
        salt=salt,
        sealed_private_key=_seal(private, salt),
    )


def generate_org_key(org: Organisation) -> OrganisationKey:
    """The organisation's first key; refuses if it has one (rotate instead)."""
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=org.pk).first()
        if OrganisationKey.objects.filter(organisation=org).exists():
            raise KeyStoreError(f"{org.slug} already has a signing key; rotate it instead.")
        return _new_key(org)


def ensure_org_key(org: Organisation) -> OrganisationKey:
    """The active key, made on first use (two processes at once: one wins, the other reads it)."""
    found = active_key(org)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            Organisation.objects.select_for_update().filter(pk=org.pk).first()
            found = active_key(org)
            return found if found is not None else _new_key(org)
    except IntegrityError:
        found = active_key(org)
        if found is None:
            raise
        return found


def rotate_org_key(org: Organisation) -> tuple[OrganisationKey, OrganisationKey]:
    """Retire the active key (kept in the DID document) and add a new one."""
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=org.pk).first()
        old = active_key(org)
        if old is None:
            raise KeyStoreError(f"{org.slug} has no signing key yet; generate one first.")
        private_key_of(old)  # the passphrase must open the old key before anything changes
        OrganisationKey.objects.filter(pk=old.pk).update(retired_at=timezone.now())
        old.refresh_from_db()
        return old, _new_key(org)


def private_key_of(key: OrganisationKey) -> Ed25519PrivateKey:
    fernet = _fernet(_passphrase(required=True), key.salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    try:
        private = decode_ed25519_private_key(fernet.decrypt(key.sealed_private_key.encode("ascii")).decode("ascii"))
    except (InvalidToken, UnicodeError, MultibaseError, ValueError):
        raise KeyStoreError(
            "CREDENTIALS_KEY_PASSPHRASE does not open the organisation's signing key (wrong passphrase?)."
        ) from None
    if encode_ed25519_public_key(private.public_key()) != key.key_id:
        raise KeyStoreError(f"the private key stored for {key.key_id} does not match it")
    return private


def org_did(org: Organisation, key: OrganisationKey | None = None) -> str:
    """The DID the organisation issues as now (with did:key, its active key's; made if missing)."""
    if uses_did_web():
        return org_web_did(org)
    key = key or ensure_org_key(org)
    return did_key(decode_ed25519_public_key(key.key_id))


def org_signer(org: Organisation) -> Signer:
    key = ensure_org_key(org)
    did = org_did(org, key)
    return Signer(
        did=did, verification_method=f"{did}#{key.key_id}", private_key=private_key_of(key), key_id=key.key_id
    )


def org_did_document(org: Organisation) -> dict[str, Any] | None:
    keys = _keys(org)
    if not keys:
        return None
    return did_web_document(org_web_did(org), [decode_ed25519_public_key(k.key_id) for k in keys])


def organisation_for_did(did: str) -> Organisation | None:
    """The organisation a DID belongs to (its did:web, or the did:key of one of its keys), if any."""
    if did.startswith(DID_WEB_PREFIX):
        prefix = did_web(site_host(), ORG_PATH_SEGMENT, "x")[: -len("x")]
        if not did.startswith(prefix):
            return None
        return Organisation.objects.filter(slug=did.removeprefix(prefix)).first()
    if did.startswith(DID_KEY_PREFIX):
        key = OrganisationKey.objects.filter(key_id=did.removeprefix(DID_KEY_PREFIX)).select_related("organisation")
        found = key.first()
        return found.organisation if found else None
    return None


def did_document_for(did: str) -> dict[str, Any] | None:
    """An organisation's DID document for one of its DIDs; None if the DID is no organisation's."""
    org = organisation_for_did(did)
    if org is None:
        return None
    if did.startswith(DID_WEB_PREFIX):
        return org_did_document(org)
    return did_web_document(did, [decode_ed25519_public_key(did.removeprefix(DID_KEY_PREFIX))])


def signer_for_org_did(did: str) -> Signer | None:
    """The signer for an organisation's DID (status lists are signed by their issuer), or None."""
    org = organisation_for_did(did)
    if org is None:
        return None
    if did.startswith(DID_KEY_PREFIX):
        key = OrganisationKey.objects.get(key_id=did.removeprefix(DID_KEY_PREFIX))
    else:
        key = ensure_org_key(org)
    return Signer(
        did=did, verification_method=f"{did}#{key.key_id}", private_key=private_key_of(key), key_id=key.key_id
    )


def list_org_keys(org: Organisation) -> list[dict[str, Any]]:
    return [
        {"key_id": k.key_id, "created": k.created_at, "retired": k.retired_at, "active": k.retired_at is None}
        for k in _keys(org)
    ]


def signer_for_any(did: str) -> Signer:
    """Rung's or an organisation's signer for a DID it issues as (e.g. to sign its status lists)."""
    return signer_for_org_did(did) or signer_for(did)
