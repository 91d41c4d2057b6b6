"""How a delivery is signed, and how a receiver checks it (docs/webhooks.md).

    Rung-Signature: t=1764650000,v1=5257a869e7…,v1=9f86d081884c…

`t` is the Unix time of the attempt; each `v1` is the hex HMAC-SHA256 of the bytes
`f"{t}.".encode() + body` under one secret. There is one `v1` per secret in force: two during the
grace period after a rotation (the new secret first), so a receiver may check against either.
A receiver accepts when one `v1` matches its secret (compared in constant time) and `t` is within
its tolerance of its own clock (Rung suggests five minutes), which stops replays of old captures.
"""

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable

HEADER = "Rung-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(body: bytes, *, secret: str, timestamp: int) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(body: bytes, *, secrets_in_force: Iterable[str], timestamp: int) -> str:
    parts = [f"t={timestamp}"]
    parts += [f"{SCHEME}={sign(body, secret=s, timestamp=timestamp)}" for s in secrets_in_force if s]
    return ",".join(parts)


def verify(
    body: bytes,
    header: str,
    *,
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """What a receiver does (a reference implementation, used by Rung's own tests)."""
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME:
            signatures.append(value)
    if timestamp is None or not signatures:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(body, secret=secret, timestamp=timestamp)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
