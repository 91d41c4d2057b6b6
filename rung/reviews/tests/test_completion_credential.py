"""Completing an engagement issues its Open Badges credential, which Rung's verifier accepts."""

import pytest

from rung.credentials.models import IssuedCredential
from rung.credentials.services import revoke_credential
from rung.credentials.verify import verify_credential
from rung.engagements.models import EngagementStatus
from rung.ledger.selectors import check_ledger

from .conftest import milestones, review, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox_payouts(settings):
    settings.PAYOUT_PROVIDER = "sandbox"


def _complete(engagement, candidate, bob, django_capture_on_commit_callbacks):
    for milestone in milestones(engagement):
        with django_capture_on_commit_callbacks(execute=True):
            review(submit(milestone, candidate), bob)
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.COMPLETED


def test_completion_issues_a_credential_with_the_rubric_result_and_paid_stipend(
    engagement, candidate, bob, sandbox_payouts, django_capture_on_commit_callbacks
):
    _complete(engagement, candidate, bob, django_capture_on_commit_callbacks)
    credential = IssuedCredential.objects.get(recipient=candidate)
    document = credential.document
    subject = document["credentialSubject"]
    assert subject["achievement"]["name"] == engagement.project.title
    assert subject["result"], "the rubric outcome is stated"
    assert "stipend" in str(document).lower()
    report = verify_credential(document)
    assert report.verified, report.errors
    assert check_ledger() == []


def test_a_revoked_completion_credential_no_longer_verifies(
    engagement, candidate, bob, sam, sandbox_payouts, django_capture_on_commit_callbacks
):
    _complete(engagement, candidate, bob, django_capture_on_commit_callbacks)
    credential = IssuedCredential.objects.get(recipient=candidate)
    revoke_credential(credential, actor=sam, reason="Issued by mistake in a test")
    assert not verify_credential(credential.document).verified
