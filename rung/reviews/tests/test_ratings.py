from datetime import timedelta

import pytest
from django.utils import timezone

from rung.engagements import services as engagements
from rung.engagements.models import Engagement
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.notifications.models import Notification
from rung.reviews import services
from rung.reviews.models import ExperienceRating, InternRating, SelfAssessment
from rung.reviews.selectors import access_to, ratings_for, reveal_at
from rung.reviews.tests.conftest import all_scores, milestones

pytestmark = pytest.mark.django_db

EXPERIENCE = {"mentoring": 4, "clarity": 5, "respect": 5, "pay_timeliness": 3}


def rate_experience(engagement, candidate, **overrides):
    return services.rate_experience(engagement, candidate=candidate, **{**EXPERIENCE, **overrides})


def seen_by(engagement, person, **kwargs):
    engagement.refresh_from_db()
    access = access_to(person, engagement)
    assert access is not None
    return ratings_for(engagement, access, **kwargs)


def test_ratings_open_only_when_the_engagement_has_ended(engagement, candidate, bob):
    with pytest.raises(DomainError, match="Ratings open when the engagement is completed"):
        rate_experience(engagement, candidate)
    with pytest.raises(DomainError, match="Ratings open when"):
        services.rate_intern(engagement, rater=bob, overall=4)
    assert not seen_by(engagement, candidate).window_open


def test_neither_side_sees_the_other_rating_until_both_are_in(completed, candidate, bob, alice, events_committed):
    with events_committed():
        rate_experience(completed, candidate, comment="Great mentoring, slow payment.")
    assert seen_by(completed, candidate).experience is not None  # your own, always
    employer_view = seen_by(completed, alice)
    assert employer_view.experience is None
    assert employer_view.experience_given
    assert not employer_view.revealed
    assert employer_view.can_rate_intern
    assert Notification.objects.filter(recipient=alice, verb="rating.received").exists()

    with events_committed():
        services.rate_intern(completed, rater=bob, overall=5, comment="Outstanding work.")
    for person in (candidate, alice, bob):
        view = seen_by(completed, person)
        assert view.revealed
        assert view.experience is not None
        assert view.intern is not None
    assert Notification.objects.filter(recipient=candidate, verb="rating.revealed").exists()


def test_the_intern_does_not_see_the_employer_rating_early(completed, candidate, bob):
    services.rate_intern(completed, rater=bob, overall=2, comment="Missed a deadline.")
    view = seen_by(completed, candidate)
    assert view.intern is None
    assert view.intern_given
    assert view.can_rate_experience


def test_after_the_deadline_a_lone_rating_is_revealed_and_the_window_closes(completed, candidate, alice, settings):
    rate_experience(completed, candidate)
    deadline = reveal_at(completed)
    assert deadline == completed.completed_at + timedelta(days=settings.RATING_REVEAL_DAYS)
    assert seen_by(completed, alice, now=deadline - timedelta(seconds=1)).experience is None
    late = seen_by(completed, alice, now=deadline)
    assert late.revealed
    assert late.experience is not None
    assert not late.window_open
    assert not late.can_rate_intern
    with pytest.raises(DomainError, match="rating window closed"):
        services.rate_intern(completed, rater=alice, overall=1, now=deadline)
    assert not InternRating.objects.exists()


def test_ratings_are_given_once(completed, candidate, bob, alice):
    rate_experience(completed, candidate)
    with pytest.raises(DomainError, match="already rated"):
        rate_experience(completed, candidate)
    services.rate_intern(completed, rater=bob, overall=4)
    with pytest.raises(DomainError, match="already rated"):
        services.rate_intern(completed, rater=alice, overall=1)


@pytest.mark.parametrize("value", [0, 6, -1, True])
def test_ratings_are_one_to_five(completed, candidate, bob, value):
    with pytest.raises(DomainError, match="from 1 to 5"):
        rate_experience(completed, candidate, respect=value)
    with pytest.raises(DomainError, match="from 1 to 5"):
        services.rate_intern(completed, rater=bob, overall=value)
    assert not ExperienceRating.objects.exists()


