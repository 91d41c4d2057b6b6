"""W3C Bitstring Status List: the signed list credential a verifier fetches to learn what is revoked.

The list is not stored: it is built from the Revocation rows whenever it is asked for, so it can
never disagree with them. Bit i is the left-most bit of byte i // 8 and so on (index 0 is 0x80 of
the first byte), GZIP-compressed and base64url-encoded without padding, with the multibase prefix 'u'.
"""

import base64
import gzip
from datetime import UTC, datetime
from typing import Any

from rung.credentials.jsonld import CREDENTIALS_V2_URL
from rung.credentials.models import Revocation, StatusList
from rung.credentials.orgissuers import signer_for_any
from rung.credentials.proofs import sign_credential

MULTIBASE_BASE64URL = "u"
# A list credential tells a verifier it may cache it this long; revocations show within a minute.
CACHE_SECONDS = 60


def encode_bitstring(set_bits: set[int] | frozenset[int], length: int) -> str:
    bits = bytearray(length // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 keeps the encoding the same for the same list, so caches and tests see stable output.
    compressed = gzip.compress(bytes(bits), mtime=0)
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_bitstring(encoded: str) -> bytes:
    if not encoded.startswith(MULTIBASE_BASE64URL):
        raise ValueError("an encoded list starts with 'u' (multibase base64url)")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit_is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def revoked_indexes(status_list: StatusList) -> set[int]:
    return set(
        Revocation.objects.filter(credential__status_list=status_list).values_list(
            "credential__status_index", flat=True
        )
    )


def status_list_credential(status_list: StatusList) -> dict[str, Any]:
    """The signed BitstringStatusListCredential for one list, as of now."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    signer = signer_for_any(status_list.issuer_did)
    unsigned = {
        "@context": [CREDENTIALS_V2_URL],
        "id": status_list.url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": signer.did,
        "validFrom": now,
        "credentialSubject": {
            "id": f"{status_list.url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encode_bitstring(revoked_indexes(status_list), status_list.length),
        },
    }
    return sign_credential(unsigned, private_key=signer.private_key, verification_method=signer.verification_method)
