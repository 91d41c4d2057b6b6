"""Mentoring is kept apart from assessment: a mentor never reviews, rates or decides on their own
mentee's work or application, and a declared conflict of interest bars the same."""

import pytest

from conftest import make_user
from rung.applications import services as applications
from rung.lib.errors import DomainError
from rung.mentoring import services
from rung.mentoring.tests.conftest import accredit
from rung.orgs.models import Membership
from rung.profiles.services import declare_conflict
from rung.reviews import services as reviews


@pytest.fixture
def alice_mentors(interns, alice):
    """Alice owns Acme (she may review and mentor) and accepts to mentor the first intern."""
    services.save_mentor_profile(alice, data=services.MentorProfileInput(languages=["en"], capacity=2))
    accredit(alice)
    pairing = services.pair_by_hand(interns[0], mentor=alice, actor=alice)
    services.respond_to_pairing(pairing, actor=alice, accept=True)
    return interns[0]


def test_a_mentor_cannot_rate_their_mentee(alice_mentors, alice):
    with pytest.raises(DomainError, match="You mentor this person") as refused:
        reviews.rate_intern(alice_mentors, rater=alice, overall=5)
    assert refused.value.code == "conflict_of_interest"
    from rung.reviews.models import InternRating

    assert not InternRating.objects.filter(engagement=alice_mentors).exists()


def test_a_mentor_cannot_decide_on_their_mentees_next_application(alice_mentors, alice, big_project, org):
    application = applications.apply(big_project, candidate=make_user("other@uni.example", "Other"), answers=["x"])
    mentee_application = alice_mentors.application
    membership = Membership.objects.get(organisation=org, user=alice)
    with pytest.raises(DomainError, match="You mentor this person"):
        applications.reject(mentee_application, membership=membership, message="No.")
    # Someone else's application is hers to decide.
    applications.shortlist(application, membership=membership)
    application.refresh_from_db()
    assert application.status == "shortlisted"


def test_a_declared_conflict_bars_a_reviewer_too(interns, bob, reviewer_membership):
    declare_conflict(bob, person=interns[1].candidate, reason="My flatmate")
    with pytest.raises(DomainError, match="declared a conflict of interest"):
        reviews.rate_intern(interns[1], rater=bob, overall=4)
