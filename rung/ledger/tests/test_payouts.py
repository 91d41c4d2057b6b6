import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from rung.audit.models import AuditEvent
from rung.ledger.models import Payout, PayoutEvent, PayoutStatus, add_business_days
from rung.ledger.payouts import create_payout, export_payout_batch, fail_payout, run_payouts, send_payout, settle_payout
from rung.ledger.providers import PayoutResult, PayoutState, SandboxPayoutProvider
from rung.ledger.selectors import (
    balance_of,
    check_ledger,
    overdue_payouts,
    payable_balance,
    payout_batch_csv,
    statement_for_intern,
)
from rung.ledger.services import BadTransition, LedgerError, release_milestone
from rung.lib.errors import PermissionDenied

pytestmark = pytest.mark.django_db


class CountingSandbox(SandboxPayoutProvider):
    def __init__(self) -> None:
        self.calls = 0

    def send(self, payout):
        self.calls += 1
        return super().send(payout)


class DiesAfterSending(SandboxPayoutProvider):
    """The money left; then the worker died before it could write that down."""

    def send(self, payout):
        super().send(payout)
        raise ConnectionError("worker killed")


class DiesBeforeSending(SandboxPayoutProvider):
    """The worker died before the provider ever heard of the payout."""

    def send(self, payout):
        raise ConnectionError("network down")


class Refusing(SandboxPayoutProvider):
    def send(self, payout):
        return PayoutResult(PayoutState.FAILED, reason="The bank account is closed.")


@pytest.fixture
def owe(fund, project, intern):
    """Release `amount` of the project's escrow to the engagement, approved `days_ago`."""
    fund(project, stipend_minor=500_00, seats=2)

    def make(engagement, amount=100_00, *, days_ago=0, who=None):
        return release_milestone(
            project_uuid=project,
            engagement_uuid=engagement,
            milestone_uuid=uuid.uuid4(),
            intern=who or intern,
            amount_minor=amount,
            currency="EUR",
            approved_at=timezone.now() - timedelta(days=days_ago),
        )

    return make


def sandbox_payout(engagement, intern):
    return create_payout(engagement_uuid=engagement, intern=intern, currency="EUR", provider_name="sandbox")


def test_a_payout_carries_everything_owed_into_transit(owe, engagement, intern):
    owe(engagement, 100_00)
    release = owe(engagement, 50_00)
    payout = sandbox_payout(engagement, intern)
    assert payout.status == PayoutStatus.PENDING
    assert payout.amount_minor == 150_00
    assert payout.approved_at is not None
    assert payout.approved_at <= release.approved_at
    assert payable_balance(engagement_uuid=engagement, currency="EUR") == 0
    assert balance_of("payouts_in_transit:EUR") == 150_00
    assert list(payout.events.values_list("from_status", "to_status")) == [("", "pending")]
    assert sandbox_payout(engagement, intern) is None
    assert check_ledger() == []


def test_nothing_owed_means_no_payout_and_someone_else_cannot_collect(owe, engagement, intern, alice):
    assert sandbox_payout(engagement, intern) is None
    owe(engagement)
    with pytest.raises(LedgerError, match="owed to someone else"):
        sandbox_payout(engagement, alice)
    assert not Payout.objects.exists()


def test_the_sandbox_settles_at_once_and_the_money_leaves_the_platform(owe, engagement, intern):
    owe(engagement, 100_00, days_ago=2)
    payout = send_payout(sandbox_payout(engagement, intern))
    assert payout.status == PayoutStatus.SETTLED
    assert payout.provider_reference == f"sandbox-{payout.uuid}"
    assert payout.sent_at is not None
    assert payout.settled_at is not None
    assert payout.business_days_to_settle is not None
    assert balance_of("payouts_in_transit:EUR") == 0
    assert balance_of("external_world:EUR") == -1100_00 + 100_00
    assert list(payout.events.values_list("to_status", flat=True)) == ["pending", "sent", "settled"]
    timeliness = AuditEvent.objects.get(verb="ledger.payout.timeliness")
    assert timeliness.data["seconds_from_approval"] >= 2 * 24 * 3600
    assert check_ledger() == []


