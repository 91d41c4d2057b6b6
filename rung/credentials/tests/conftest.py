"""Shared fixtures for the credential tests: the official OB 3.0 vector and keys. No database."""

import copy
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rung.credentials.tests.support import fixture_json


@pytest.fixture(scope="session")
def _vector() -> dict[str, Any]:
    vector: dict[str, Any] = fixture_json("ob3-eddsa-rdfc-2022-vector.json")
    return vector


@pytest.fixture
def vector(_vector: dict[str, Any]) -> dict[str, Any]:
    # A fresh copy per test, so a test that mutates it cannot leak into another.
    return copy.deepcopy(_vector)


@pytest.fixture
def vector_key(vector: dict[str, Any]) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["private_key_seed_hex"]))


@pytest.fixture
def unsigned(vector: dict[str, Any]) -> dict[str, Any]:
    credential: dict[str, Any] = vector["unsigned_credential"]
    return credential
