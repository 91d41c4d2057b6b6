"""Completing an engagement issues its Open Badges credential. The verification page, the W3C VC API
and the independent Node verifier all accept it; once revoked, all three reject it."""

import json

import pytest

from rung.credentials.models import IssuedCredential
from rung.credentials.services import revoke_credential
from rung.credentials.tests.test_independent_verifier import NODE, REPO, node_verify_rung
from rung.credentials.verify import verify_credential
from rung.engagements.models import EngagementStatus
from rung.ledger.selectors import check_ledger

from .conftest import milestones, review, submit

pytestmark = pytest.mark.django_db

needs_node = pytest.mark.skipif(
    NODE is None or not (REPO / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
    reason="the independent verifier needs node and `npm ci`",
)


@pytest.fixture
def completed_credential(engagement, candidate, bob, settings, django_capture_on_commit_callbacks):
    settings.PAYOUT_PROVIDER = "sandbox"
    for milestone in milestones(engagement):
        with django_capture_on_commit_callbacks(execute=True):
            review(submit(milestone, candidate), bob)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.COMPLETED
    return IssuedCredential.objects.get(recipient=candidate)


def _page_verdict(client, document) -> str:
    body = client.post("/verify/", {"text": json.dumps(document)}).content.decode()
    return "Not verified" if "Not verified" in body else "Verified" if "Verified" in body else "?"


def _vc_api(client, document) -> tuple[int, bool]:
    response = client.post(
        "/credentials/verify", {"verifiableCredential": document, "options": {}}, content_type="application/json"
    )
    return response.status_code, response.json().get("verified", False)


def test_the_credential_states_what_was_done_and_that_the_stipend_was_paid(completed_credential, engagement):
    document = completed_credential.document
    subject = document["credentialSubject"]
    assert subject["achievement"]["name"] == engagement.project.title
    assert subject["result"], "the rubric outcome is stated"
    assert "stipend" in json.dumps(document).lower()
    assert verify_credential(document).verified
    assert check_ledger() == []


def test_page_and_vc_api_accept_it_then_reject_it_once_revoked(client, completed_credential, sam):
    document = completed_credential.document
    assert _page_verdict(client, document) == "Verified"
    assert _vc_api(client, document) == (200, True)
    revoke_credential(completed_credential, actor=sam, reason="Issued by mistake in a test")
    assert _page_verdict(client, document) == "Not verified"
    status, verified = _vc_api(client, document)
    assert status in (400, 422)
    assert not verified


@needs_node
def test_the_independent_verifier_accepts_it_then_rejects_it_once_revoked(completed_credential, sam):
    code, result = node_verify_rung(completed_credential)
    assert (code, result["verified"]) == (0, True), result
    revoke_credential(completed_credential, actor=sam, reason="Issued by mistake in a test")
    code, result = node_verify_rung(completed_credential)
    assert code == 1
    assert not result["verified"]