def test_only_the_right_people_rate(completed, candidate, bob, charlie, viewer, mentor):
    with pytest.raises(PermissionDenied):
        rate_experience(completed, bob)
    with pytest.raises(PermissionDenied, match="rate yourself"):
        services.rate_intern(completed, rater=candidate, overall=5)
    with pytest.raises(NotFound):
        services.rate_intern(completed, rater=charlie, overall=1)
    for person in (viewer, mentor):
        with pytest.raises(PermissionDenied, match="Only reviewers"):
            services.rate_intern(completed, rater=person, overall=1)


def test_viewers_see_the_revealed_experience_rating_but_not_early(completed, candidate, bob, viewer):
    rate_experience(completed, candidate)
    assert seen_by(completed, viewer).experience is None
    services.rate_intern(completed, rater=bob, overall=4)
    assert seen_by(completed, viewer).experience is not None


def test_outsiders_have_no_access_at_all(completed, charlie):
    assert access_to(charlie, completed) is None


def test_a_cancellation_after_the_start_opens_ratings(engagement, candidate, bob, alice):
    Engagement.objects.filter(pk=engagement.pk).update(start_date=timezone.now().date() - timedelta(days=1))
    engagement.refresh_from_db()
    engagements.cancel_engagement(engagement, actor=alice, reason="We had to stop the project early, sorry.")
    engagement.refresh_from_db()
    rate_experience(engagement, candidate, pay_timeliness=1)
    services.rate_intern(engagement, rater=bob, overall=4)
    assert seen_by(engagement, candidate).revealed


def test_a_cancellation_before_the_start_date_opens_no_ratings(unsigned, candidate, alice):
    from rung.reviews.tests.conftest import sign_both

    engagement = sign_both(unsigned, employer=alice, candidate=candidate)  # signed; the start is weeks away
    engagements.cancel_engagement(engagement, actor=alice, reason="We had to stop before the work began.")
    engagement.refresh_from_db()
    with pytest.raises(DomainError, match="Ratings open when"):
        rate_experience(engagement, candidate)


def test_a_cancellation_before_signing_opens_no_ratings(unsigned, candidate):
    engagements.cancel_engagement(unsigned, actor=candidate, reason="I found another internship, sorry.")
    unsigned.refresh_from_db()
    with pytest.raises(DomainError, match="Ratings open when"):
        rate_experience(unsigned, candidate)


# --- Self-assessment ---------------------------------------------------------------------------

REFLECTION = "The cleaning went well; I underestimated the charts and should have asked earlier."


def test_the_intern_assesses_their_work_against_the_same_rubric(engagement, milestone, candidate):
    assessment = services.self_assess(
        engagement, candidate=candidate, scores=all_scores(milestone, level=4), reflection=REFLECTION
    )
    assert assessment.points == assessment.max_points
    assert assessment.score_percent == 100
    assert assessment.scores.count() == 4
    with pytest.raises(DomainError, match="already assessed"):
        services.self_assess(engagement, candidate=candidate, scores=all_scores(milestone), reflection=REFLECTION)


def test_self_assessment_rules(engagement, unsigned, milestone, candidate, bob):
    with pytest.raises(PermissionDenied):
        services.self_assess(engagement, candidate=bob, scores=all_scores(milestone), reflection=REFLECTION)
    with pytest.raises(DomainError, match="short reflection"):
        services.self_assess(engagement, candidate=candidate, scores=all_scores(milestone), reflection="Fine.")
    scores = all_scores(milestone)
    scores.popitem()
    with pytest.raises(DomainError, match="Score every criterion"):
        services.self_assess(engagement, candidate=candidate, scores=scores, reflection=REFLECTION)
    assert not SelfAssessment.objects.exists()


def test_no_self_assessment_before_the_contract_is_signed(unsigned, candidate):
    scores = all_scores(milestones(unsigned)[0])
    with pytest.raises(DomainError, match="once the engagement has started"):
        services.self_assess(unsigned, candidate=candidate, scores=scores, reflection=REFLECTION)
