"""Our Python signatures checked by an independent implementation (Digital Bazaar's JS stack)."""

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rung.credentials import issuer
from rung.credentials.dids import did_key, did_key_verification_method, did_web, did_web_document
from rung.credentials.keys import rotate_key
from rung.credentials.models import IssuedCredential
from rung.credentials.proofs import sign_credential
from rung.credentials.services import revoke_credential
from rung.credentials.statuslist import encode_bitstring, status_list_credential

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "rung" / "credentials" / "node" / "verify.mjs"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (REPO / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
        reason="node_modules/@digitalbazaar/vc is missing: run `npm ci`",
    ),
]


def node_verify(credential: dict[str, Any], did_documents: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    assert NODE is not None
    completed = subprocess.run(
        [NODE, str(SCRIPT)],
        input=json.dumps({"credential": credential, "didDocuments": did_documents or {}}),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    return completed.returncode, json.loads(completed.stdout)


@pytest.fixture
def did_key_signed(unsigned: dict[str, Any]) -> dict[str, Any]:
    key = Ed25519PrivateKey.generate()
    unsigned["issuer"]["id"] = did_key(key.public_key())
    return sign_credential(unsigned, private_key=key, verification_method=did_key_verification_method(key.public_key()))


def test_node_verifies_a_did_key_credential(did_key_signed: dict[str, Any]) -> None:
    code, result = node_verify(did_key_signed)
    assert result == {"verified": True, "error": None}
    assert code == 0


@pytest.mark.parametrize(
    "path",
    [
        ("name",),
        ("credentialSubject", "achievement", "name"),
        ("credentialSubject", "achievement", "criteria", "narrative"),
    ],
)
def test_node_rejects_a_tampered_copy(did_key_signed: dict[str, Any], path: tuple[str, ...]) -> None:
    tampered = copy.deepcopy(did_key_signed)
    target: Any = tampered
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] += " (edited)"
    code, result = node_verify(tampered)
    assert result["verified"] is False
    assert code == 1


def test_node_verifies_a_did_web_credential_signed_with_a_rotated_in_key(unsigned: dict[str, Any]) -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    did = did_web("localhost:8000")
    document = did_web_document(did, [old.public_key(), new.public_key()])
    unsigned["issuer"]["id"] = did
    for key, method in zip((old, new), document["assertionMethod"], strict=True):
        signed = sign_credential(copy.deepcopy(unsigned), private_key=key, verification_method=method)
        assert node_verify(signed, {did: document}) == (0, {"verified": True, "error": None})
    # Signed by a key the DID document does not list: refused.
    stranger = Ed25519PrivateKey.generate()
    signed = sign_credential(unsigned, private_key=stranger, verification_method=document["assertionMethod"][0])
    code, result = node_verify(signed, {did: document})
    assert (code, result["verified"]) == (1, False)


# --- credentials from Rung's real issue service ---------------------------------------------------


def _rung_inputs(credential: IssuedCredential) -> tuple[dict[str, Any], dict[str, Any]]:
    """What an outside verifier would fetch: Rung's DID document and the signed status list."""
    did_document = issuer.did_document()
    assert did_document is not None
    status_list = credential.status_list
    return {did_document["id"]: did_document}, {status_list.url: status_list_credential(status_list)}


def node_verify_rung(
    credential: IssuedCredential, document: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    did_documents, status_lists = _rung_inputs(credential)
    assert NODE is not None
    completed = subprocess.run(
        [NODE, str(SCRIPT)],
        input=json.dumps(
            {"credential": document or credential.document, "didDocuments": did_documents, "statusLists": status_lists}
        ),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    return completed.returncode, json.loads(completed.stdout)


def test_node_verifies_a_credential_from_the_issue_service(issued: IssuedCredential) -> None:
    assert issued.issuer_did.startswith("did:web:")
    assert node_verify_rung(issued) == (0, {"verified": True, "error": None})


@pytest.mark.parametrize(
    "path",
    [
        ("name",),
        ("credentialSubject", "achievement", "criteria", "narrative"),
        ("credentialSubject", "narrative"),
        ("credentialSubject", "result", 3, "value"),
    ],
)
def test_node_rejects_a_tampered_rung_credential(issued: IssuedCredential, path: tuple[Any, ...]) -> None:
    tampered = issued.document
    target: Any = tampered
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] += " (edited)"
    code, result = node_verify_rung(issued, tampered)
    assert (code, result["verified"]) == (1, False)


def test_node_rejects_a_revoked_rung_credential(issued: IssuedCredential, sam: Any) -> None:
    revoke_credential(issued, actor=sam, reason="Issued to the wrong person by mistake")
    code, result = node_verify_rung(issued)
    assert (code, result) == (1, {"verified": False, "error": "the credential has been revoked by its issuer"})


def test_node_rejects_a_forged_status_list(issued: IssuedCredential, sam: Any) -> None:
    # A status list claiming "not revoked" that Rung did not sign must not be believed.
    did_documents, status_lists = _rung_inputs(issued)
    url = issued.status_list.url
    status_lists[url]["credentialSubject"]["encodedList"] = encode_bitstring({1, 2, 3}, 131072)
    assert NODE is not None
    completed = subprocess.run(
        [NODE, str(SCRIPT)],
        input=json.dumps({"credential": issued.document, "didDocuments": did_documents, "statusLists": status_lists}),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    result = json.loads(completed.stdout)
    assert result["verified"] is False
    assert "status" in result["error"].lower()


def test_node_verifies_old_credentials_after_a_key_rotation(issue: Any) -> None:
    before = issue()
    rotate_key()
    after = issue()
    assert before.verification_method != after.verification_method
    for credential in (before, after):
        assert node_verify_rung(credential) == (0, {"verified": True, "error": None})


def test_node_verifies_credentials_a_cohort_signed_in_worker_processes(org: Any, dana: Any, charlie: Any) -> None:
    from rung.credentials.cohort import CohortMember, issue_cohort
    from rung.credentials.tests.conftest import make_achievement

    cohort = [
        CohortMember(p, make_achievement(org), f"engagement:cohort-node-{i}") for i, p in enumerate([dana, charlie])
    ]
    result = issue_cohort(cohort, issued_by=None, processes=2)
    assert len(result.issued) == 2
    for credential in result.issued:
        credential.refresh_from_db()
        assert node_verify_rung(credential) == (0, {"verified": True, "error": None})


@pytest.mark.parametrize("character", ["\b", "\f", "\x01", "\x0b", "\x1f", "\x7f", "\t"])
def test_node_verifies_text_with_control_characters(unsigned: dict[str, Any], character: str) -> None:
    """RDFC-1.0 writes control characters as escapes in the canonical N-Quads; so must we, or no one else verifies."""
    key = Ed25519PrivateKey.generate()
    unsigned["issuer"]["id"] = did_key(key.public_key())
    unsigned["credentialSubject"]["achievement"]["name"] = f"Data{character}cleaning"
    signed = sign_credential(
        unsigned, private_key=key, verification_method=did_key_verification_method(key.public_key())
    )
    code, result = node_verify(signed)
    assert result == {"verified": True, "error": None}
    assert code == 0
