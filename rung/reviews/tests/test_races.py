"""Reviews, sweeps and hand-ins under real concurrency (PostgreSQL): nothing approved or paid twice,
no deadlock between a reviewer and the auto-approval sweep."""

import pytest

from rung.ledger.models import LedgerTransaction, TransactionKind
from rung.ledger.selectors import check_ledger
from rung.reviews.models import Review, Submission, SubmissionStatus
from rung.reviews.services import auto_approve_overdue
from rung.reviews.tests.conftest import overdue, review, submit
from tests.support import race

# The root conftest re-seeds the skills and library rubrics that earlier transactional tests emptied.
pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_simultaneous_sweeps_approve_and_pay_once(milestone, candidate):
    overdue(submit(milestone, candidate))
    outcomes = race(*[auto_approve_overdue] * 6)
    assert sorted(outcomes) == ["0"] * 5 + ["1"]
    assert LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE).count() == 1
    assert check_ledger() == []


def test_a_reviewer_and_the_sweep_at_the_same_moment_do_not_deadlock(milestone, candidate, bob):
    submission = overdue(submit(milestone, candidate))
    outcomes = race(lambda: review(submission, bob, "changes").decision, auto_approve_overdue)
    submission.refresh_from_db()
    if submission.status == SubmissionStatus.AUTO_APPROVED:
        assert "already_reviewed" in outcomes
        assert not Review.objects.exists()
    else:
        assert submission.status == SubmissionStatus.CHANGES_REQUESTED
        assert sorted(outcomes) == ["'changes'", "0"]
    assert check_ledger() == []


def test_two_hand_ins_at_once_make_one_version(milestone, candidate):
    outcomes = race(*[lambda: submit(milestone, candidate).version] * 4)
    assert Submission.objects.count() == 1
    assert outcomes.count("1") == 1
