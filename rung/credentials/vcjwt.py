"""VC-JWT: a credential secured as a JSON Web Token (W3C VC-JOSE-COSE, media type vc+jwt), EdDSA.

Open Badges 3.0 allows two proof formats: an embedded Data Integrity proof (what Rung stores) and
a JWT. The JWT's payload is the credential itself, without its embedded proof; the protected
header names the algorithm (EdDSA, Ed25519), `typ: vc+jwt`, `cty: vc` and, in `kid`, the issuer's
verification method. PyJWT does the JOSE work. OB 3.0 examples from before VC-JOSE-COSE put the
credential in a `vc` claim; those are read too.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MEDIA_TYPE = "application/vc+jwt"
TYPES = frozenset({"vc+jwt", "vc+ld+json+jwt", "JWT"})


class VcJwtError(ValueError):
    """Not a usable VC-JWT; the message says why in plain words."""


@dataclass(frozen=True)
class ParsedJwt:
    header: dict[str, Any]
    credential: dict[str, Any]
    kid: str


def looks_like_jwt(value: object) -> bool:
    return isinstance(value, str) and value.count(".") == 2 and len(value) < 1_000_000


def encode(credential: Mapping[str, Any], *, private_key: Ed25519PrivateKey, verification_method: str) -> str:
    """Secure a credential as a vc+jwt. Any embedded proof is left out: the JWS is the proof."""
    payload = {key: value for key, value in credential.items() if key != "proof"}
    headers = {"typ": "vc+jwt", "cty": "vc", "kid": verification_method}
    return jwt.encode(payload, private_key, algorithm="EdDSA", headers=headers)


def parse(token: str) -> ParsedJwt:
    """Read a VC-JWT's header and credential without trusting either (the signature is checked later)."""
    try:
        header = jwt.get_unverified_header(token)
        payload = jwt.decode(token, options={"verify_signature": False})
    except (jwt.DecodeError, json.JSONDecodeError, UnicodeError, ValueError) as exc:
        raise VcJwtError(f"This is not a readable JWT ({exc}).") from None
    if header.get("alg") != "EdDSA":
        raise VcJwtError(f"The JWT is signed with {header.get('alg')!r}; Rung checks EdDSA (Ed25519) VC-JWTs.")
    if header.get("typ") is not None and header.get("typ") not in TYPES:
        raise VcJwtError(f"The JWT's typ is {header.get('typ')!r}, not vc+jwt.")
    credential = payload.get("vc") if "@context" not in payload and isinstance(payload.get("vc"), dict) else payload
    if not isinstance(credential, dict):
        raise VcJwtError("The JWT does not carry a credential.")
    credential = dict(credential)
    # Older VC-JWTs state the issuer and the dates as JWT claims instead of inside the credential.
    if credential is not payload:
        if "issuer" not in credential and isinstance(payload.get("iss"), str):
            credential["issuer"] = payload["iss"]
        if "id" not in credential and isinstance(payload.get("jti"), str):
            credential["id"] = payload["jti"]
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise VcJwtError("The JWT's header names no key (kid), so its signature cannot be checked.")
    return ParsedJwt(header=header, credential=credential, kid=kid)


def verification_method(parsed: ParsedJwt, issuer_id: str) -> str:
    """The kid as a full DID URL (a bare "#fragment" is relative to the issuer)."""
    return issuer_id + parsed.kid if parsed.kid.startswith("#") else parsed.kid


def verify_signature(
    token: str, parsed: ParsedJwt, issuer_id: str, resolve_key: Callable[[str], Ed25519PublicKey]
) -> str | None:
    """None if the JWS verifies with a key of the issuer; otherwise the reason, in plain words."""
    method = verification_method(parsed, issuer_id)
    if method.partition("#")[0] != issuer_id:
        return f"the signing key {method!r} does not belong to the issuer {issuer_id!r}"
    try:
        key = resolve_key(method)
    except Exception as exc:  # the resolver is the caller's code; any failure means "no key"
        return f"cannot resolve the signing key {method!r}: {exc}"
    try:
        jwt.decode(token, key, algorithms=["EdDSA"], options={"verify_aud": False, "require": []})
    except jwt.ExpiredSignatureError:
        return "the JWT has expired (its exp claim is in the past)"
    except jwt.ImmatureSignatureError:
        return "the JWT is not valid yet (its nbf claim is in the future)"
    except jwt.InvalidSignatureError:
        return "the signature does not match: the credential was changed or signed with another key"
    except jwt.PyJWTError as exc:
        return f"the JWT is not valid: {exc}"
    return None
