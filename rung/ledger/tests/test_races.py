"""Races with real threads, each on its own PostgreSQL connection, released together by a barrier."""

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from rung.ledger.models import Deposit, LedgerTransaction, Payout, PayoutStatus, TransactionKind
from rung.ledger.payouts import create_payout, run_payouts, send_payout
from rung.ledger.providers import InvoiceProvider, PayoutResult, SandboxPayoutProvider
from rung.ledger.selectors import balance_of, check_ledger, escrow_balance, payable_balance
from rung.ledger.services import InsufficientFunds, confirm_deposit, release_milestone, request_deposit

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

THREADS = 30


def race(n: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run `work(i)` in n threads that start at the same instant; return results and errors."""
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            result = work(i)
            with lock:
                results.append(result)
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung: a deadlock?"
    return results, errors


def release(project, engagement, intern, milestone, amount=10_00):
    return release_milestone(
        project_uuid=project,
        engagement_uuid=engagement,
        milestone_uuid=milestone,
        intern=intern,
        amount_minor=amount,
        currency="EUR",
        approved_at=timezone.now(),
    )


def test_many_concurrent_releases_of_one_milestone_release_it_once(fund, project, engagement, intern):
    fund(project)
    milestone = uuid.uuid4()
    results, errors = race(THREADS, lambda _: release(project, engagement, intern, milestone).pk)
    assert errors == []
    assert len(set(results)) == 1
    assert LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE).count() == 1
    assert escrow_balance(project_uuid=project, currency="EUR") == 190_00
    assert payable_balance(engagement_uuid=engagement, currency="EUR") == 10_00
    assert check_ledger() == []


def test_concurrent_releases_of_different_milestones_never_overdraw_escrow(fund, project, engagement, intern):
    fund(project, stipend_minor=50_00, seats=2)  # room for exactly ten releases of EUR 10.00
    results, errors = race(THREADS, lambda _: release(project, engagement, intern, uuid.uuid4()).pk)
    assert len(results) == 10
    assert len(errors) == THREADS - 10
    assert all(isinstance(error, InsufficientFunds) for error in errors)
    assert escrow_balance(project_uuid=project, currency="EUR") == 0
    assert check_ledger() == []


def test_many_concurrent_payout_runs_pay_each_engagement_once(fund, project, intern):
    fund(project, stipend_minor=100_00, seats=10)
    engagements = [uuid.uuid4() for _ in range(12)]
    for n, engagement in enumerate(engagements, start=1):
        release(project, engagement, intern, uuid.uuid4(), amount=n * 1_00)

    sent: list[uuid.UUID] = []
    sent_lock = threading.Lock()

    class Recording(SandboxPayoutProvider):
        def send(self, payout: Payout) -> PayoutResult:
            with sent_lock:
                sent.append(payout.uuid)
            return super().send(payout)

    results, errors = race(THREADS, lambda _: run_payouts(providers={"sandbox": Recording()}, provider_name="sandbox"))
    assert errors == []
    assert all(run.errors == [] for run in results)
    assert sum(run.created for run in results) == 12
    assert sum(run.sent for run in results) == 12
    assert len(sent) == len(set(sent)) == 12
    payouts = Payout.objects.all()
    assert sorted(p.amount_minor for p in payouts) == [n * 1_00 for n in range(1, 13)]
    assert {p.status for p in payouts} == {PayoutStatus.SETTLED}
    assert {p.engagement_uuid for p in payouts} == set(engagements)
    assert balance_of("payouts_in_transit:EUR") == 0
    assert check_ledger() == []


def test_many_workers_sending_one_payout_send_it_once(fund, project, engagement, intern):
    fund(project)
    release(project, engagement, intern, uuid.uuid4())
    payout = create_payout(engagement_uuid=engagement, intern=intern, currency="EUR", provider_name="sandbox")
    assert payout is not None
    calls: list[int] = []

    class Counting(SandboxPayoutProvider):
        def send(self, p: Payout) -> PayoutResult:
            calls.append(1)
            return super().send(p)

    _, errors = race(THREADS, lambda _: send_payout(Payout.objects.get(pk=payout.pk), provider=Counting()).status)
    assert errors == []
    assert len(calls) == 1
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.SETTLED
    assert payout.events.filter(to_status=PayoutStatus.SETTLED).count() == 1
    assert check_ledger() == []


def test_many_staff_confirming_one_deposit_move_the_money_once(org, alice, sam, project):
    deposit = request_deposit(
        organisation=org,
        project_uuid=project,
        stipend_minor=100_00,
        seats=2,
        currency="EUR",
        actor=alice,
        provider=InvoiceProvider(),
    )
    _, errors = race(THREADS, lambda _: confirm_deposit(Deposit.objects.get(pk=deposit.pk), staff=sam).status)
    assert errors == []
    assert LedgerTransaction.objects.filter(deposit=deposit).count() == 2
    assert escrow_balance(project_uuid=project, currency="EUR") == 200_00
    assert check_ledger() == []
