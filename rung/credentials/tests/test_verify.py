"""verify_credential: every check, in plain words, and never an exception."""

import copy
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rung.accounts.models import User
from rung.credentials import issuer
from rung.credentials.dids import did_key, did_key_verification_method, did_web, did_web_document
from rung.credentials.jsonld import CREDENTIALS_V1_URL, DATA_INTEGRITY_V2_URL, OB_V3P0_EARLIER_URLS
from rung.credentials.keys import rotate_key
from rung.credentials.models import IssuedCredential, KnownIssuer
from rung.credentials.proofs import sign_credential, unsecured_document
from rung.credentials.services import revoke_credential
from rung.credentials.verify import Report, verify_credential, verify_presentation

Doc = dict[str, Any]
Path = tuple[str | int, ...]


def outcome(report: Report, name: str) -> str:
    return next(check.outcome for check in report.checks if check.name == name)


def message(report: Report, name: str) -> str:
    return next(check.message for check in report.checks if check.name == name)


def resign(document: Doc, **changes: Any) -> Doc:
    """The credential changed and signed again by Rung's own key: valid, apart from what changed."""
    unsigned = unsecured_document(document) | changes
    signer = issuer.signer_for()
    return sign_credential(unsigned, private_key=signer.private_key, verification_method=signer.verification_method)


def test_a_rung_credential_passes_every_check(issued: IssuedCredential) -> None:
    report = verify_credential(issued.document)
    assert report.verified, report.errors
    assert report.as_vc_api() == {
        "verified": True,
        "checks": ["format", "contexts", "issuer", "proof", "dates", "credentialStatus", "schema"],
        "warnings": [],
        "errors": [],
        "problemDetails": [],
    }
    assert report.summary["achievement_name"] == "Sales dashboard micro-internship"
    assert report.summary["creator_name"] == "Acme Analytics"
    assert {"name": "Data quality", "value": "Exemplary"} in report.summary["results"]


# --- tampering: any change to any field -----------------------------------------------------------


def _leaves(value: Any, path: Path = ()) -> Iterator[Path]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path


