"""Pairing: by hand, the mentee's own choices, optimal matching reviewed then published, the mentor's
answer, re-matching after a decline or silence, and the refusals (capacity, conflict, outsiders,
unaccredited mentors in optimal mode)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from rung.lib.errors import PermissionDenied
from rung.mentoring import services
from rung.mentoring.models import CheckIn, MatchRun, MentoringSettings, Pairing, PairingStatus, RunStatus
from rung.mentoring.selectors import eligible_mentors, suggestions_for
from rung.mentoring.services import MentoringError
from rung.mentoring.tests.conftest import make_mentor
from rung.profiles.models import Conflict, ConflictKind
from rung.profiles.services import declare_conflict


def test_a_coordinator_pairs_by_hand_and_the_mentor_accepts(interns, mentor, alice, django_capture_on_commit_callbacks):
    engagement = interns[0]
    with django_capture_on_commit_callbacks(execute=True):
        pairing = services.pair_by_hand(engagement, mentor=mentor, actor=alice)
    assert pairing.status == PairingStatus.PROPOSED
    assert pairing.score > 0
    assert "shared skill" in pairing.reasons[0]
    assert mentor.notifications.filter(verb="pairing.proposed").exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.respond_to_pairing(pairing, actor=mentor, accept=True)
    pairing.refresh_from_db()
    engagement.refresh_from_db()
    assert pairing.status == PairingStatus.ACTIVE
    assert engagement.mentor_id == mentor.pk
    assert Conflict.objects.filter(holder=mentor, person=engagement.candidate, kind=ConflictKind.MENTORING).exists()
    assert CheckIn.objects.filter(pairing=pairing).count() >= 3
    assert engagement.candidate.notifications.filter(verb="pairing.accepted").exists()


def test_only_owners_and_managers_pair(interns, mentor, bob, charlie):
    for person in (bob, charlie):
        with pytest.raises(PermissionDenied):
            services.pair_by_hand(interns[0], mentor=mentor, actor=person)
    assert not Pairing.objects.exists()


def test_it_refuses_a_second_mentor_for_the_same_intern(org, interns, mentor, alice):
    other = make_mentor(org, "omar@acme.example", "Omar")
    services.pair_by_hand(interns[0], mentor=mentor, actor=alice)
    with pytest.raises(MentoringError, match="already has a mentor"):
        services.pair_by_hand(interns[0], mentor=other, actor=alice)


def test_capacity_is_never_exceeded(org, interns, alice):
    solo = make_mentor(org, "solo@acme.example", "Solo", capacity=1)
    services.pair_by_hand(interns[0], mentor=solo, actor=alice)
    with pytest.raises(MentoringError, match="as many people as they offered") as refused:
        services.pair_by_hand(interns[1], mentor=solo, actor=alice)
    assert refused.value.code == "capacity"
    assert Pairing.objects.filter(mentor=solo).count() == 1


def test_a_declared_conflict_keeps_a_mentor_away(interns, mentor, alice):
    services.declare_mentor_conflict(mentor, person=interns[0].candidate, reason="My cousin")
    with pytest.raises(MentoringError, match="conflict of interest"):
        services.pair_by_hand(interns[0], mentor=mentor, actor=alice)
    assert mentor not in [s.mentor for s in suggestions_for(interns[0])]


def test_someone_outside_the_organisation_and_the_pool_cannot_be_paired(interns, alice):
    stranger = make_user("stranger@else.example", "Stranger")
    services.save_mentor_profile(stranger, data=services.MentorProfileInput(languages=["en"]))
    with pytest.raises(MentoringError, match="not one of the mentors"):
        services.pair_by_hand(interns[0], mentor=stranger, actor=alice)


def test_approved_pool_volunteers_are_available_to_every_organisation(org, sam):
    volunteer = make_user("vera@volunteer.example", "Vera")
    services.save_mentor_profile(volunteer, data=services.MentorProfileInput(languages=["en"]))
    services.join_pool(volunteer)
    assert volunteer not in eligible_mentors(org, accredited_only=False)
    with pytest.raises(PermissionDenied):
        services.decide_pool(volunteer.mentor_profile, actor=volunteer, approve=True)
    services.decide_pool(volunteer.mentor_profile, actor=sam, approve=True)
    assert volunteer in eligible_mentors(org, accredited_only=False)


def test_the_mentee_ranks_up_to_three_and_only_among_suggestions(org, interns, mentor, bob):
    engagement = interns[0]
    others = [make_mentor(org, f"m{i}@acme.example", f"M{i}") for i in range(3)]
    with pytest.raises(PermissionDenied):
        services.rank_mentors(engagement, actor=bob, mentors=[mentor])
    with pytest.raises(MentoringError, match="up to three"):
        services.rank_mentors(engagement, actor=engagement.candidate, mentors=[mentor, *others])
    with pytest.raises(MentoringError, match="suggested"):
        services.rank_mentors(engagement, actor=engagement.candidate, mentors=[bob])
    services.rank_mentors(engagement, actor=engagement.candidate, mentors=[others[2], mentor])
    assert list(engagement.mentor_rankings.values_list("mentor_id", "rank")) == [(others[2].pk, 1), (mentor.pk, 2)]


def test_optimal_matching_is_proposed_reviewed_and_published(org, interns, alice, django_capture_on_commit_callbacks):
    one = make_mentor(org, "one@acme.example", "One", capacity=1, skills=("python",))
    two = make_mentor(org, "two@acme.example", "Two", capacity=2, skills=("data-visualisation",))
    # The first intern ranks One first: with the ranking's weight, One should go to them.
    services.rank_mentors(interns[0], actor=interns[0].candidate, mentors=[one])
    run = services.propose_matching(org, actor=alice)
    assert run.status == RunStatus.DRAFT
    assert len(run.proposal) == 3
    assert run.unpaired == []
    assert not Pairing.objects.exists()  # nothing happens before the coordinator publishes
    by_engagement = {row["engagement"]: row["mentor"] for row in run.proposal}
    assert by_engagement[str(interns[0].uuid)] == one.pk
    assert sorted(by_engagement.values()) == sorted([one.pk, two.pk, two.pk])
    assert run.total == sum(row["score"] for row in run.proposal)

    with django_capture_on_commit_callbacks(execute=True):
        published = services.publish_matching(run, actor=alice)
    assert len(published.pairings) == 3
    assert published.skipped == []
    assert Pairing.objects.filter(run=run, status=PairingStatus.PROPOSED).count() == 3
    with pytest.raises(MentoringError, match="already published"):
        services.publish_matching(run, actor=alice)


def test_optimal_matching_uses_accredited_mentors_unless_the_organisation_allows_others(org, interns, alice):
    make_mentor(org, "new@acme.example", "New", accredited=False)
    with pytest.raises(MentoringError, match="No accredited mentor"):
        services.propose_matching(org, actor=alice)
    with pytest.raises(MentoringError, match="accredited mentors only"):
        services.propose_matching(org, actor=alice, accredited_only=False)
    MentoringSettings.objects.create(organisation=org, allow_unaccredited=True)
    run = services.propose_matching(org, actor=alice, accredited_only=False)
    assert len(run.proposal) == 2  # capacity 2 for three interns
    assert len(run.unpaired) == 1


def test_publishing_skips_a_pair_that_became_impossible_and_says_why(org, interns, alice):
    solo = make_mentor(org, "solo@acme.example", "Solo", capacity=1)
    run = services.propose_matching(org, actor=alice)
    row = run.proposal[0]
    engagement = next(e for e in interns if str(e.uuid) == row["engagement"])
    services.pair_by_hand(interns[2] if engagement != interns[2] else interns[1], mentor=solo, actor=alice)
    published = services.publish_matching(run, actor=alice)
    assert published.pairings == []
    assert "as many people as they offered" in published.skipped[0]


def test_a_decline_matches_the_intern_again_with_someone_else(org, interns, alice):
    first = make_mentor(org, "first@acme.example", "First", capacity=1, skills=("python", "data-visualisation"))
    second = make_mentor(org, "second@acme.example", "Second", capacity=1, skills=())
    pairing = services.pair_by_hand(interns[0], mentor=first, actor=alice)
    with pytest.raises(MentoringError, match="why"):
        services.respond_to_pairing(pairing, actor=first, accept=False)
    services.respond_to_pairing(pairing, actor=first, accept=False, reason="Away that week")
    again = Pairing.objects.get(engagement=interns[0], status=PairingStatus.PROPOSED)
    assert again.mentor == second


def test_silence_expires_the_proposal_and_rematches(org, interns, alice):
    first = make_mentor(org, "first@acme.example", "First", capacity=1)
    second = make_mentor(org, "second@acme.example", "Second", capacity=1)
    pairing = services.pair_by_hand(interns[0], mentor=first, actor=alice)
    later = timezone.now() + timedelta(days=4)
    with pytest.raises(MentoringError, match="time to answer has passed"):
        services.respond_to_pairing(pairing, actor=first, accept=True, now=later)
    assert services.expire_pairings(now=later) == 1
    assert services.expire_pairings(now=later) == 0  # a second sweep finds nothing to do
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.EXPIRED
    assert Pairing.objects.get(engagement=interns[0], status=PairingStatus.PROPOSED).mentor == second


def test_only_the_asked_mentor_answers(interns, mentor, alice, bob):
    pairing = services.pair_by_hand(interns[0], mentor=mentor, actor=alice)
    with pytest.raises(PermissionDenied):
        services.respond_to_pairing(pairing, actor=bob, accept=True)


def test_staff_suspend_and_resume_a_pairing(interns, mentor, alice, sam):
    pairing = services.pair_by_hand(interns[0], mentor=mentor, actor=alice)
    services.respond_to_pairing(pairing, actor=mentor, accept=True)
    with pytest.raises(PermissionDenied):
        services.suspend_pairing(pairing, actor=alice, reason="x")
    services.suspend_pairing(pairing, actor=sam, reason="A concern is being looked into")
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.SUSPENDED
    assert list(pairing.history.values_list("to_status", flat=True)) == ["proposed", "active", "suspended"]
    services.resume_pairing(pairing, actor=sam)
    pairing.refresh_from_db()
    assert pairing.status == PairingStatus.ACTIVE


def test_it_refuses_bad_profiles_with_clear_messages(charlie):
    cases = [
        (services.MentorProfileInput(languages=["en"], capacity=0), "1 to 10"),
        (services.MentorProfileInput(languages=[]), "at least one language"),
        (services.MentorProfileInput(languages=["xx"]), "Unknown language"),
        (services.MentorProfileInput(languages=["en"], timezone="Mars/Olympus"), "time zone"),
        (services.MentorProfileInput(languages=["en"], expertise=["not-a-skill"]), "from the list"),
        (services.MentorProfileInput(languages=["en"], weekly_windows=[{"day": 9}]), "Monday to Sunday"),
        (services.MentorProfileInput(languages=["en"], offers=["everything"]), "from the list"),
    ]
    for data, message in cases:
        with pytest.raises(MentoringError, match=message):
            services.save_mentor_profile(charlie, data=data)
    assert not hasattr(charlie, "mentor_profile") or charlie.mentor_profile is None


def test_a_conflict_with_oneself_is_refused(charlie):
    from rung.lib.errors import DomainError

    with pytest.raises(DomainError, match="yourself"):
        declare_conflict(charlie, person=charlie, reason="me")
    assert not MatchRun.objects.exists()
