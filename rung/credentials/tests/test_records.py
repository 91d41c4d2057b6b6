"""Signed plain-JSON records (licence records): what was signed verifies, anything changed does not."""

import json

import pytest

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


@pytest.mark.parametrize("text", ["not json", "[]", "{}", json.dumps({"issuer": "did:web:elsewhere.example"})])
def test_a_record_without_a_rung_issuer_does_not_verify(text: str) -> None:
    signature = sign_record({"licensee": "Globex"}).signature
    assert not verify_record(text, signature)
