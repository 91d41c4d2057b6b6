"""Signed records that are not Verifiable Credentials: plain JSON that Rung signs with its own key.

A licence record (a project template's, a showcased work's) is such a record: the buyer can show the
JSON and its signature, and anyone holding Rung's DID document can check it. The text is canonical
JSON (sorted keys, no spaces) and is stored exactly as signed, so checking it never re-serialises.
"""

import base64
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature

from rung.credentials.issuer import signer_for


@dataclass(frozen=True)
class SignedRecord:
    text: str
    signature: str  # Ed25519 over the UTF-8 text, base64url without padding
    verification_method: str


def canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sign_record(data: dict[str, Any]) -> SignedRecord:
    """Sign `data` as Rung's issuer now; the record names that issuer under "issuer"."""
    signer = signer_for()
    text = canonical_json({**data, "issuer": signer.did})
    signature = base64.urlsafe_b64encode(signer.private_key.sign(text.encode())).rstrip(b"=").decode()
    return SignedRecord(text=text, signature=signature, verification_method=signer.verification_method)


def verify_record(text: str, signature: str) -> bool:
    """Whether `text` is exactly what Rung signed with the key of the issuer it names."""
    try:
        issuer = json.loads(text)["issuer"]
        public_key = signer_for(issuer).private_key.public_key()
        public_key.verify(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)), text.encode())
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    return True
