import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from rung.ledger.models import Entry, LedgerTransaction, TransactionKind
from rung.ledger.payouts import create_payout, run_payouts
from rung.ledger.selectors import platform_balances, statement_for_employer, statement_for_intern
from rung.ledger.services import pay_kill_fee, refund_escrow, release_milestone
from rung.lib.errors import PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(fund, project, engagement, intern):
    """Fund 2 × EUR 100.00, release 60, pay it out, release 30 more, kill fee 5, refund the rest."""
    fund(project)
    for amount in (60_00, 30_00):
        release_milestone(
            project_uuid=project,
            engagement_uuid=engagement,
            milestone_uuid=uuid.uuid4(),
            intern=intern,
            amount_minor=amount,
            currency="EUR",
            approved_at=timezone.now(),
        )
        if amount == 60_00:
            run_payouts(provider_name="sandbox")
    pay_kill_fee(project_uuid=project, engagement_uuid=engagement, intern=intern, amount_minor=5_00, currency="EUR")
    create_payout(engagement_uuid=engagement, intern=intern, currency="EUR")  # batch export: in transit
    refund_escrow(project_uuid=project, currency="EUR", reference="cancelled")
    return project


def test_the_intern_sees_earned_pending_and_paid(history, intern):
    statement = statement_for_intern(intern)
    totals = statement.totals["EUR"]
    assert (totals.earned, totals.owed, totals.in_transit, totals.paid) == (95_00, 0, 35_00, 60_00)
    assert statement.pending == {"EUR": 35_00}
    assert len(statement.payouts) == 2


def test_the_employer_sees_deposits_escrow_releases_fees_and_refunds(history, org, alice, bob):
    statement = statement_for_employer(alice, org)
    totals = statement.totals["EUR"]
    assert (totals.deposited, totals.fees, totals.released, totals.refunded) == (220_00, 20_00, 95_00, 105_00)
    assert (totals.in_escrow, totals.funding_balance) == (0, 105_00)
    assert statement.escrow_by_project == {history: {"EUR": 0}}
    assert len(statement.deposits) == 1
    kinds = {txn.kind for txn in statement.movements}
    assert kinds == {"deposit", "escrow_funding", "release", "kill_fee", "refund"}
    assert statement_for_employer(bob, org).totals == statement.totals


def test_an_outsider_cannot_see_an_employers_money_but_staff_can(history, org, charlie, sam):
    with pytest.raises(PermissionDenied):
        statement_for_employer(charlie, org)
    assert statement_for_employer(sam, org).totals["EUR"].deposited == 220_00


def test_platform_balances_sum_to_zero_per_currency(history):
    balances = platform_balances()["EUR"]
    assert balances == {
        "external_world": -220_00 + 60_00,
        "employer_funding": 105_00,
        "platform_fees": 20_00,
        "payouts_in_transit": 35_00,
        "escrow": 0,
        "intern_payable": 0,
    }
    assert sum(balances.values()) == 0


def test_rung_ledger_check_passes_on_a_consistent_ledger(history, capsys):
    call_command("ledger", "check")
    assert "consistent" in capsys.readouterr().out


def test_rung_ledger_check_fails_listing_each_violation(history, capsys, org):
    bad = LedgerTransaction.objects.create(idempotency_key="forged", kind=TransactionKind.DEPOSIT, fingerprint="-")
    account = org.ledger_accounts.get(kind="employer_funding")
    Entry.objects.create(transaction=bad, account=account, amount_minor=-500_00, currency="EUR")
    with pytest.raises(CommandError, match=r"The ledger has \d+ problems"):
        call_command("ledger", "check")
    err = capsys.readouterr().err
    assert "Transaction forged does not balance in EUR" in err
    assert "is below zero: -EUR 395.00" in err


def test_rung_ledger_payouts_runs_the_payouts(fund, project, engagement, intern, capsys, settings):
    settings.PAYOUT_PROVIDER = "sandbox"
    fund(project)
    release_milestone(
        project_uuid=project,
        engagement_uuid=engagement,
        milestone_uuid=uuid.uuid4(),
        intern=intern,
        amount_minor=10_00,
        currency="EUR",
        approved_at=timezone.now(),
    )
    call_command("ledger", "payouts")
    assert "created: 1, sent: 1, settled: 1" in capsys.readouterr().out
