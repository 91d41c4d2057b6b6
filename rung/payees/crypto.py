"""Encryption of payout details at rest: Fernet tokens under a key from the environment.

PAYOUT_DETAILS_KEY holds one or more Fernet keys separated by commas, newest first: new values are
encrypted with the first, and any of them decrypts, so a key can be rotated without downtime
(`rotate_all` re-encrypts every row under the newest key).
"""

import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "PAYOUT_DETAILS_KEY must be Fernet keys (32 url-safe base64-encoded bytes each, comma-separated); "
            'make one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        ) from None


def fernet() -> MultiFernet:
    keys = tuple(k.strip() for k in str(getattr(settings, "PAYOUT_DETAILS_KEY", "")).split(",") if k.strip())
    if not keys:
        raise ImproperlyConfigured("PAYOUT_DETAILS_KEY is not set, so payout details cannot be stored or read.")
    return _fernet(keys)


def encrypt(values: dict[str, Any]) -> str:
    return fernet().encrypt(json.dumps(values, sort_keys=True).encode()).decode()


def decrypt(token: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(fernet().decrypt(token.encode()))
    except InvalidToken:
        raise ImproperlyConfigured(
            "Stored payout details cannot be decrypted with any key in PAYOUT_DETAILS_KEY "
            "(was a key removed before every row was re-encrypted?)."
        ) from None
    return data


def rotate(token: str) -> str:
    return fernet().rotate(token.encode()).decode()
