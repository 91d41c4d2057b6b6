"""Endorsement and Award credentials checked by Digital Bazaar's verifier (rung/credentials/node)."""

from typing import Any

import pytest

from rung.credentials.tests.test_independent_verifier import node_verify_rung, pytestmark  # noqa: F401
from rung.recognition import services

STATEMENT = "Careful, clear work on a messy data set; she explained every choice she made."


@pytest.fixture
def endorsement(credential, bob):
    return services.endorse_credential(endorser=bob, credential=credential, statement=STATEMENT)


def test_node_verifies_an_endorsement(endorsement) -> None:
    assert node_verify_rung(endorsement.credential) == (0, {"verified": True, "error": None})


@pytest.mark.parametrize(
    "path", [("name",), ("description",), ("credentialSubject", "endorsementComment"), ("credentialSubject", "id")]
)
def test_node_rejects_a_tampered_endorsement(endorsement, path: tuple[str, ...]) -> None:
    tampered = endorsement.credential.document
    target: Any = tampered
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] += " (edited)"
    code, result = node_verify_rung(endorsement.credential, tampered)
    assert (code, result["verified"]) == (1, False)


def test_node_rejects_a_withdrawn_endorsement(endorsement, bob) -> None:
    services.withdraw_endorsement(endorsement, actor=bob, reason="Written on the wrong credential")
    code, result = node_verify_rung(endorsement.credential)
    assert (code, result) == (1, {"verified": False, "error": "the credential has been revoked by its issuer"})
