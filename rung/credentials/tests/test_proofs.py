import copy
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rung.credentials.canon import DroppedTermError, RelativeIriError
from rung.credentials.dids import did_key, did_key_verification_method, key_resolver
from rung.credentials.jsonld import UnknownContextError
from rung.credentials.multibase import encode_multibase
from rung.credentials.proofs import sign_credential, verify_proof
from rung.credentials.schema import schema_errors

Credential = dict[str, Any]


@pytest.fixture
def resolve_vector_key(vector_key: Ed25519PrivateKey) -> Callable[[str], Ed25519PublicKey]:
    return lambda _method: vector_key.public_key()


@pytest.fixture
def signed(vector: dict[str, Any], vector_key: Ed25519PrivateKey) -> Credential:
    return sign_credential(
        vector["unsigned_credential"],
        private_key=vector_key,
        verification_method=vector["verificationMethod"],
        created=vector["created"],
    )


def test_reproduces_the_official_proof_value(signed: Credential, vector: dict[str, Any]) -> None:
    assert signed["proof"] == [
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": vector["created"],
            "verificationMethod": vector["verificationMethod"],
            "proofPurpose": "assertionMethod",
            "proofValue": vector["expected_proofValue"],
        }
    ]


def test_signing_leaves_the_input_alone(vector: dict[str, Any], vector_key: Ed25519PrivateKey) -> None:
    unsigned = copy.deepcopy(vector["unsigned_credential"])
    signed = sign_credential(unsigned, private_key=vector_key, verification_method=vector["verificationMethod"])
    assert unsigned == vector["unsigned_credential"]
    signed["credentialSubject"]["achievement"]["name"] = "changed"
    assert unsigned["credentialSubject"]["achievement"]["name"] == "Teamwork"


def test_signed_credential_matches_the_ob3_json_schema(signed: Credential) -> None:
    assert schema_errors(signed) == []


def test_round_trip(signed: Credential, resolve_vector_key: Callable[[str], Ed25519PublicKey]) -> None:
    assert verify_proof(signed, resolve_key=resolve_vector_key).ok


def test_round_trip_with_did_key_and_default_created(unsigned: Credential) -> None:
    key = Ed25519PrivateKey.generate()
    unsigned["issuer"]["id"] = did_key(key.public_key())
    signed = sign_credential(
        unsigned, private_key=key, verification_method=did_key_verification_method(key.public_key())
    )
    assert signed["proof"][0]["created"].endswith("Z")
    result = verify_proof(signed, resolve_key=key_resolver())
    assert result.ok, result.errors


def test_a_single_proof_object_is_accepted(
    signed: Credential, resolve_vector_key: Callable[[str], Ed25519PublicKey]
) -> None:
    signed["proof"] = signed["proof"][0]
    assert verify_proof(signed, resolve_key=resolve_vector_key).ok


def _set(path: tuple[str | int, ...], value: object) -> Callable[[Credential], None]:
    def change(credential: Credential) -> None:
        target: Any = credential
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _delete(path: tuple[str, ...]) -> Callable[[Credential], None]:
    def change(credential: Credential) -> None:
        target: Any = credential
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


TAMPERINGS: dict[str, Callable[[Credential], None]] = {
    "name": _set(("name",), "Teamwork Badge!"),
    "id": _set(("id",), "http://example.com/credentials/3528"),
    "validFrom": _set(("validFrom",), "2010-01-02T00:00:00Z"),
    "type": _set(("type",), ["VerifiableCredential", "EndorsementCredential"]),
    "issuer name": _set(("issuer", "name"), "Evil Corp"),
    "subject id": _set(("credentialSubject", "id"), "did:example:someone-else"),
    "achievement name": _set(("credentialSubject", "achievement", "name"), "Leadership"),
    "criteria narrative": _set(("credentialSubject", "achievement", "criteria", "narrative"), "Anyone."),
    "added validUntil": _set(("validUntil",), "2030-01-01T00:00:00Z"),
    "added description": _set(("description",), "An extra claim"),
    "added nested": _set(("credentialSubject", "achievement", "achievementType"), "Certificate"),
    "removed name": _delete(("name",)),
    "removed nested": _delete(("credentialSubject", "achievement", "description")),
    "removed criteria": _delete(("credentialSubject", "achievement", "criteria")),
    "proof created": _set(("proof", 0, "created"), "2010-01-01T19:23:25Z"),
    "proof purpose": _set(("proof", 0, "proofPurpose"), "authentication"),
    "added undefined term": _set(("credentialSubject", "foo"), "bar"),
    "added unknown context": lambda credential: credential["@context"].append("https://example.org/c.json"),
}


@pytest.mark.parametrize("tamper", list(TAMPERINGS.values()), ids=list(TAMPERINGS))
def test_any_change_breaks_verification(
    signed: Credential, resolve_vector_key: Callable[[str], Ed25519PublicKey], tamper: Callable[[Credential], None]
) -> None:
    tamper(signed)
    result = verify_proof(signed, resolve_key=resolve_vector_key)
    assert not result.ok
    assert result.errors
    assert all(isinstance(error, str) for error in result.errors)


def test_achievement_credential_is_an_alias_of_open_badge_credential(
    signed: Credential, resolve_vector_key: Callable[[str], Ed25519PublicKey]
) -> None:
    # The OB context maps both names to one IRI, so the RDF, and with it the signature, is the same.
    signed["type"] = ["VerifiableCredential", "AchievementCredential"]
    assert verify_proof(signed, resolve_key=resolve_vector_key).ok


def test_wrong_key_fails(signed: Credential) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    result = verify_proof(signed, resolve_key=lambda _method: other)
    assert not result.ok
    assert "signature does not match" in result.errors[0]


