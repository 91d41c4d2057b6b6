"""did:key and did:web for Ed25519 Multikeys: identifiers, DID documents and offline key resolution.

Nothing here fetches anything: a did:key carries its key, and a did:web document is given by the
caller (Rung serves its own; fetching other issuers' documents is a separate, later concern).
"""

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from rung.credentials.jsonld import DID_V1_URL, MULTIKEY_V1_URL
from rung.credentials.multibase import MultibaseError, decode_ed25519_public_key, encode_ed25519_public_key

DID_KEY_PREFIX = "did:key:"
DID_WEB_PREFIX = "did:web:"
ED25519_MULTIKEY_PREFIX = "z6Mk"
# Both types carry an Ed25519 key as an ed25519-pub Multikey in publicKeyMultibase.
MULTIKEY_TYPES = frozenset({"Multikey", "Ed25519VerificationKey2020"})

# A lower-case DNS name or IP address, optionally with a port; did:web allows nothing else.
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?$")


class DidResolutionError(ValueError):
    """A DID or verification method cannot be resolved to an Ed25519 public key."""


KeyResolver = Callable[[str], Ed25519PublicKey]


# --- did:key -------------------------------------------------------------------------------------


def did_key(public_key: Ed25519PublicKey) -> str:
    return DID_KEY_PREFIX + encode_ed25519_public_key(public_key)


def did_key_verification_method(public_key: Ed25519PublicKey) -> str:
    multikey = encode_ed25519_public_key(public_key)
    return f"{DID_KEY_PREFIX}{multikey}#{multikey}"


def resolve_did_key(verification_method: str) -> Ed25519PublicKey:
    """The key inside a ``did:key:z6Mk…#z6Mk…`` verification method (fragment must repeat the key)."""
    if not isinstance(verification_method, str) or not verification_method.startswith(DID_KEY_PREFIX):
        raise DidResolutionError(f"{verification_method!r} is not a did:key verification method")
    did, _, fragment = verification_method.partition("#")
    multikey = did.removeprefix(DID_KEY_PREFIX)
    if fragment != multikey:
        raise DidResolutionError("a did:key verification method must be did:key:<key>#<key>")
    if not multikey.startswith(ED25519_MULTIKEY_PREFIX):
        raise DidResolutionError("only Ed25519 (z6Mk…) did:key identifiers are supported")
    try:
        return decode_ed25519_public_key(multikey)
    except (MultibaseError, ValueError) as exc:
        raise DidResolutionError(f"did:key does not hold a valid Ed25519 key: {exc}") from exc


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document a did:key stands for, in the same shape as did_web_document."""
    resolve_did_key(f"{did}#{did.removeprefix(DID_KEY_PREFIX)}")  # validates
    return _did_document(did, [did.removeprefix(DID_KEY_PREFIX)])


# --- did:web -------------------------------------------------------------------------------------


def did_web(host: str, *path: str) -> str:
    """The did:web for a host (``example.org`` or ``localhost:8000``), optionally with path segments."""
    host = host.lower()
    if not _HOST.match(host):
        raise ValueError(f"{host!r} is not a host name for did:web (no scheme, no path)")
    segments = [host.replace(":", "%3A"), *(quote(segment, safe="") for segment in path)]
    if any(not segment for segment in segments):
        raise ValueError("did:web path segments must not be empty")
    return DID_WEB_PREFIX + ":".join(segments)


def did_web_document_url(did: str) -> str:
    """Where a did:web's document lives: ``https://host/.well-known/did.json`` or ``…/path/did.json``."""
    if not did.startswith(DID_WEB_PREFIX) or "#" in did or "?" in did:
        raise DidResolutionError(f"{did!r} is not a did:web")
    host, *path = did.removeprefix(DID_WEB_PREFIX).split(":")
    host = unquote(host)
    if not _HOST.match(host):
        raise DidResolutionError(f"{did!r} does not name a valid host")
    if not path:
        return f"https://{host}/.well-known/did.json"
    return f"https://{host}/{'/'.join(path)}/did.json"


