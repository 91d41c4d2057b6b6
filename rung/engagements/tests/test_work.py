import pytest
from django.db.models import Sum

from rung.engagements import services
from rung.engagements.models import ContractStatus, EngagementStatus, MilestoneStatus
from rung.engagements.tests.conftest import milestones, submit_and_approve
from rung.ledger.models import LedgerTransaction, Payout, PayoutStatus, TransactionKind
from rung.ledger.selectors import check_ledger, payable_balance
from rung.lib.errors import PermissionDenied
from rung.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_work_cannot_be_submitted_before_both_sign(engagement, candidate):
    with pytest.raises(services.EngagementError) as refused:
        services.mark_submitted(milestones(engagement)[0], actor=candidate)
    assert refused.value.code == "not_active"


def test_only_the_intern_submits(active, alice, charlie):
    for person in (alice, charlie):
        with pytest.raises(PermissionDenied):
            services.mark_submitted(milestones(active)[0], actor=person)


def test_submitting_tells_the_reviewers(active, candidate, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        milestone = services.mark_submitted(milestones(active)[0], actor=candidate)
    assert milestone.status == MilestoneStatus.SUBMITTED
    assert milestone.submitted_at is not None
    assert Notification.objects.filter(recipient=bob, verb="engagement.milestone_submitted").exists()
    with pytest.raises(services.EngagementError) as refused:
        services.mark_submitted(milestone, actor=candidate)
    assert refused.value.code == "already_submitted"


def test_rounds_of_changes_are_bounded_by_the_contract(active, candidate, bob):
    milestone = milestones(active)[0]
    assert active.review_rounds == 2
    for used in (1, 2):
        services.mark_submitted(milestone, actor=candidate)
        milestone = services.request_changes(milestone, actor=bob, note="the axis labels")
        assert milestone.status == MilestoneStatus.CHANGES_REQUESTED
        assert milestone.change_rounds_used == used
    services.mark_submitted(milestone, actor=candidate)
    with pytest.raises(services.EngagementError) as refused:
        services.request_changes(milestone, actor=bob)
    assert refused.value.code == "rounds_exhausted"
    assert "2 rounds" in refused.value.message
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED
    assert services.approve_milestone(milestone, actor=bob).status == MilestoneStatus.APPROVED


def test_only_reviewers_ask_for_changes_or_approve(active, candidate, charlie):
    milestone = services.mark_submitted(milestones(active)[0], actor=candidate)
    for person in (candidate, charlie):
        with pytest.raises(PermissionDenied):
            services.request_changes(milestone, actor=person)
        with pytest.raises(PermissionDenied):
            services.approve_milestone(milestone, actor=person)
    with pytest.raises(PermissionDenied):
        services.approve_milestone(milestone, actor=None)


def test_only_submitted_work_is_approved(active, bob):
    with pytest.raises(services.EngagementError) as refused:
        services.approve_milestone(milestones(active)[0], actor=bob)
    assert refused.value.code == "not_submitted"


def test_approval_releases_the_stipend_exactly_once(active, candidate, bob, events_committed):
    with events_committed():
        milestone = submit_and_approve(milestones(active)[0], candidate=candidate, reviewer=bob)
    assert milestone.status == MilestoneStatus.APPROVED
    assert milestone.approved_by == bob
    assert milestone.approved_at is not None
    assert not milestone.auto_approved
    with pytest.raises(services.EngagementError) as refused:
        services.approve_milestone(milestone, actor=bob)
    assert refused.value.code == "approved"
    releases = LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE, milestone_uuid=milestone.uuid)
    assert releases.count() == 1
    assert releases.get().entries.filter(amount_minor__gt=0).aggregate(t=Sum("amount_minor"))["t"] == 360_00
    assert payable_balance(engagement_uuid=active.uuid, currency="EUR") == 360_00
    assert Notification.objects.filter(recipient=candidate, verb="engagement.milestone_approved").exists()
    assert check_ledger() == []


def test_automatic_approval_needs_no_reviewer(active, candidate):
    milestone = services.mark_submitted(milestones(active)[0], actor=candidate)
    milestone = services.approve_milestone(milestone, actor=None, auto=True)
    assert milestone.auto_approved
    assert milestone.approved_by is None
    event = milestone.events.last()
    assert event is not None
    assert event.note.startswith("approved automatically")


def test_a_payout_starts_when_the_approval_commits(
    active, candidate, bob, settings, django_capture_on_commit_callbacks
):
    settings.PAYOUT_PROVIDER = "sandbox"
    with django_capture_on_commit_callbacks(execute=True):
        submit_and_approve(milestones(active)[0], candidate=candidate, reviewer=bob)
    payout = Payout.objects.get(engagement_uuid=active.uuid)
    assert (payout.amount_minor, payout.status) == (360_00, PayoutStatus.SETTLED)
    # Running it again finds nothing owed and nothing to send.
    assert services.start_payout(active) == 0
    assert Payout.objects.count() == 1
    assert check_ledger() == []


def test_a_manual_payout_provider_leaves_the_payout_for_the_next_batch(
    active, candidate, bob, settings, django_capture_on_commit_callbacks
):
    settings.PAYOUT_PROVIDER = "batch_export"
    with django_capture_on_commit_callbacks(execute=True):
        submit_and_approve(milestones(active)[0], candidate=candidate, reviewer=bob)
    # The release happens on approval; the payout waits only for the intern's payout details.
    assert Payout.objects.get(engagement_uuid=active.uuid).status == PayoutStatus.WAITING
    assert check_ledger() == []


def test_approving_the_last_milestone_completes_the_engagement(
    active, alice, candidate, bob, monkeypatch, django_capture_on_commit_callbacks
):
    amendment = services.propose_amendment(active, actor=alice, change_summary="Lower.", stipend_minor=880_00)
    first, second = milestones(active)
    submit_and_approve(first, candidate=candidate, reviewer=bob)
    with django_capture_on_commit_callbacks(execute=True):
        submit_and_approve(second, candidate=candidate, reviewer=bob)
    active.refresh_from_db()
    assert active.status == EngagementStatus.COMPLETED
    assert active.completed_at is not None
    amendment.refresh_from_db()
    assert amendment.status == ContractStatus.WITHDRAWN
    assert Notification.objects.filter(recipient=candidate, verb="engagement.completed").exists()
    assert Notification.objects.filter(recipient=alice, verb="engagement.completed").exists()
    paid_out = Payout.objects.filter(engagement_uuid=active.uuid).aggregate(t=Sum("amount_minor"))["t"]
    assert payable_balance(engagement_uuid=active.uuid, currency="EUR") + paid_out == 900_00
    with pytest.raises(services.EngagementError):
        services.complete_engagement(active, actor=alice)
    assert check_ledger() == []
