"""Any sequence of funding, releases, refunds, kill fees and payouts keeps the ledger consistent."""

import contextlib
import uuid
from collections import defaultdict

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from rung.accounts.models import User
from rung.ledger.models import Account, AccountKind, Deposit, DepositStatus, LedgerTransaction, Payout, PayoutStatus
from rung.ledger.payouts import create_payout, export_payout_batch, fail_payout, run_payouts, send_payout, settle_payout
from rung.ledger.providers import InvoiceProvider, SandboxPayoutProvider, SandboxProvider
from rung.ledger.selectors import check_ledger, escrow_balance, payable_balance
from rung.ledger.services import (
    BadTransition,
    IdempotencyConflict,
    InsufficientFunds,
    LedgerError,
    cancel_deposit,
    confirm_deposit,
    pay_kill_fee,
    refund_escrow,
    release_milestone,
    request_deposit,
)
from rung.orgs.models import Membership, Organisation, OrgKind, Role

pytestmark = pytest.mark.django_db


class DiesAfterSending(SandboxPayoutProvider):
    def send(self, payout):
        super().send(payout)
        raise ConnectionError("worker killed after sending")


class DiesBeforeSending(SandboxPayoutProvider):
    def send(self, payout):
        raise ConnectionError("worker killed before sending")


