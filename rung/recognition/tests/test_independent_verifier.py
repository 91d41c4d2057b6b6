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


@pytest.fixture
def award(open_round, cohort, alice, bob, pat):
    nomination = services.nominate(
        open_round,
        nominator=cohort[1].candidate,
        nominee=cohort[0].candidate,
        statement="Rebuilt the survey pipeline alone in a week and documented it for everyone.",
    )
    services.close_nominations(open_round, actor=alice)
    levels = {c.pk: 3 for c in open_round.criteria.all()}
    for panelist in (bob, pat):
        services.score_nomination(nomination, panelist=panelist, levels=levels)
    services.finalise_round(
        open_round,
        actor=alice,
        decisions=[services.DecisionInput(nomination, True, "Rebuilt the pipeline the whole team relies on.")],
    )
    nomination.refresh_from_db()
    assert nomination.award is not None
    return nomination.award


def test_node_verifies_an_award(award) -> None:
    assert award.document["credentialSubject"]["achievement"]["achievementType"] == "Award"
    assert node_verify_rung(award) == (0, {"verified": True, "error": None})


@pytest.mark.parametrize(
    "path",
    [("name",), ("credentialSubject", "narrative"), ("credentialSubject", "achievement", "achievementType")],
)
def test_node_rejects_a_tampered_award(award, path: tuple[str, ...]) -> None:
    tampered = award.document
    target: Any = tampered
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] += " (edited)"
    code, result = node_verify_rung(award, tampered)
    assert (code, result["verified"]) == (1, False)