def test_a_payout_marked_sent_is_never_sent_again(owe, engagement, intern):
    owe(engagement)
    provider = CountingSandbox()
    payout = sandbox_payout(engagement, intern)
    send_payout(payout, provider=provider)
    send_payout(payout, provider=provider)
    run_payouts(providers={"sandbox": provider})
    assert provider.calls == 1
    assert Payout.objects.get().status == PayoutStatus.SETTLED


def test_a_worker_dying_after_the_provider_sent_it_is_settled_by_the_next_run_without_paying_twice(
    owe, engagement, intern
):
    owe(engagement, 100_00)
    payout = sandbox_payout(engagement, intern)
    with pytest.raises(ConnectionError):
        send_payout(payout, provider=DiesAfterSending())
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SENT
    assert check_ledger() == []

    later = CountingSandbox()
    run = run_payouts(providers={"sandbox": later})
    assert later.calls == 0
    assert (run.created, run.sent, run.settled, run.errors) == (0, 0, 1, [])
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SETTLED
    assert Payout.objects.count() == 1
    assert statement_for_intern(intern).totals["EUR"].paid == 100_00
    assert check_ledger() == []


def test_a_worker_dying_before_the_provider_heard_of_it_is_left_for_staff_and_then_paid_once(
    owe, engagement, intern, sam
):
    owe(engagement, 100_00)
    payout = sandbox_payout(engagement, intern)
    run = run_payouts(providers={"sandbox": DiesBeforeSending()})
    assert run.sent == 0
    assert "ConnectionError: network down" in run.errors[0]
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SENT

    # The provider has no record of it; it is never sent a second time behind anyone's back.
    provider = CountingSandbox()
    run_payouts(providers={"sandbox": provider})
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SENT
    assert provider.calls == 0
    assert balance_of("payouts_in_transit:EUR") == 100_00
    assert check_ledger() == []

    fail_payout(payout, reason="Provider has no record of it", actor=sam)
    assert payable_balance(engagement_uuid=engagement, currency="EUR") == 100_00
    run = run_payouts(providers={"sandbox": provider}, provider_name="sandbox")
    assert (run.created, run.sent, run.settled) == (1, 1, 1)
    assert provider.calls == 1
    statement = statement_for_intern(intern)
    assert (statement.totals["EUR"].earned, statement.totals["EUR"].paid) == (100_00, 100_00)
    assert Payout.objects.filter(status=PayoutStatus.SETTLED).count() == 1
    assert check_ledger() == []


def test_a_refused_payout_fails_and_the_money_is_owed_again(owe, engagement, intern):
    owe(engagement, 100_00)
    payout = send_payout(sandbox_payout(engagement, intern), provider=Refusing())
    assert payout.status == PayoutStatus.FAILED
    assert payout.failure_reason == "The bank account is closed."
    assert payable_balance(engagement_uuid=engagement, currency="EUR") == 100_00
    assert balance_of("payouts_in_transit:EUR") == 0
    assert check_ledger() == []


def test_failed_and_settled_are_final(owe, engagement, intern, sam):
    owe(engagement, 100_00)
    failed = fail_payout(sandbox_payout(engagement, intern), reason="wrong IBAN", actor=sam)
    assert fail_payout(failed, reason="again", actor=sam).failure_reason == "wrong IBAN"
    with pytest.raises(BadTransition, match="failed"):
        settle_payout(failed, actor=sam)
    settled = send_payout(sandbox_payout(engagement, intern))
    assert settle_payout(settled).status == PayoutStatus.SETTLED
    with pytest.raises(BadTransition, match="has been paid"):
        fail_payout(settled, reason="oops", actor=sam)
    assert PayoutEvent.objects.filter(payout=settled, to_status=PayoutStatus.SETTLED).count() == 1
    assert check_ledger() == []


def test_a_pending_payout_cannot_be_settled_and_only_staff_mark_payouts(owe, engagement, intern, sam, alice):
    owe(engagement)
    payout = sandbox_payout(engagement, intern)
    with pytest.raises(BadTransition, match="not been sent"):
        settle_payout(payout, actor=sam)
    with pytest.raises(PermissionDenied):
        fail_payout(payout, reason="because", actor=alice)
    with pytest.raises(LedgerError, match="Say why"):
        fail_payout(payout, reason=" ", actor=sam)


