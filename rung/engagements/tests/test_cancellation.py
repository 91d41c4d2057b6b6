import pytest

from rung.engagements import services
from rung.engagements.models import ContractStatus, EngagementStatus, MilestoneStatus
from rung.engagements.tests.conftest import milestones, submit_and_approve
from rung.ledger.models import LedgerTransaction, TransactionKind
from rung.ledger.selectors import check_ledger, escrow_balance, payable_balance
from rung.lib.errors import PermissionDenied
from rung.notifications.models import Notification

pytestmark = pytest.mark.django_db
SEAT = 900_00


def _money(engagement):
    return (
        escrow_balance(project_uuid=engagement.project.uuid, currency="EUR"),
        payable_balance(engagement_uuid=engagement.uuid, currency="EUR"),
    )


def _kinds(engagement):
    return sorted(
        LedgerTransaction.objects.filter(project_uuid=engagement.project.uuid)
        .exclude(kind__in=[TransactionKind.DEPOSIT, TransactionKind.ESCROW_FUNDING])
        .values_list("kind", flat=True)
    )


@pytest.mark.parametrize("who", ["alice", "candidate"])
def test_before_the_start_nobody_pays_a_fee(request, active, who):
    person = request.getfixturevalue(who)
    quote = services.quote_cancellation(active, by_employer=who == "alice")
    assert (quote.started, quote.kill_fee_minor, quote.refund_minor) == (False, 0, SEAT)
    engagement = services.cancel_engagement(active, actor=person, reason="The client cancelled the survey.")
    assert engagement.status == EngagementStatus.CANCELLED
    assert (engagement.cancelled_by, engagement.cancel_reason) == (person, "The client cancelled the survey.")
    assert {m.status for m in milestones(engagement)} == {MilestoneStatus.CANCELLED}
    # The other seat's stipend stays in escrow; this seat's comes back to the employer.
    assert _money(engagement) == (SEAT, 0)
    assert _kinds(engagement) == [TransactionKind.REFUND]
    assert check_ledger() == []


def test_an_unsigned_engagement_can_be_cancelled_and_its_contract_is_withdrawn(engagement, candidate):
    services.cancel_engagement(engagement, actor=candidate, reason="I found another project.")
    assert engagement.contracts.get().status == ContractStatus.WITHDRAWN
    assert _money(engagement) == (SEAT, 0)
    assert check_ledger() == []


def test_after_the_start_the_employer_pays_approved_work_plus_the_kill_fee(started, alice, bob, candidate):
    first, second = milestones(started)
    submit_and_approve(first, candidate=candidate, reviewer=bob)
    services.mark_submitted(second, actor=candidate)
    quote = services.quote_cancellation(started, by_employer=True)
    # Approved 360.00 stays paid; 25% of the unreleased 540.00 is the kill fee; 405.00 goes back.
    assert (quote.released_minor, quote.unreleased_minor, quote.kill_fee_minor, quote.refund_minor) == (
        360_00,
        540_00,
        135_00,
        405_00,
    )
    services.cancel_engagement(started, actor=alice, reason="Our priorities changed.")
    second.refresh_from_db()
    assert second.status == MilestoneStatus.CANCELLED
    assert _money(started) == (SEAT, 360_00 + 135_00)
    assert _kinds(started) == [TransactionKind.KILL_FEE, TransactionKind.REFUND, TransactionKind.RELEASE]
    assert check_ledger() == []


def test_after_the_start_with_nothing_approved_the_kill_fee_is_a_quarter(started, alice):
    services.cancel_engagement(started, actor=alice, reason="Our priorities changed.")
    assert _money(started) == (SEAT, 225_00)
    assert check_ledger() == []


def test_after_the_start_the_intern_cancelling_keeps_approved_work_and_no_fee(started, bob, candidate):
    submit_and_approve(milestones(started)[0], candidate=candidate, reviewer=bob)
    quote = services.quote_cancellation(started, by_employer=False)
    assert (quote.kill_fee_minor, quote.refund_minor) == (0, 540_00)
    services.cancel_engagement(started, actor=candidate, reason="I fell ill.")
    assert _money(started) == (SEAT, 360_00)
    assert TransactionKind.KILL_FEE not in _kinds(started)
    assert check_ledger() == []


def test_the_kill_fee_is_paid_out_when_the_cancellation_commits(
    started, alice, settings, django_capture_on_commit_callbacks
):
    settings.PAYOUT_PROVIDER = "sandbox"
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_engagement(started, actor=alice, reason="Our priorities changed.")
    assert _money(started) == (SEAT, 0)
    assert check_ledger() == []


def test_cancelling_twice_is_refused(active, alice, candidate):
    services.cancel_engagement(active, actor=alice, reason="Budget cut.")
    with pytest.raises(services.EngagementError) as refused:
        services.cancel_engagement(active, actor=candidate, reason="Me too.")
    assert refused.value.code == "already_cancelled"
    assert LedgerTransaction.objects.filter(kind=TransactionKind.REFUND).count() == 1
    assert check_ledger() == []


def test_nothing_can_be_approved_after_cancelling(active, alice, bob, candidate):
    milestone = services.mark_submitted(milestones(active)[0], actor=candidate)
    services.cancel_engagement(active, actor=alice, reason="Budget cut.")
    with pytest.raises(services.EngagementError) as refused:
        services.approve_milestone(milestone, actor=bob)
    assert refused.value.code == "not_active"


def test_a_completed_engagement_cannot_be_cancelled(active, alice, bob, candidate):
    for milestone in milestones(active):
        submit_and_approve(milestone, candidate=candidate, reviewer=bob)
    with pytest.raises(services.EngagementError) as refused:
        services.cancel_engagement(active, actor=alice, reason="Too late.")
    assert refused.value.code == "completed"


def test_only_the_parties_cancel_and_they_say_why(active, bob, charlie, candidate):
    for person in (bob, charlie):
        with pytest.raises(PermissionDenied):
            services.cancel_engagement(active, actor=person, reason="Because.")
    with pytest.raises(services.EngagementError) as refused:
        services.cancel_engagement(active, actor=candidate, reason="  ")
    assert refused.value.field == "reason"
    active.refresh_from_db()
    assert active.status == EngagementStatus.ACTIVE


def test_both_sides_are_told(active, alice, candidate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_engagement(active, actor=candidate, reason="I fell ill.")
    for person in (alice, candidate):
        assert Notification.objects.filter(recipient=person, verb="engagement.cancelled").exists()
