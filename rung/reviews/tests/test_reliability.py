from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from rung.applications.models import Application, ApplicationStatus
from rung.ledger.models import DelayCause, Payout, PayoutStatus, add_business_days
from rung.reviews.models import Submission, SubmissionStatus
from rung.reviews.selectors import NOT_ENOUGH_DATA, reliability_for
from rung.reviews.services import auto_approve_overdue
from rung.reviews.tests.conftest import overdue, review, submit

pytestmark = pytest.mark.django_db


def test_a_new_employer_has_not_enough_data(org):
    record = reliability_for(org)
    for metric in (
        record.decision_days,
        record.decisions_missed,
        record.review_days,
        record.auto_approvals,
        record.payouts_on_time,
    ):
        assert metric.data_points == 0
        assert not metric.enough_data
        assert metric.display() == NOT_ENOUGH_DATA


def _decided(project, n: int, *, days: float, status=ApplicationStatus.REJECTED, by_sweep: bool = False) -> None:
    now = timezone.now()
    person = make_user(f"applicant{n}@example.org", f"Applicant {n}")
    Application.objects.create(
        project=project,
        candidate=person,
        status=status,
        created_at=now - timedelta(days=days),
        decided_at=now,
        closed_by_sweep=by_sweep,
    )


def test_decision_time_is_a_median_and_sweep_closures_count_as_misses(published, other_org):
    _decided(published, 1, days=1)
    _decided(published, 2, days=3, status=ApplicationStatus.OFFERED)
    _decided(published, 3, days=30, status=ApplicationStatus.CLOSED, by_sweep=True)
    _decided(published, 4, days=2, status=ApplicationStatus.WITHDRAWN)  # the candidate's choice, not a decision
    record = reliability_for(published.organisation)
    assert record.decision_days.data_points == 3
    assert record.decision_days.value == 3.0
    assert record.decision_days.display(" days") == "3 days"
    assert record.decisions_missed.value == 33
    assert reliability_for(other_org).decision_days.data_points == 0  # scoped to the organisation


def test_review_time_counts_reviews_and_auto_approvals(engagement, candidate, bob):
    first, second = engagement.milestones.order_by("position")
    a = submit(first, candidate)
    review(a, bob, "changes")
    b = submit(first, candidate)
    review(b, bob)
    overdue(submit(second, candidate))
    auto_approve_overdue()
    now = timezone.now()
    Submission.objects.filter(pk=a.pk).update(submitted_at=now - timedelta(days=4), resolved_at=now)
    Submission.objects.filter(pk=b.pk).update(submitted_at=now - timedelta(days=1), resolved_at=now)
    record = reliability_for(engagement.project.organisation)
    assert record.review_days.data_points == 3
    assert record.review_days.enough_data
    assert record.review_days.value == 1.0
    assert record.auto_approvals.data_points == 3
    assert record.auto_approvals.value == 33
    assert Submission.objects.filter(status=SubmissionStatus.AUTO_APPROVED).count() == 1


def _payout(engagement, *, days_late: int | None, status=PayoutStatus.SETTLED, cause: str = "") -> Payout:
    approved = timezone.now() - timedelta(days=40)
    settled = None
    if status == PayoutStatus.SETTLED:
        settled = add_business_days(approved, 3 + (days_late or 0)) - timedelta(hours=1)
    return Payout.objects.create(
        intern=engagement.candidate,
        engagement_uuid=engagement.uuid,
        amount_minor=1000,
        currency="EUR",
        provider="sandbox",
        status=status,
        approved_at=approved,
        settled_at=settled,
        delay_cause=cause,
    )


def test_payouts_on_time_share(engagement, settings):
    settings.PAYOUT_TARGET_BUSINESS_DAYS = 3
    _payout(engagement, days_late=0)
    _payout(engagement, days_late=0)
    _payout(engagement, days_late=2, cause=DelayCause.EMPLOYER)
    # Late, but nobody has found the employer caused it (yet): not on the employer's record.
    _payout(engagement, days_late=None, status=PayoutStatus.SENT)
    _payout(engagement, days_late=5, cause=DelayCause.INTERN)  # the intern's bank details: not the employer's
    _payout(engagement, days_late=None, status=PayoutStatus.FAILED)  # carried by a new payout
    record = reliability_for(engagement.project.organisation)
    assert record.payouts_on_time.data_points == 3
    assert record.payouts_on_time.value == 67
    assert record.payouts_on_time.display("%") == "67%"
