from decimal import Decimal

import pytest

from rung.audit.models import AuditEvent
from rung.engagements.models import EngagementStatus, MilestoneStatus
from rung.ledger.models import LedgerTransaction, TransactionKind
from rung.ledger.selectors import check_ledger
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.projects.models import Project, Rubric
from rung.reviews.models import Review, ReviewScore, Submission, SubmissionStatus
from rung.reviews.selectors import LIBRARY_RUBRIC, rubric_for
from rung.reviews.tests.conftest import all_scores, milestones, review, submit

pytestmark = pytest.mark.django_db


def test_approval_scores_every_criterion_and_releases_the_stipend(milestone, candidate, bob):
    submission = submit(milestone, candidate)
    rubric = rubric_for(milestone.engagement.project)
    assert rubric.name == LIBRARY_RUBRIC  # the project has no rubric of its own
    weights = {c.pk: c.weight for c in rubric.criteria.all()}
    levels = dict(zip(weights, [4, 3, 2, 1], strict=True))
    result = review(submission, bob, scores=levels)
    assert result.points == sum(weights[c] * levels[c] for c in weights)
    assert result.max_points == 4 * sum(weights.values())
    assert result.score_percent == (Decimal(100 * result.points) / result.max_points).quantize(Decimal("0.1"))
    assert ReviewScore.objects.filter(review=result).count() == len(weights)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED
    assert submission.resolved_at is not None
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.APPROVED
    assert milestone.approved_by == bob
    assert not milestone.auto_approved
    assert LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE, milestone_uuid=milestone.uuid).exists()
    assert check_ledger() == []
    assert AuditEvent.objects.filter(verb="submission.approved", actor=bob).exists()


def test_the_project_rubric_is_used_when_it_has_one(milestone, candidate, bob):
    research = Rubric.objects.get(organisation=None, name="Research and analysis rubric")
    Project.objects.filter(pk=milestone.engagement.project_id).update(rubric=research)
    milestone.engagement.project.refresh_from_db()
    result = review(submit(milestone, candidate), bob)
    assert result.rubric == research
    assert {s.criterion_name for s in result.scores.all()} == set(research.criteria.values_list("name", flat=True))


def test_approving_the_last_milestone_completes_the_engagement(engagement, candidate, bob, alice):
    first, last = milestones(engagement)
    review(submit(first, candidate), bob)
    review(submit(last, candidate), alice)  # owners review too
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.COMPLETED
    assert check_ledger() == []


def test_asking_for_changes_uses_a_round(milestone, candidate, bob):
    submission = submit(milestone, candidate)
    result = review(submission, bob, "changes")
    assert result.decision == "changes"
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.CHANGES_REQUESTED
    assert milestone.change_rounds_used == 1
    assert not LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE).exists()


@pytest.mark.parametrize("feedback", ["", "   ", "Good job!", "x" * 10 + " " * 40])
def test_a_review_needs_written_feedback(milestone, candidate, bob, feedback):
    submission = submit(milestone, candidate)
    with pytest.raises(DomainError, match="Write feedback") as caught:
        review(submission, bob, feedback=feedback)
    assert caught.value.field == "feedback"
    assert not Review.objects.exists()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.AWAITING_REVIEW


def test_every_criterion_must_be_scored(milestone, candidate, bob):
    submission = submit(milestone, candidate)
    scores = all_scores(milestone)
    missing = next(iter(scores))
    del scores[missing]
    with pytest.raises(DomainError, match="Score every criterion") as caught:
        review(submission, bob, scores=scores)
    assert caught.value.field == "scores"
    assert not Review.objects.exists()


def test_scores_must_be_levels_of_the_rubric(milestone, candidate, bob):
    submission = submit(milestone, candidate)
    with pytest.raises(DomainError, match="Choose one of the levels"):
        review(submission, bob, scores=all_scores(milestone, level=9))
    with pytest.raises(DomainError, match="only the criteria"):
        review(submission, bob, scores={**all_scores(milestone), 999999: 3})


def test_a_decision_is_required(milestone, candidate, bob):
    with pytest.raises(DomainError, match="approve the work or ask for changes"):
        review(submit(milestone, candidate), bob, decision="maybe")


def test_the_intern_cannot_review_their_own_work(milestone, candidate):
    submission = submit(milestone, candidate)
    with pytest.raises(PermissionDenied, match="your own work"):
        review(submission, candidate)


def test_outsiders_cannot_review(milestone, candidate, charlie):
    submission = submit(milestone, candidate)
    with pytest.raises(NotFound):
        review(submission, charlie)
    assert not Review.objects.exists()


def test_viewers_and_mentors_cannot_review(milestone, candidate, viewer, mentor):
    submission = submit(milestone, candidate)
    for person in (viewer, mentor):
        with pytest.raises(PermissionDenied, match="Only reviewers"):
            review(submission, person)


def test_staff_cannot_review(milestone, candidate, sam):
    with pytest.raises(NotFound):
        review(submit(milestone, candidate), sam)


def test_one_review_per_version(milestone, candidate, bob, alice):
    submission = submit(milestone, candidate)
    review(submission, bob, "changes")
    with pytest.raises(DomainError, match="no longer waiting for review"):
        review(submission, alice)
    assert Review.objects.count() == 1


def test_rounds_of_changes_are_bounded_by_the_contract(engagement, milestone, candidate, bob):
    assert engagement.review_rounds == 2
    for _ in range(engagement.review_rounds):
        review(submit(milestone, candidate), bob, "changes")
    last = submit(milestone, candidate)
    with pytest.raises(DomainError, match="allows 2 rounds of changes per milestone, and they have been used"):
        review(last, bob, "changes")
    # Nothing of the refused review is kept; it can still be approved.
    last.refresh_from_db()
    assert last.status == SubmissionStatus.AWAITING_REVIEW
    assert not Review.objects.filter(submission=last).exists()
    review(last, bob, "approve")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.APPROVED
    assert Submission.objects.filter(milestone=milestone).count() == 3


def test_reviews_and_their_scores_are_append_only(milestone, candidate, bob):
    result = review(submit(milestone, candidate), bob)
    with pytest.raises(Exception, match="append-only"):
        Review.objects.filter(pk=result.pk).update(feedback="rewritten")
    with pytest.raises(Exception, match="append-only"):
        result.scores.first().delete()
