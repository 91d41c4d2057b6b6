from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from rung.credentials.dids import (
    DidResolutionError,
    did_key,
    did_key_document,
    did_key_verification_method,
    did_web,
    did_web_document,
    did_web_document_url,
    key_resolver,
    resolve_did_key,
    resolve_verification_method,
)
from rung.credentials.jsonld import DID_V1_URL, MULTIKEY_V1_URL

VECTOR_MULTIKEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


def raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_did_key_of_the_vector_seed(vector_key: Ed25519PrivateKey) -> None:
    public = vector_key.public_key()
    assert did_key(public) == f"did:key:{VECTOR_MULTIKEY}"
    assert did_key_verification_method(public) == f"did:key:{VECTOR_MULTIKEY}#{VECTOR_MULTIKEY}"
    assert raw(resolve_did_key(f"did:key:{VECTOR_MULTIKEY}#{VECTOR_MULTIKEY}")) == raw(public)


def test_did_key_round_trip() -> None:
    public = Ed25519PrivateKey.generate().public_key()
    assert raw(resolve_did_key(did_key_verification_method(public))) == raw(public)


@pytest.mark.parametrize(
    "method",
    [
        f"did:key:{VECTOR_MULTIKEY}",
        f"did:key:{VECTOR_MULTIKEY}#key-1",
        f"did:web:example.org#{VECTOR_MULTIKEY}",
        "did:key:z6Mk0OIl#z6Mk0OIl",
        "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme#zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
        f"did:key:{VECTOR_MULTIKEY[:-2]}#{VECTOR_MULTIKEY[:-2]}",
    ],
)
def test_bad_did_key_methods_are_refused(method: str) -> None:
    with pytest.raises(DidResolutionError):
        resolve_did_key(method)


def test_did_key_document(vector_key: Ed25519PrivateKey) -> None:
    document = did_key_document(did_key(vector_key.public_key()))
    method_id = did_key_verification_method(vector_key.public_key())
    assert document["verificationMethod"][0]["id"] == method_id
    assert raw(resolve_verification_method(document, method_id)) == raw(vector_key.public_key())


@pytest.mark.parametrize(
    ("args", "did"),
    [
        (("rung.example",), "did:web:rung.example"),
        (("Rung.Example",), "did:web:rung.example"),
        (("localhost:8000",), "did:web:localhost%3A8000"),
        (("rung.example", "orgs", "acme co"), "did:web:rung.example:orgs:acme%20co"),
    ],
)
def test_did_web_for_a_host(args: tuple[str, ...], did: str) -> None:
    assert did_web(*args) == did


@pytest.mark.parametrize("host", ["https://rung.example", "rung.example/x", "", "-bad.example", "a b"])
def test_did_web_refuses_what_is_not_a_host(host: str) -> None:
    with pytest.raises(ValueError, match="not a host name"):
        did_web(host)


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:rung.example", "https://rung.example/.well-known/did.json"),
        ("did:web:localhost%3A8000", "https://localhost:8000/.well-known/did.json"),
        ("did:web:rung.example:orgs:acme", "https://rung.example/orgs/acme/did.json"),
    ],
)
def test_did_web_document_url(did: str, url: str) -> None:
    assert did_web_document_url(did) == url


@pytest.fixture
def rotated() -> tuple[str, list[Ed25519PublicKey], dict[str, Any]]:
    did = did_web("localhost:8000")
    keys = [Ed25519PrivateKey.generate().public_key() for _ in range(2)]
    return did, keys, did_web_document(did, keys)


def test_did_web_document_shape(rotated: tuple[str, list[Ed25519PublicKey], dict[str, Any]]) -> None:
    did, _, document = rotated
    assert document["@context"] == [DID_V1_URL, MULTIKEY_V1_URL]
    assert document["id"] == did
    assert [m["type"] for m in document["verificationMethod"]] == ["Multikey", "Multikey"]
    assert all(m["controller"] == did for m in document["verificationMethod"])
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]


def test_every_listed_key_resolves_so_old_signatures_keep_verifying(
    rotated: tuple[str, list[Ed25519PublicKey], dict[str, Any]],
) -> None:
    _, keys, document = rotated
    for key, method_id in zip(keys, document["assertionMethod"], strict=True):
        assert raw(resolve_verification_method(document, method_id)) == raw(key)


def test_duplicate_keys_are_listed_once() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    assert len(did_web_document("did:web:rung.example", [key, key])["verificationMethod"]) == 1
    with pytest.raises(ValueError, match="at least one key"):
        did_web_document("did:web:rung.example", [])


def test_relative_method_ids_in_a_document_resolve() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    document = did_web_document("did:web:rung.example", [key])
    fragment = document["verificationMethod"][0]["id"].partition("#")[2]
    document["verificationMethod"][0]["id"] = "#" + fragment
    document["assertionMethod"] = ["#" + fragment]
    assert raw(resolve_verification_method(document, f"did:web:rung.example#{fragment}")) == raw(key)


def _break(document: dict[str, Any], how: str) -> None:
    method = document["verificationMethod"][0]
    if how == "not-in-purpose":
        document["assertionMethod"] = []
    elif how == "wrong-controller":
        method["controller"] = "did:web:evil.example"
    elif how == "wrong-type":
        method["type"] = "JsonWebKey2020"
    elif how == "no-key":
        del method["publicKeyMultibase"]
    elif how == "bad-key":
        method["publicKeyMultibase"] = "z6MkNotAKey"
    elif how == "no-id":
        del document["id"]


@pytest.mark.parametrize("how", ["not-in-purpose", "wrong-controller", "wrong-type", "no-key", "bad-key", "no-id"])
def test_unusable_methods_are_refused(rotated: tuple[str, list[Ed25519PublicKey], dict[str, Any]], how: str) -> None:
    _, _, document = rotated
    method_id = document["assertionMethod"][0]
    _break(document, how)
    with pytest.raises(DidResolutionError):
        resolve_verification_method(document, method_id)


def test_a_method_of_another_did_is_refused(rotated: tuple[str, list[Ed25519PublicKey], dict[str, Any]]) -> None:
    _, _, document = rotated
    with pytest.raises(DidResolutionError, match="does not belong"):
        resolve_verification_method(document, f"did:web:evil.example#{VECTOR_MULTIKEY}")


def test_key_resolver(rotated: tuple[str, list[Ed25519PublicKey], dict[str, Any]]) -> None:
    did, keys, document = rotated
    resolve = key_resolver({did: document})
    assert raw(resolve(document["assertionMethod"][1])) == raw(keys[1])
    assert raw(resolve(f"did:key:{VECTOR_MULTIKEY}#{VECTOR_MULTIKEY}"))
    with pytest.raises(DidResolutionError, match="no DID document"):
        resolve("did:web:unknown.example#key")