def test_key_of_another_controller_fails(
    signed: Credential, resolve_vector_key: Callable[[str], Ed25519PublicKey]
) -> None:
    signed["issuer"]["id"] = "https://evil.example/issuers/1"
    result = verify_proof(signed, resolve_key=resolve_vector_key)
    assert not result.ok
    assert "does not belong to the issuer" in result.errors[0]


def test_resolver_failure_is_an_error_not_an_exception(signed: Credential) -> None:
    def resolve(method: str) -> Ed25519PublicKey:
        raise LookupError("no such key")

    result = verify_proof(signed, resolve_key=resolve)
    assert not result.ok
    assert "no such key" in result.errors[0]


@pytest.mark.parametrize(
    "proof_value",
    ["", "z", "zzzz", "z0OIl", "u" + "A" * 86, 12345, None, encode_multibase(b"\x01" * 63), "z" + "1" * 5000],
)
def test_malformed_proof_value_is_an_error_not_an_exception(
    signed: Credential, resolve_vector_key: Callable[[str], Ed25519PublicKey], proof_value: object
) -> None:
    signed["proof"][0]["proofValue"] = proof_value
    result = verify_proof(signed, resolve_key=resolve_vector_key)
    assert not result.ok
    assert "proofValue" in " ".join(result.errors)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("type", "Ed25519Signature2020", "proof type"),
        ("cryptosuite", "ecdsa-rdfc-2019", "cryptosuite"),
        ("proofPurpose", "authentication", "proof purpose"),
        ("verificationMethod", 7, "verificationMethod"),
        ("created", "yesterday", "date-time"),
        ("expires", 20300101, "date-time"),
    ],
)
def test_wrong_proof_fields_are_reported(
    signed: Credential,
    resolve_vector_key: Callable[[str], Ed25519PublicKey],
    field: str,
    value: object,
    message: str,
) -> None:
    signed["proof"][0][field] = value
    result = verify_proof(signed, resolve_key=resolve_vector_key)
    assert not result.ok
    assert message in " ".join(result.errors)


@pytest.mark.parametrize(
    "credential",
    [None, [], "text", 3, {}, {"proof": None}, {"proof": []}, {"proof": ["x"]}, {"proof": [{}]}],
)
def test_malformed_credentials_are_errors_not_exceptions(
    credential: object, resolve_vector_key: Callable[[str], Ed25519PublicKey]
) -> None:
    result = verify_proof(credential, resolve_key=resolve_vector_key)
    assert not result.ok
    assert result.errors


def test_proof_context_must_prefix_the_document_context(
    signed: Credential, resolve_vector_key: Callable[[str], Ed25519PublicKey]
) -> None:
    signed["proof"][0]["@context"] = signed["@context"][:1]
    assert verify_proof(signed, resolve_key=resolve_vector_key).ok
    signed["proof"][0]["@context"] = ["https://w3id.org/security/data-integrity/v2"]
    assert "@context" in verify_proof(signed, resolve_key=resolve_vector_key).errors[0]


def test_every_proof_in_a_set_must_verify(
    signed: Credential, resolve_vector_key: Callable[[str], Ed25519PublicKey]
) -> None:
    bad = dict(signed["proof"][0], proofValue=encode_multibase(b"\x00" * 64))
    signed["proof"].append(bad)
    result = verify_proof(signed, resolve_key=resolve_vector_key)
    assert not result.ok
    assert result.errors == (
        "proof 2: the signature does not match: the credential was changed or signed with another key",
    )


def test_signing_refuses_undefined_terms(unsigned: Credential, vector_key: Ed25519PrivateKey) -> None:
    unsigned["foo"] = "bar"
    with pytest.raises(DroppedTermError):
        sign_credential(unsigned, private_key=vector_key, verification_method="did:example:x#k")


def test_signing_refuses_relative_iris(unsigned: Credential, vector_key: Ed25519PrivateKey) -> None:
    unsigned["id"] = "credentials/1"
    with pytest.raises(RelativeIriError):
        sign_credential(unsigned, private_key=vector_key, verification_method="did:example:x#k")


def test_signing_refuses_unknown_contexts(unsigned: Credential, vector_key: Ed25519PrivateKey) -> None:
    unsigned["@context"].append("https://example.org/context.json")
    with pytest.raises(UnknownContextError):
        sign_credential(unsigned, private_key=vector_key, verification_method="did:example:x#k")


def test_signing_refuses_relative_verification_method(unsigned: Credential, vector_key: Ed25519PrivateKey) -> None:
    with pytest.raises(RelativeIriError):
        sign_credential(unsigned, private_key=vector_key, verification_method="#key-1")


def test_signing_refuses_a_signed_credential_and_a_bad_created(
    signed: Credential, unsigned: Credential, vector_key: Ed25519PrivateKey
) -> None:
    with pytest.raises(ValueError, match="already has a proof"):
        sign_credential(signed, private_key=vector_key, verification_method="did:example:x#k")
    with pytest.raises(ValueError, match="dateTime"):
        sign_credential(unsigned, private_key=vector_key, verification_method="did:example:x#k", created="now")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@settings(database=None, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.sampled_from(["name", "credentialSubject", "issuer", "proof", "@context", "type", "validFrom", "x"]),
    value=JSON,
)
def test_verify_never_raises_whatever_a_field_holds(
    signed: Credential, resolve_vector_key: Callable[[str], Ed25519PublicKey], key: str, value: object
) -> None:
    credential = copy.deepcopy(signed)
    credential[key] = value
    result = verify_proof(credential, resolve_key=resolve_vector_key)
    assert isinstance(result.ok, bool)
    if value != signed.get(key):
        assert not result.ok