def did_web_document(did: str, public_keys: Iterable[Ed25519PublicKey]) -> dict[str, Any]:
    """A DID document listing every key as a Multikey under assertionMethod.

    Rotated-out keys stay listed so that credentials they signed keep verifying; a key is only
    dropped when its signatures must stop being trusted (e.g. it leaked).
    """
    multikeys = list(dict.fromkeys(encode_ed25519_public_key(key) for key in public_keys))
    if not multikeys:
        raise ValueError("a DID document needs at least one key")
    return _did_document(did, multikeys)


def _did_document(did: str, multikeys: list[str]) -> dict[str, Any]:
    # Fragments are the keys themselves: stable across rotations and never clashing.
    methods = [
        {"id": f"{did}#{multikey}", "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
        for multikey in multikeys
    ]
    return {
        "@context": [DID_V1_URL, MULTIKEY_V1_URL],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


# --- resolution against a DID document ------------------------------------------------------------


def _absolute_id(did: str, value: object) -> object:
    # DID documents may name methods relative to themselves ("#key-1").
    if isinstance(value, str) and value.startswith("#"):
        return did + value
    return value


def _method_ids(did: str, entries: object) -> set[object]:
    if not isinstance(entries, list):
        return set()
    ids = set()
    for entry in entries:
        ids.add(_absolute_id(did, entry.get("id") if isinstance(entry, Mapping) else entry))
    return ids


def _find_method(did: str, document: Mapping[str, Any], method_id: str, purpose: str) -> Mapping[str, Any]:
    candidates: list[object] = []
    for key in ("verificationMethod", purpose):
        entries = document.get(key)
        if isinstance(entries, list):
            candidates.extend(entries)
    for entry in candidates:
        if isinstance(entry, Mapping) and _absolute_id(did, entry.get("id")) == method_id:
            return entry
    raise DidResolutionError(f"{method_id!r} is not in the DID document's verification methods")


def resolve_verification_method(
    did_document: Mapping[str, Any], verification_method: str, *, purpose: str = "assertionMethod"
) -> Ed25519PublicKey:
    """The Ed25519 key a DID document gives for a verification method, if authorised for purpose."""
    if not isinstance(did_document, Mapping) or not isinstance(did_document.get("id"), str):
        raise DidResolutionError("the DID document has no id")
    did: str = did_document["id"]
    if not isinstance(verification_method, str) or not verification_method.startswith(did + "#"):
        raise DidResolutionError(f"{verification_method!r} does not belong to {did!r}")
    if verification_method not in _method_ids(did, did_document.get(purpose)):
        raise DidResolutionError(f"{verification_method!r} is not listed under {purpose} of {did!r}")
    method = _find_method(did, did_document, verification_method, purpose)
    if method.get("type") not in MULTIKEY_TYPES:
        raise DidResolutionError(f"{verification_method!r} has unsupported type {method.get('type')!r}")
    if method.get("controller") != did:
        raise DidResolutionError(f"{verification_method!r} is not controlled by {did!r}")
    multikey = method.get("publicKeyMultibase")
    if not isinstance(multikey, str):
        raise DidResolutionError(f"{verification_method!r} has no publicKeyMultibase")
    try:
        return decode_ed25519_public_key(multikey)
    except (MultibaseError, ValueError) as exc:
        raise DidResolutionError(f"{verification_method!r} does not hold a valid Ed25519 key: {exc}") from exc


def key_resolver(did_documents: Mapping[str, Mapping[str, Any]] | None = None) -> KeyResolver:
    """A resolve_key for verify_proof: did:key offline, anything else from the given documents."""
    documents = dict(did_documents or {})

    def resolve(verification_method: str) -> Ed25519PublicKey:
        if not isinstance(verification_method, str):
            raise DidResolutionError("the verification method must be a string")
        if verification_method.startswith(DID_KEY_PREFIX):
            return resolve_did_key(verification_method)
        did = verification_method.partition("#")[0]
        document = documents.get(did)
        if document is None:
            raise DidResolutionError(f"no DID document is known for {did!r}")
        return resolve_verification_method(document, verification_method)

    return resolve
