from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from rung.engagements import services as engagements
from rung.engagements.models import EngagementStatus, MilestoneStatus
from rung.ledger.models import LedgerTransaction, TransactionKind
from rung.ledger.selectors import check_ledger
from rung.lib.errors import DomainError
from rung.notifications.models import Notification
from rung.reviews.models import SubmissionEvent, SubmissionStatus
from rung.reviews.selectors import reliability_for
from rung.reviews.services import auto_approve_overdue
from rung.reviews.tasks import sweep_reviews
from rung.reviews.tests.conftest import milestones, overdue, review, submit

pytestmark = pytest.mark.django_db


def test_nothing_is_approved_before_the_deadline(milestone, candidate):
    submission = submit(milestone, candidate)
    assert auto_approve_overdue() == 0
    assert auto_approve_overdue(now=submission.review_due_at - timedelta(seconds=1)) == 0
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.AWAITING_REVIEW


def test_work_not_reviewed_by_the_deadline_is_approved_and_paid(milestone, candidate, bob, alice, events_committed):
    submission = overdue(submit(milestone, candidate))
    with events_committed():
        assert auto_approve_overdue() == 1
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.AUTO_APPROVED
    assert SubmissionEvent.objects.filter(submission=submission, to_status="auto_approved", actor=None).exists()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.APPROVED
    assert milestone.auto_approved
    assert milestone.approved_by is None
    assert milestone.approved_at == submission.review_due_at  # the payout clock starts at the deadline
    release = LedgerTransaction.objects.get(kind=TransactionKind.RELEASE, milestone_uuid=milestone.uuid)
    assert release.approved_at == submission.review_due_at
    assert check_ledger() == []
    # Both sides are told.
    assert Notification.objects.filter(recipient=candidate, verb="engagement.milestone_approved").exists()
    for person in (bob, alice):
        assert Notification.objects.filter(recipient=person, verb="submission.auto_approved").exists()


def test_the_sweep_is_idempotent(milestone, candidate):
    overdue(submit(milestone, candidate))
    assert auto_approve_overdue() == 1
    assert auto_approve_overdue() == 0
    assert LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE).count() == 1


def test_a_reviewed_submission_is_never_auto_approved(milestone, candidate, bob):
    submission = submit(milestone, candidate)
    review(submission, bob, "changes")
    overdue(submission)
    assert auto_approve_overdue() == 0
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CHANGES_REQUESTED


def test_auto_approving_the_last_milestone_completes_the_engagement(engagement, candidate, bob):
    first, last = milestones(engagement)
    review(submit(first, candidate), bob)
    overdue(submit(last, candidate))
    auto_approve_overdue()
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.COMPLETED


def test_work_on_a_cancelled_engagement_is_closed_not_approved(engagement, milestone, candidate, alice):
    submission = submit(milestone, candidate)
    engagements.cancel_engagement(engagement, actor=alice, reason="The project lost its funding this week.")
    overdue(submission)
    assert auto_approve_overdue() == 0
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.CLOSED
    assert not LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE).exists()


def test_one_refusal_does_not_stop_the_sweep(engagement, candidate, monkeypatch, caplog):
    first, last = milestones(engagement)
    a = overdue(submit(first, candidate), by=timedelta(hours=2))
    b = overdue(submit(last, candidate))
    real = engagements.approve_milestone

    def flaky(milestone, **kwargs):
        if milestone.pk == first.pk:
            raise DomainError("The escrow is short.")
        return real(milestone, **kwargs)

    monkeypatch.setattr(engagements, "approve_milestone", flaky)
    assert auto_approve_overdue() == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (SubmissionStatus.AWAITING_REVIEW, SubmissionStatus.AUTO_APPROVED)
    assert "Could not auto-approve" in caplog.text


def test_the_employer_record_counts_auto_approvals(engagement, candidate, bob):
    first, last = milestones(engagement)
    review(submit(first, candidate), bob)
    overdue(submit(last, candidate))
    auto_approve_overdue()
    record = reliability_for(engagement.project.organisation)
    assert record.auto_approvals.data_points == 2
    assert record.auto_approvals.value == 50
    assert not record.auto_approvals.enough_data  # two cases are not enough to judge by


def test_the_command_and_the_task_run_the_sweep(milestone, candidate):
    overdue(submit(milestone, candidate))
    out = StringIO()
    call_command("sweep_reviews", stdout=out)
    assert "Approved 1 overdue submission" in out.getvalue()
    assert sweep_reviews.enqueue().return_value == 0


def test_the_deadline_is_set_from_settings(milestone, candidate, settings):
    settings.REVIEW_DEADLINE_DAYS = 2
    submission = submit(milestone, candidate)
    assert abs(submission.review_due_at - (timezone.now() + timedelta(days=2))) < timedelta(minutes=1)