PROJECTS = 2
ENGAGEMENTS = 3
MILESTONES = 4
amounts = st.integers(min_value=1, max_value=400_00)
pick = st.integers(min_value=0, max_value=50)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint rolled back at teardown, inside the test's transaction.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.owner = User.objects.create_user("owner@acme.example", None, full_name="Owner")
        self.staff = User.objects.create_user("staff@rung.example", None, full_name="Staff", is_staff=True)
        self.org = Organisation.objects.create(
            name="Acme", slug="acme", kind=OrgKind.EMPLOYER, email_domain="acme.example"
        )
        Membership.objects.create(organisation=self.org, user=self.owner, role=Role.OWNER)
        self.projects = [uuid.uuid4() for _ in range(PROJECTS)]
        interns = [User.objects.create_user(f"i{n}@uni.example", None, full_name=f"I{n}") for n in range(2)]
        # (engagement, intern, project, its milestones)
        self.engagements = [
            (uuid.uuid4(), interns[n % 2], self.projects[n % PROJECTS], [uuid.uuid4() for _ in range(MILESTONES)])
            for n in range(ENGAGEMENTS)
        ]
        self.earned: dict[uuid.UUID, int] = defaultdict(int)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- Money in --------------------------------------------------------------------------

    @rule(project=pick, stipend=amounts, seats=st.integers(1, 3), sandbox=st.booleans())
    def fund(self, project: int, stipend: int, seats: int, sandbox: bool) -> None:
        request_deposit(
            organisation=self.org,
            project_uuid=self.projects[project % PROJECTS],
            stipend_minor=stipend,
            seats=seats,
            currency="EUR",
            actor=self.owner,
            provider=SandboxProvider() if sandbox else InvoiceProvider(),
        )

    @rule(index=pick, confirm=st.booleans(), twice=st.booleans())
    def settle_a_pending_deposit(self, index: int, confirm: bool, twice: bool) -> None:
        pending = list(Deposit.objects.filter(status=DepositStatus.PENDING).order_by("pk"))
        if not pending:
            return
        deposit = pending[index % len(pending)]
        if confirm:
            confirm_deposit(deposit, staff=self.staff)
            if twice:
                confirm_deposit(deposit, staff=self.staff)  # idempotent: moves nothing more
        else:
            cancel_deposit(deposit, actor=self.owner)
            if twice:
                with pytest.raises(BadTransition):
                    cancel_deposit(deposit, actor=self.owner)

    # --- Escrow out ------------------------------------------------------------------------

    @rule(engagement=pick, milestone=pick, amount=amounts)
    def release(self, engagement: int, milestone: int, amount: int) -> None:
        uuid_, intern, project, milestones = self.engagements[engagement % ENGAGEMENTS]
        chosen = milestones[milestone % MILESTONES]
        already = LedgerTransaction.objects.filter(idempotency_key=f"release:{chosen}").first()
        held = escrow_balance(project_uuid=project, currency="EUR")

        def release() -> LedgerTransaction:
            return release_milestone(
                project_uuid=project,
                engagement_uuid=uuid_,
                milestone_uuid=chosen,
                intern=intern,
                amount_minor=amount,
                currency="EUR",
                approved_at=timezone.now(),
            )

        if not Account.objects.filter(kind=AccountKind.ESCROW, project_uuid=project).exists():
            with pytest.raises(LedgerError, match="no money in escrow"):
                release()
            return
        try:
            txn = release()
        except IdempotencyConflict:
            assert already is not None
            return
        except InsufficientFunds:
            assert already is None
            assert amount > held
            return
        if already is None:
            self.earned[uuid_] += amount
        else:
            assert txn.pk == already.pk

    @rule(project=pick, amount=st.none() | amounts, reference=st.sampled_from(["cancelled", "seat-1", "seat-2"]))
    def refund(self, project: int, amount: int | None, reference: str) -> None:
        with contextlib.suppress(LedgerError):
            refund_escrow(
                project_uuid=self.projects[project % PROJECTS], currency="EUR", reference=reference, amount_minor=amount
            )

    @rule(engagement=pick, amount=amounts)
    def kill_fee(self, engagement: int, amount: int) -> None:
        uuid_, intern, project, _ = self.engagements[engagement % ENGAGEMENTS]
        already = LedgerTransaction.objects.filter(idempotency_key=f"kill_fee:{uuid_}").exists()
        try:
            pay_kill_fee(
                project_uuid=project, engagement_uuid=uuid_, intern=intern, amount_minor=amount, currency="EUR"
            )
        except LedgerError:
            return
        if not already:
            self.earned[uuid_] += amount

    # --- Payouts ---------------------------------------------------------------------------

    @rule(engagement=pick, provider=st.sampled_from(["sandbox", "batch_export"]))
    def create_payout(self, engagement: int, provider: str) -> None:
        uuid_, intern, _, _ = self.engagements[engagement % ENGAGEMENTS]
        owed = payable_balance(engagement_uuid=uuid_, currency="EUR")
        payout = create_payout(engagement_uuid=uuid_, intern=intern, currency="EUR", provider_name=provider)
        assert (payout.amount_minor if payout else 0) == owed

    def _one(self, index: int, *statuses: str, provider: str | None = None) -> Payout | None:
        payouts = Payout.objects.filter(status__in=statuses).order_by("pk")
        if provider:
            payouts = payouts.filter(provider=provider)
        found = list(payouts)
        return found[index % len(found)] if found else None

    @rule(index=pick, fate=st.sampled_from(["ok", "dies_after", "dies_before"]))
    def send(self, index: int, fate: str) -> None:
        payout = self._one(index, PayoutStatus.PENDING, provider="sandbox")
        if payout is None:
            return
        provider = {"ok": SandboxPayoutProvider, "dies_after": DiesAfterSending, "dies_before": DiesBeforeSending}
        try:
            send_payout(payout, provider=provider[fate]())
        except ConnectionError:
            assert fate != "ok"
            payout.refresh_from_db()
            assert payout.status == PayoutStatus.SENT

    @rule()
    def export_batch(self) -> None:
        export_payout_batch(staff=self.staff)

    @rule(index=pick)
    def staff_settle(self, index: int) -> None:
        if payout := self._one(index, PayoutStatus.SENT):
            settle_payout(payout, actor=self.staff)

    @rule(index=pick)
    def fail(self, index: int) -> None:
        if payout := self._one(index, PayoutStatus.PENDING, PayoutStatus.SENT):
            fail_payout(payout, reason="bounced", actor=self.staff)

    @rule()
    def run_payouts(self) -> None:
        run_payouts(provider_name="sandbox")

    # --- What must always hold -------------------------------------------------------------

    @invariant()
    def the_ledger_is_consistent(self) -> None:
        assert check_ledger() == []

    @invariant()
    def every_cent_earned_is_owed_on_its_way_or_paid_and_never_twice(self) -> None:
        for uuid_, _, _, _ in self.engagements:
            owed = payable_balance(engagement_uuid=uuid_, currency="EUR")
            payouts = Payout.objects.filter(engagement_uuid=uuid_)
            moving = sum(
                p.amount_minor
                for p in payouts
                if p.status in (PayoutStatus.WAITING, PayoutStatus.PENDING, PayoutStatus.SENT)
            )
            paid = sum(p.amount_minor for p in payouts if p.status == PayoutStatus.SETTLED)
            assert owed >= 0
            assert owed + moving + paid == self.earned[uuid_]


def test_any_sequence_of_money_movements_keeps_the_ledger_consistent():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