def test_batch_export_claims_pending_payouts_once_and_staff_settle_them(owe, engagement, intern, sam, alice):
    owe(engagement, 123_45)
    payout = create_payout(engagement_uuid=engagement, intern=intern, currency="EUR")
    assert payout is not None
    assert payout.provider == "batch_export"
    assert run_payouts().sent == 0  # staff send these, not the worker
    with pytest.raises(LedgerError, match="export a batch"):
        send_payout(payout)
    with pytest.raises(PermissionDenied):
        export_payout_batch(staff=alice)

    batch = export_payout_batch(staff=sam)
    assert [p.pk for p in batch.payouts] == [payout.pk]
    assert "Charlie Outsider,charlie@elsewhere.example,123.45,EUR" in batch.csv
    assert "Charlie Outsider,DE,DE89370400440532013000,COBADEFFXXX" in batch.csv  # where to pay him
    again = payout_batch_csv(batch.reference)
    # Downloading again lists the same payouts, but plain account details leave only at the audited export.
    assert str(payout.uuid) in again
    assert "DE89370400440532013000" not in again
    assert export_payout_batch(staff=sam).payouts == []
    payout.refresh_from_db()
    assert (payout.status, payout.batch_reference) == (PayoutStatus.SENT, batch.reference)

    settle_payout(payout, actor=sam, provider_reference="bank statement 42")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SETTLED
    assert check_ledger() == []


def test_the_csv_never_hands_a_spreadsheet_a_formula(owe, engagement, intern, sam):
    intern.full_name = '=HYPERLINK("http://evil")'
    intern.save(update_fields=["full_name"])
    owe(engagement)
    create_payout(engagement_uuid=engagement, intern=intern, currency="EUR")
    csv = export_payout_batch(staff=sam).csv
    assert "'=HYPERLINK" in csv


def test_run_payouts_pays_every_engagement_once_and_a_second_run_does_nothing(owe, intern):
    engagements = [uuid.uuid4() for _ in range(3)]
    for n, engagement in enumerate(engagements, start=1):
        owe(engagement, n * 10_00)
    run = run_payouts(provider_name="sandbox")
    assert (run.created, run.sent, run.settled, run.failed, run.errors) == (3, 3, 3, 0, [])
    again = run_payouts(provider_name="sandbox")
    assert (again.created, again.sent, again.settled) == (0, 0, 0)
    assert sorted(Payout.objects.values_list("amount_minor", flat=True)) == [10_00, 20_00, 30_00]
    assert check_ledger() == []


def test_the_payout_clock_starts_at_the_oldest_approval_still_unpaid(owe, engagement, intern, sam):
    old = owe(engagement, 100_00, days_ago=10)
    fail_payout(sandbox_payout(engagement, intern), reason="bounced", actor=sam)
    owe(engagement, 50_00, days_ago=0)
    payout = sandbox_payout(engagement, intern)
    assert payout.amount_minor == 150_00
    assert payout.approved_at == old.approved_at


def test_overdue_payouts_are_those_past_the_target_in_business_days(owe, intern, settings):
    settings.PAYOUT_TARGET_BUSINESS_DAYS = 3
    late, fresh = uuid.uuid4(), uuid.uuid4()
    owe(late, days_ago=8)
    owe(fresh, days_ago=0)
    run_payouts()  # batch export: they wait for staff
    overdue = overdue_payouts()
    assert [p.engagement_uuid for p in overdue] == [late]
    payout = Payout.objects.get(engagement_uuid=fresh)
    assert payout.approved_at is not None
    assert overdue_payouts(now=add_business_days(payout.approved_at, 4)) != []


def test_business_days_skip_weekends():
    from datetime import UTC, datetime

    from rung.ledger.models import business_days_between

    friday = datetime(2026, 11, 27, 17, tzinfo=UTC)
    assert add_business_days(friday, 1).weekday() == 0
    assert business_days_between(friday, add_business_days(friday, 3)) == 3
    assert business_days_between(friday, friday) == 0
