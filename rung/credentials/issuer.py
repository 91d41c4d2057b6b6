"""Who Rung is when it signs: its DID, its DID document, its issuer Profile and its signing key.

did:web (the default) names the site: `did:web:<host of SITE_URL>`, a port written as %3A, with the
document at /.well-known/did.json listing every key, retired ones too. did:key (by setting) is
the active key itself; after a rotation the DID changes, and the old did:keys stay Rung's.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from rung.credentials.dids import did_key, did_web, did_web_document
from rung.credentials.keys import KeyFile, SigningKey, load_keys, private_key, read_keys


def site_host() -> str:
    """The host (and port) of SITE_URL, as did:web spells it before encoding."""
    parts = urlsplit(settings.SITE_URL)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def web_did() -> str:
    return did_web(site_host())


def uses_did_web() -> bool:
    return bool(settings.CREDENTIALS_DID_METHOD == "web")


def _did_for(key: SigningKey) -> str:
    return web_did() if uses_did_web() else did_key(key.public_key)


def issuer_did(keys: KeyFile | None = None) -> str:
    """The DID Rung issues as now. With did:key this needs the key file (made on first use if allowed)."""
    if uses_did_web():
        return web_did()
    return did_key((keys or load_keys()).active_key.public_key)


def own_dids() -> set[str]:
    """Every DID that is Rung: the did:web, and the did:key of each of its keys (current and retired)."""
    dids = {web_did()}
    keys = read_keys()
    if keys is not None:
        dids |= {did_key(key.public_key) for key in keys.keys}
    return dids


def own_did_document(did: str) -> dict[str, Any] | None:
    """Rung's DID document for one of its DIDs; None if it is not Rung's or there are no keys yet."""
    keys = read_keys()
    if keys is None:
        return None
    if did == web_did():
        return did_web_document(did, [key.public_key for key in keys.keys])
    for key in keys.keys:
        if did == did_key(key.public_key):
            return did_web_document(did, [key.public_key])
    return None


def did_document() -> dict[str, Any] | None:
    """What /.well-known/did.json serves: the did:web document with every key under assertionMethod."""
    keys = read_keys() or (load_keys() if settings.CREDENTIALS_AUTO_GENERATE_KEY else None)
    if keys is None:
        return None
    return did_web_document(web_did(), [key.public_key for key in keys.keys])


def issuer_profile(did: str | None = None) -> dict[str, Any]:
    """The OB 3.0 issuer Profile: the platform (the employer is named as the achievement's creator)."""
    return {
        "id": did or issuer_did(),
        "type": ["Profile"],
        "name": settings.CREDENTIALS_ISSUER_NAME,
        "url": settings.SITE_URL + "/",
    }


@dataclass(frozen=True)
class Signer:
    did: str
    verification_method: str
    private_key: Ed25519PrivateKey
    key_id: str


def signer_for(did: str | None = None) -> Signer:
    """The key to sign with as `did` (default: the issuer now). did:key DIDs sign with their own key."""
    keys = load_keys()
    did = did or issuer_did(keys)
    key = keys.active_key
    if did != web_did():
        matching = [k for k in keys.keys if did_key(k.public_key) == did]
        if not matching:
            raise ValueError(f"{did} is not one of Rung's DIDs")
        key = matching[0]
    return Signer(
        did=did, verification_method=f"{did}#{key.key_id}", private_key=private_key(key, keys), key_id=key.key_id
    )