def _keys(value: Any, path: Path = ()) -> Iterator[Path]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _keys(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _keys(item, (*path, index))


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return value + "x" if value else "x"


def _at(document: Doc, path: Path) -> tuple[Any, str | int]:
    target: Any = document
    for step in path[:-1]:
        target = target[step]
    return target, path[-1]


def test_changing_any_field_fails(issued: IssuedCredential) -> None:
    original = issued.document
    failures = []
    for path in _leaves(original):
        tampered = copy.deepcopy(original)
        parent, key = _at(tampered, path)
        parent[key] = _changed(parent[key])
        if verify_credential(tampered).verified:
            failures.append(path)
    assert failures == []


def test_removing_any_field_fails(issued: IssuedCredential) -> None:
    original = issued.document
    failures = []
    for path in _keys(original):
        tampered = copy.deepcopy(original)
        parent, key = _at(tampered, path)
        del parent[key]
        if verify_credential(tampered).verified:
            failures.append(path)
    assert failures == []


def test_adding_a_field_fails_even_a_defined_one(issued: IssuedCredential) -> None:
    tampered = issued.document
    tampered["description"] = "An extra claim Rung never made"
    report = verify_credential(tampered)
    assert outcome(report, "proof") == "failed"
    assert "signature does not match" in message(report, "proof")


def test_a_dropped_term_is_refused_not_ignored(issued: IssuedCredential) -> None:
    # pyld would silently drop a key no context defines; a signature over dropped data proves nothing.
    tampered = issued.document
    tampered["credentialSubject"]["salary"] = "one million"
    report = verify_credential(tampered)
    assert not report.verified
    assert "'salary' is not defined by any of the document's contexts" in message(report, "proof")


def test_an_unknown_context_is_refused_never_fetched(issued: IssuedCredential) -> None:
    tampered = issued.document
    tampered["@context"].append("https://evil.example/context.jsonld")
    report = verify_credential(tampered)
    assert outcome(report, "contexts") == "failed"
    assert "https://evil.example/context.jsonld" in message(report, "contexts")
    assert outcome(report, "proof") == "skipped"


# --- keys -----------------------------------------------------------------------------------------


def test_a_signature_by_another_key_fails(issued: IssuedCredential) -> None:
    stranger = Ed25519PrivateKey.generate()
    forged = sign_credential(
        unsecured_document(issued.document),
        private_key=stranger,
        verification_method=issued.verification_method,
    )
    report = verify_credential(forged)
    assert outcome(report, "proof") == "failed"
    assert "signature does not match" in message(report, "proof")


def test_a_key_rung_does_not_list_fails(issued: IssuedCredential) -> None:
    stranger = Ed25519PrivateKey.generate()
    did = issued.issuer_did
    forged = sign_credential(
        unsecured_document(issued.document),
        private_key=stranger,
        verification_method=f"{did}#{did_key(stranger.public_key()).removeprefix('did:key:')}",
    )
    report = verify_credential(forged)
    assert not report.verified
    assert "not listed under assertionMethod" in message(report, "proof")


def test_key_rotation_keeps_old_credentials_verifying(issue: Callable[..., IssuedCredential]) -> None:
    before = issue()
    rotate_key()
    after = issue()
    assert before.verification_method != after.verification_method
    assert verify_credential(before.document).verified
    assert verify_credential(after.document).verified


def test_key_rotation_with_did_key_keeps_old_credentials_verifying(
    issue: Callable[..., IssuedCredential], settings: Any
) -> None:
    settings.CREDENTIALS_DID_METHOD = "key"
    before = issue()
    rotate_key()
    after = issue()
    assert before.issuer_did != after.issuer_did
    for credential in (before, after):
        report = verify_credential(credential.document)
        assert report.verified, report.errors
        assert outcome(report, "issuer") == "passed"  # both did:keys are Rung's own


# --- dates ----------------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_expired_credential_fails(issued: IssuedCredential) -> None:
    expired = resign(issued.document, validUntil=_iso(datetime.now(UTC) - timedelta(days=1)))
    report = verify_credential(expired)
    assert outcome(report, "proof") == "passed"
    assert outcome(report, "dates") == "failed"
    assert "It has expired" in message(report, "dates")


def test_a_credential_not_valid_yet_fails(issued: IssuedCredential) -> None:
    future = resign(issued.document, validFrom=_iso(datetime.now(UTC) + timedelta(days=3)))
    report = verify_credential(future)
    assert outcome(report, "dates") == "failed"
    assert "not valid yet" in message(report, "dates")


def test_a_credential_valid_until_later_passes(issued: IssuedCredential) -> None:
    later = resign(issued.document, validUntil=_iso(datetime.now(UTC) + timedelta(days=30)))
    report = verify_credential(later)
    assert report.verified, report.errors
    assert " until " in message(report, "dates")


# --- revocation -----------------------------------------------------------------------------------


def test_a_revoked_credential_fails(issued: IssuedCredential, sam: User) -> None:
    revoke_credential(issued, actor=sam, reason="Issued by mistake")
    report = verify_credential(issued.document)
    assert not report.verified
    assert outcome(report, "proof") == "passed"
    assert outcome(report, "credentialStatus") == "failed"
    assert "revoked by its issuer" in message(report, "credentialStatus")
    assert "Issued by mistake" not in str(report.as_vc_api())  # the reason is for the holder, not the public


def test_revoking_one_credential_leaves_the_others(issue: Callable[..., IssuedCredential], sam: User) -> None:
    revoked, kept = issue(), issue()
    revoke_credential(revoked, actor=sam, reason="Issued by mistake")
    assert verify_credential(kept.document).verified


def test_a_status_entry_rung_never_issued_fails(issued: IssuedCredential) -> None:
    document = issued.document
    entry = document["credentialStatus"] | {"statusListCredential": "http://testserver/credentials/status/nonsense"}
    report = verify_credential(resign(document, credentialStatus=entry))
    assert outcome(report, "credentialStatus") == "failed"


def test_an_outside_status_list_is_a_warning(issued: IssuedCredential) -> None:
    document = issued.document
    entry = document["credentialStatus"] | {"statusListCredential": "https://elsewhere.example/status/1"}
    report = verify_credential(resign(document, credentialStatus=entry))
    assert outcome(report, "credentialStatus") == "warning"
    assert "does not fetch" in report.warnings[0]


# --- other issuers --------------------------------------------------------------------------------


def _outside_credential(unsigned: Doc, key: Ed25519PrivateKey, issuer_id: str, method: str) -> Doc:
    unsigned["issuer"]["id"] = issuer_id
    return sign_credential(unsigned, private_key=key, verification_method=method)


def test_a_did_key_credential_verifies_offline_with_a_warning(unsigned: Doc, db: None) -> None:
    key = Ed25519PrivateKey.generate()
    credential = _outside_credential(
        unsigned, key, did_key(key.public_key()), did_key_verification_method(key.public_key())
    )
    report = verify_credential(credential)
    assert report.verified, report.errors
    assert outcome(report, "issuer") == "warning"
    assert "does not prove which person or organisation" in report.warnings[0]
    assert outcome(report, "credentialStatus") == "skipped"


def test_an_unknown_did_web_issuer_fails_without_fetching(db: None, unsigned: Doc) -> None:
    key = Ed25519PrivateKey.generate()
    did = did_web("badges.example.edu")
    method = did_web_document(did, [key.public_key()])["assertionMethod"][0]
    report = verify_credential(_outside_credential(unsigned, key, did, method))
    assert not report.verified
    assert "https://badges.example.edu/.well-known/did.json" in message(report, "issuer")
    assert outcome(report, "proof") == "skipped"


def test_a_known_issuer_verifies_from_its_cached_document(db: None, unsigned: Doc) -> None:
    key = Ed25519PrivateKey.generate()
    did = did_web("badges.example.edu")
    document = did_web_document(did, [key.public_key()])
    KnownIssuer.objects.create(issuer_id=did, name="Example University", did_document=document)
    report = verify_credential(_outside_credential(unsigned, key, did, document["assertionMethod"][0]))
    assert report.verified, report.errors
    assert "Example University" in message(report, "issuer")
    KnownIssuer.objects.update(active=False)
    assert not verify_credential(_outside_credential(unsigned, key, did, document["assertionMethod"][0])).verified


def test_the_official_vector_verifies_once_its_issuer_is_known(db: None, vector: Doc, vector_key: Any) -> None:
    # The OB 3.0 example issuer is an https URL, not a DID: staff can still vouch for its keys.
    issuer_id = vector["unsigned_credential"]["issuer"]["id"]
    document = did_web_document(issuer_id, [vector_key.public_key()])
    KnownIssuer.objects.create(issuer_id=issuer_id, name="Example Corp", did_document=document)
    signed = sign_credential(
        vector["unsigned_credential"],
        private_key=vector_key,
        verification_method=vector["verificationMethod"],
        created=vector["created"],
    )
    report = verify_credential(signed)
    assert report.verified, report.errors


# --- VCDM 1.1 -------------------------------------------------------------------------------------


def _vcdm11(unsigned: Doc, key: Ed25519PrivateKey, **changes: Any) -> Doc:
    credential = {
        "@context": [CREDENTIALS_V1_URL, OB_V3P0_EARLIER_URLS[2], DATA_INTEGRITY_V2_URL],
        "id": "urn:uuid:8b2a3f4e-6c1d-4e5f-9a0b-1c2d3e4f5a6b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did_key(key.public_key()), "type": ["Profile"], "name": "Old Wallet Academy"},
        "issuanceDate": "2023-05-01T00:00:00Z",
        "name": "Teamwork Badge",
        "credentialSubject": unsigned["credentialSubject"],
    } | changes
    return sign_credential(
        credential, private_key=key, verification_method=did_key_verification_method(key.public_key())
    )


def test_a_vcdm_1_1_credential_is_accepted(db: None, unsigned: Doc) -> None:
    key = Ed25519PrivateKey.generate()
    report = verify_credential(_vcdm11(unsigned, key))
    assert report.verified, report.errors
    assert "data model 1.1" in message(report, "format")
    assert outcome(report, "schema") == "skipped"
    assert report.summary["valid_from"] == "2023-05-01T00:00:00Z"


def test_a_vcdm_1_1_credential_is_checked_by_its_own_dates(db: None, unsigned: Doc) -> None:
    key = Ed25519PrivateKey.generate()
    report = verify_credential(_vcdm11(unsigned, key, expirationDate="2024-01-01T00:00:00Z"))
    assert outcome(report, "dates") == "failed"
    assert "expired" in message(report, "dates")
    tampered = _vcdm11(unsigned, key)
    tampered["issuanceDate"] = "2020-01-01T00:00:00Z"
    assert outcome(verify_credential(tampered), "proof") == "failed"


def test_a_vcdm_1_1_credential_without_issuance_date_fails(db: None, unsigned: Doc) -> None:
    key = Ed25519PrivateKey.generate()
    credential = _vcdm11(unsigned, key)
    del credential["issuanceDate"]
    assert "issuanceDate" in message(verify_credential(credential), "dates")


# --- presentations --------------------------------------------------------------------------------


def _presentation(*credentials: Doc, **changes: Any) -> Doc:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": list(credentials),
    } | changes


