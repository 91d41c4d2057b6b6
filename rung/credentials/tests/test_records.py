"""Signed plain-JSON records (licence records): what was signed verifies, anything changed does not."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rung.credentials.dids import did_key
from rung.credentials.issuer import signer_for
from rung.credentials.records import canonical_json, sign_record, verify_record

pytestmark = pytest.mark.django_db


def test_a_record_names_rung_as_its_issuer_and_verifies() -> None:
    signed = sign_record({"type": "RungTemplateLicence", "licensee": "Globex", "price": {"amount": "€120.00"}})
    data = json.loads(signed.text)
    assert data["issuer"] == signer_for().did
    assert signed.verification_method.startswith(f"{data['issuer']}#")
    # Stored as canonical JSON, exactly what was signed.
    assert signed.text == canonical_json(data)
    assert "€120.00" in signed.text
    assert verify_record(signed.text, signed.signature)


def test_a_changed_record_or_signature_does_not_verify() -> None:
    signed = sign_record({"licensee": "Globex"})
    assert not verify_record(signed.text.replace("Globex", "Initech"), signed.signature)
    other = sign_record({"licensee": "Initech"})
    assert not verify_record(signed.text, other.signature)
    assert not verify_record(signed.text, signed.signature[:-4])
    assert not verify_record(signed.text, "not base64 at all!")


@pytest.mark.parametrize("text", ["not json", "[]", "{}", json.dumps({"licensee": "Globex"})])
def test_a_record_without_an_issuer_does_not_verify(text: str) -> None:
    signature = sign_record({"licensee": "Globex"}).signature
    assert not verify_record(text, signature)


def test_a_record_signed_by_someone_else_s_key_does_not_verify() -> None:
    """Correctly signed, but by a key that is not Rung's: naming its own did:key is not enough."""
    key = Ed25519PrivateKey.generate()
    text = canonical_json({"licensee": "Globex", "issuer": did_key(key.public_key())})
    signature = base64.urlsafe_b64encode(key.sign(text.encode())).rstrip(b"=").decode()
    key.public_key().verify(base64.urlsafe_b64decode(signature + "=="), text.encode())  # the signature is good
    assert not verify_record(text, signature)
