"""The official CLR 2.0 eddsa-rdfc-2022 test vector, reproduced byte for byte (fixtures/README.md)."""

import copy
import hashlib
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rung.credentials.canon import canonicalize
from rung.credentials.clr import clr_schema_errors
from rung.credentials.proofs import proof_configuration, sign_credential, verify_proof
from rung.credentials.tests.support import fixture_json, fixture_text


@pytest.fixture
def clr_vector() -> dict[str, Any]:
    vector: dict[str, Any] = fixture_json("clr2-eddsa-rdfc-2022-vector.json")
    return vector


@pytest.fixture
def clr_key(clr_vector: dict[str, Any]) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(clr_vector["private_key_seed_hex"]))


def test_the_clr_document_canonicalises_byte_for_byte(clr_vector: dict[str, Any]) -> None:
    nquads = canonicalize(clr_vector["unsigned_credential"])
    assert nquads == fixture_text(clr_vector["expected_document_canon_file"])
    assert len(nquads.splitlines()) == 49
    assert hashlib.sha256(nquads.encode()).hexdigest() == clr_vector["expected_document_sha256_hex"]


def test_the_clr_proof_configuration_canonicalises_byte_for_byte(clr_vector: dict[str, Any]) -> None:
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": clr_vector["created"],
        "verificationMethod": clr_vector["verificationMethod"],
        "proofPurpose": clr_vector["proofPurpose"],
    }
    config = proof_configuration(proof, clr_vector["unsigned_credential"]["@context"])
    nquads = canonicalize(config)
    assert nquads == fixture_text(clr_vector["expected_proof_config_canon_file"])
    # The guide prints this proof hash beside the vector.
    assert hashlib.sha256(nquads.encode()).hexdigest() == (
        "d34009cea0dbc1ca941e09dc01c8c9d3e3ce3c5b853f67ee44698dcea10f5d19"
    )


def test_signing_reproduces_the_official_clr_proof_value(
    clr_vector: dict[str, Any], clr_key: Ed25519PrivateKey
) -> None:
    signed = sign_credential(
        clr_vector["unsigned_credential"],
        private_key=clr_key,
        verification_method=clr_vector["verificationMethod"],
        created=clr_vector["created"],
    )
    assert signed["proof"][0]["proofValue"] == clr_vector["expected_proofValue"]
    assert verify_proof(signed, resolve_key=lambda _method: clr_key.public_key()).ok


def test_the_embedded_achievement_credential_keeps_verifying(
    clr_vector: dict[str, Any], clr_key: Ed25519PrivateKey
) -> None:
    inner = clr_vector["unsigned_credential"]["credentialSubject"]["verifiableCredential"][0]
    assert verify_proof(inner, resolve_key=lambda _method: clr_key.public_key()).ok


def test_the_vector_conforms_to_the_clr_schema_and_a_broken_copy_does_not(clr_vector: dict[str, Any]) -> None:
    document = clr_vector["unsigned_credential"]
    assert clr_schema_errors(document) == []
    broken = copy.deepcopy(document)
    del broken["credentialSubject"]
    assert clr_schema_errors(broken)