def test_an_unsigned_presentation_checks_each_credential_with_a_warning(issued: IssuedCredential) -> None:
    result = verify_presentation(_presentation(issued.document))
    assert result.verified
    assert "not signed" in result.presentation.warnings[0]
    tampered = issued.document | {"name": "Something else"}
    result = verify_presentation(_presentation(issued.document, tampered))
    assert not result.verified
    assert result.as_vc_api()["errors"][0].startswith("credential 2:")


def test_a_signed_presentation_is_checked_against_its_holder(issued: IssuedCredential) -> None:
    holder_key = Ed25519PrivateKey.generate()
    holder = did_key(holder_key.public_key())
    method = did_key_verification_method(holder_key.public_key())
    presentation = _presentation(issued.document, holder=holder)
    signed = sign_credential(
        presentation, private_key=holder_key, verification_method=method, proof_purpose="authentication"
    )
    assert verify_presentation(signed).verified
    assert not verify_presentation(signed, challenge="abc").verified
    other = Ed25519PrivateKey.generate()
    forged = sign_credential(
        presentation, private_key=other, verification_method=method, proof_purpose="authentication"
    )
    assert not verify_presentation(forged).verified


# --- garbage in, a report out ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        None,
        [],
        "x",
        5,
        {},
        {"@context": "https://www.w3.org/ns/credentials/v2"},
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiableCredential"},
        {"@context": [{"@vocab": "https://evil.example/"}], "type": ["VerifiableCredential"]},
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": 7},
    ],
)
def test_garbage_gets_a_report_not_an_exception(db: None, document: object) -> None:
    report = verify_credential(document)
    assert not report.verified
    assert report.errors


def test_deep_nesting_gets_a_report(db: None, issued: IssuedCredential) -> None:
    deep: Any = "bottom"
    for _ in range(5000):
        deep = {"a": deep}
    report = verify_credential(issued.document | {"credentialSubject": deep})
    assert "nests more than" in report.errors[0]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=10,
)


@settings(database=None, max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.sampled_from(
        ["issuer", "credentialSubject", "credentialStatus", "validFrom", "validUntil", "proof", "type", "@context"]
    ),
    value=JSON,
)
def test_verify_never_raises_whatever_a_field_holds(issued: IssuedCredential, key: str, value: object) -> None:
    document = issued.document
    original = document.get(key)
    document[key] = value
    report = verify_credential(document)
    assert "internal" not in [check.name for check in report.checks]
    if value != original:
        assert not report.verified
