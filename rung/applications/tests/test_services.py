from datetime import timedelta

import pytest
from django.utils import timezone

from rung.applications import services
from rung.applications.models import Application, ApplicationStatus
from rung.applications.selectors import applicant_cards
from rung.audit.models import AuditEvent
from rung.engagements.services import accept_offer
from rung.lib.errors import DomainError, PermissionDenied
from rung.notifications.models import Notification
from rung.profiles.models import AvailabilityWindow, CandidateProfile
from rung.projects.models import Project

pytestmark = pytest.mark.django_db

ANSWER = ["A bar chart, because most of our audience reads them quickly."]


def _apply(published, candidate):
    return services.apply(published, candidate=candidate, answers=ANSWER)


def test_applying_notifies_the_reviewers_and_is_audited(published, candidate, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = _apply(published, candidate)
    assert application.status == ApplicationStatus.SUBMITTED
    assert Notification.objects.filter(recipient=bob, verb="application.submitted").exists()
    assert AuditEvent.objects.filter(verb="application.submitted", actor=candidate).exists()


def test_one_active_application_per_project(published, candidate):
    first = _apply(published, candidate)
    with pytest.raises(DomainError, match="already applied"):
        _apply(published, candidate)
    services.withdraw(first, candidate=candidate)
    assert _apply(published, candidate).status == ApplicationStatus.SUBMITTED  # may apply again after withdrawing


def test_every_question_must_be_answered(published, candidate):
    with pytest.raises(DomainError, match="Answer every question"):
        services.apply(published, candidate=candidate, answers=[" "])
    assert not Application.objects.exists()


def test_drafts_refuse_applications(draft, candidate):
    with pytest.raises(DomainError, match="not open"):
        services.apply(draft, candidate=candidate, answers=ANSWER)


def test_members_cannot_apply_to_their_own_organisation(published, bob):
    with pytest.raises(DomainError, match="member of this organisation"):
        services.apply(published, candidate=bob, answers=ANSWER)


def test_an_availability_clash_is_flagged_not_hidden(published, candidate):
    profile = CandidateProfile.objects.create(user=candidate, hours_per_week=5)
    AvailabilityWindow.objects.create(
        profile=profile,
        starts_on=published.end_date + timedelta(days=1),
        ends_on=published.end_date + timedelta(days=30),
    )
    application = _apply(published, candidate)
    assert application.availability_clash
    assert applicant_cards(published)[0].availability_clash


def test_the_first_pass_is_blind_until_shortlisted(published, candidate, reviewer_membership):
    CandidateProfile.objects.create(user=candidate, institution="Riverside University", headline="Data student")
    application = _apply(published, candidate)
    card = applicant_cards(published)[0]
    assert card.label == "Applicant 1"
    assert (card.name, card.email, card.institution) == (None, None, None)
    assert card.headline == "Data student"
    assert card.answers[0][1] == ANSWER[0]
    services.shortlist(application, membership=reviewer_membership)
    card = applicant_cards(published)[0]
    assert (card.name, card.email, card.institution) == ("Nia Candidate", candidate.email, "Riverside University")


def test_rejection_needs_a_kind_message_and_tells_the_candidate(
    published, candidate, reviewer_membership, django_capture_on_commit_callbacks
):
    application = _apply(published, candidate)
    with pytest.raises(DomainError, match="kind message"):
        services.reject(application, membership=reviewer_membership, message="no")
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(
            application,
            membership=reviewer_membership,
            message="Thank you — we chose someone with more Python experience this time.",
        )
    note = Notification.objects.get(recipient=candidate, verb="application.rejected")
    assert "more Python experience" in note.body


def test_outsiders_and_viewers_cannot_decide(published, candidate, charlie, owner_membership):
    application = _apply(published, candidate)
    with pytest.raises(PermissionDenied):
        services.shortlist(application, membership=None)
    owner_membership.role = "viewer"
    with pytest.raises(PermissionDenied):
        services.shortlist(application, membership=owner_membership)


def test_an_offer_needs_a_shortlist_and_expires(published, candidate, reviewer_membership):
    application = _apply(published, candidate)
    with pytest.raises(DomainError, match="Shortlist the candidate"):
        services.make_offer(application, membership=reviewer_membership)
    services.shortlist(application, membership=reviewer_membership)
    offered = services.make_offer(application, membership=reviewer_membership)
    assert offered.offer_expires_at is not None
    assert offered.offer_expires_at > timezone.now()
    closed, expired = services.sweep(now=offered.offer_expires_at + timedelta(minutes=1))
    assert (closed, expired) == (0, 1)
    offered.refresh_from_db()
    assert offered.status == ApplicationStatus.EXPIRED
    with pytest.raises(DomainError, match="no open offer"):
        accept_offer(offered, candidate=candidate)


def test_seats_are_never_exceeded(published, reviewer_membership):
    from conftest import make_user

    people = [make_user(f"c{i}@student.example", f"Candidate {i}") for i in range(3)]
    offers = []
    for person in people:
        application = _apply(published, person)
        services.shortlist(application, membership=reviewer_membership)
        offers.append(services.make_offer(application, membership=reviewer_membership))
    accept_offer(offers[0], candidate=people[0])
    accept_offer(offers[1], candidate=people[1])  # two seats
    with pytest.raises(DomainError, match="every seat was taken"):
        accept_offer(offers[2], candidate=people[2])
    assert published.applications.filter(status=ApplicationStatus.ACCEPTED).count() == 2


def test_only_the_candidate_answers_their_offer(published, candidate, charlie, reviewer_membership):
    application = _apply(published, candidate)
    services.shortlist(application, membership=reviewer_membership)
    services.make_offer(application, membership=reviewer_membership)
    with pytest.raises(PermissionDenied):
        accept_offer(application, candidate=charlie)
    with pytest.raises(PermissionDenied):
        services.withdraw(application, candidate=charlie)


def test_the_sweep_closes_undecided_applications_courteously_once(
    published, candidate, django_capture_on_commit_callbacks
):
    application = _apply(published, candidate)
    Project.objects.filter(pk=published.pk).update(application_deadline=timezone.now().date() - timedelta(days=11))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep() == (1, 0)
        assert services.sweep() == (0, 0)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CLOSED
    assert application.closed_by_sweep
    note = Notification.objects.get(recipient=candidate, verb="application.closed")
    assert "rather than leave you waiting" in note.body


def test_the_sweep_leaves_applications_within_the_deadline(published, candidate):
    _apply(published, candidate)
    Project.objects.filter(pk=published.pk).update(application_deadline=timezone.now().date() - timedelta(days=9))
    assert services.sweep() == (0, 0)


def test_reviewers_see_the_candidates_prior_verified_work(published, candidate, org):
    from rung.credentials.services import AchievementInput, issue_credential

    issue_credential(
        recipient=candidate,
        achievement=AchievementInput(
            name="Survey dashboard",
            description="Built a dashboard.",
            creator=org,
            activity_start=timezone.now().date() - timedelta(days=30),
            activity_end=timezone.now().date() - timedelta(days=16),
            hours=30,
        ),
        engagement_ref="engagement:earlier",
        issued_by=None,
    )
    _apply(published, candidate)
    card = applicant_cards(published)[0]
    assert card.prior_work == ["Survey dashboard for Acme Analytics (verified; Rung)"]
    assert card.name is None  # still blind


def test_notifications_about_a_blind_application_do_not_name_the_candidate(published, candidate, bob):
    application = _apply(published, candidate)
    services.withdraw(application, candidate=candidate)
    for note in Notification.objects.filter(recipient=bob):
        assert note.actor is None
        assert candidate.full_name not in note.title + note.body


def test_the_applicant_cards_cost_the_same_however_many_applied(published, django_assert_max_num_queries):
    from conftest import make_user

    for i in range(6):
        _apply(published, make_user(f"many{i}@student.example", f"Many {i}"))
    with django_assert_max_num_queries(5):
        cards = applicant_cards(published)
    assert len(cards) == 6
