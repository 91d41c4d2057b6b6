import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from rung.accounts.models import User
from rung.ledger.models import LedgerTransaction, TransactionKind
from rung.ledger.selectors import balance_of, check_ledger, escrow_balance, payable_balance
from rung.ledger.services import (
    IdempotencyConflict,
    InsufficientFunds,
    LedgerError,
    pay_kill_fee,
    quote_kill_fee,
    refund_escrow,
    release_milestone,
)
from rung.lib.money import MoneyError

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(fund, project):
    fund(project)  # EUR 200.00 in escrow
    return project


def release(project, engagement, intern, *, milestone=None, amount=60_00, currency="EUR", approved_at="now"):
    return release_milestone(
        project_uuid=project,
        engagement_uuid=engagement,
        milestone_uuid=milestone or uuid.uuid4(),
        intern=intern,
        amount_minor=amount,
        currency=currency,
        approved_at=timezone.now() if approved_at == "now" else approved_at,
    )


def test_releasing_a_milestone_moves_its_stipend_from_escrow_to_the_intern(funded, engagement, intern):
    milestone = uuid.uuid4()
    txn = release(funded, engagement, intern, milestone=milestone)
    assert txn.idempotency_key == f"release:{milestone}"
    assert txn.kind == TransactionKind.RELEASE
    assert txn.milestone_uuid == milestone
    assert escrow_balance(project_uuid=funded, currency="EUR") == 140_00
    assert payable_balance(engagement_uuid=engagement, currency="EUR") == 60_00
    assert check_ledger() == []


def test_releasing_the_same_milestone_twice_releases_it_once(funded, engagement, intern):
    milestone = uuid.uuid4()
    first = release(funded, engagement, intern, milestone=milestone)
    again = release(funded, engagement, intern, milestone=str(milestone))
    assert again.pk == first.pk
    assert LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE).count() == 1
    assert payable_balance(engagement_uuid=engagement, currency="EUR") == 60_00


def test_releasing_a_milestone_again_with_another_amount_is_refused(funded, engagement, intern):
    milestone = uuid.uuid4()
    release(funded, engagement, intern, milestone=milestone)
    with pytest.raises(IdempotencyConflict):
        release(funded, engagement, intern, milestone=milestone, amount=70_00)
    assert payable_balance(engagement_uuid=engagement, currency="EUR") == 60_00


def test_it_refuses_to_release_more_than_escrow_holds(funded, engagement, intern):
    release(funded, engagement, intern, amount=150_00)
    with pytest.raises(InsufficientFunds, match=r"holds EUR 50\.00; EUR 50\.01 cannot be taken"):
        release(funded, engagement, intern, amount=50_01)
    release(funded, engagement, intern, amount=50_00)
    assert escrow_balance(project_uuid=funded, currency="EUR") == 0
    assert check_ledger() == []


def test_it_refuses_an_unapproved_milestone(funded, engagement, intern):
    with pytest.raises(LedgerError, match="not been approved"):
        release(funded, engagement, intern, approved_at=None)
    with pytest.raises(LedgerError, match="in the future"):
        release(funded, engagement, intern, approved_at=timezone.now() + timedelta(days=1))
    assert not LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE).exists()


def test_it_refuses_an_unknown_project_or_milestone(funded, engagement, intern):
    with pytest.raises(LedgerError, match="no money in escrow"):
        release(uuid.uuid4(), engagement, intern)
    with pytest.raises(LedgerError, match="not a valid milestone"):
        release(funded, engagement, intern, milestone="milestone-7")


@pytest.mark.parametrize("amount", [0, -60_00, True, 12.5])
def test_it_refuses_zero_negative_and_non_integer_amounts(funded, engagement, intern, amount):
    with pytest.raises(MoneyError):
        release(funded, engagement, intern, amount=amount)
    assert escrow_balance(project_uuid=funded, currency="EUR") == 200_00


def test_it_refuses_a_release_in_another_currency_than_the_escrow(funded, engagement, intern):
    with pytest.raises(LedgerError, match="escrow is in EUR, not USD"):
        release(funded, engagement, intern, currency="USD")


def test_one_engagement_is_owed_to_one_intern(funded, engagement, intern):
    release(funded, engagement, intern)
    someone = User.objects.create_user("dana@uni.example", "pw-123456789", full_name="Dana")
    with pytest.raises(LedgerError, match="owed to someone else"):
        release(funded, engagement, someone)


def test_cancelling_refunds_everything_left_in_escrow_once(org, funded, engagement, intern):
    release(funded, engagement, intern, amount=60_00)
    first = refund_escrow(project_uuid=funded, currency="EUR", reference="cancelled")
    again = refund_escrow(project_uuid=funded, currency="EUR", reference="cancelled")
    assert again.pk == first.pk
    assert escrow_balance(project_uuid=funded, currency="EUR") == 0
    assert balance_of(f"employer_funding:{org.uuid}:EUR") == 140_00
    with pytest.raises(LedgerError, match="nothing left"):
        refund_escrow(project_uuid=funded, currency="EUR", reference="cancelled-again")
    assert check_ledger() == []


def test_an_unused_seat_is_refunded_by_amount_once(org, funded):
    refund_escrow(project_uuid=funded, currency="EUR", reference="unused-seat:2", amount_minor=100_00)
    refund_escrow(project_uuid=funded, currency="EUR", reference="unused-seat:2", amount_minor=100_00)
    assert escrow_balance(project_uuid=funded, currency="EUR") == 100_00
    with pytest.raises(IdempotencyConflict):
        refund_escrow(project_uuid=funded, currency="EUR", reference="unused-seat:2", amount_minor=50_00)
    with pytest.raises(InsufficientFunds):
        refund_escrow(project_uuid=funded, currency="EUR", reference="too-much", amount_minor=100_01)
    with pytest.raises(LedgerError, match="Say what the refund is for"):
        refund_escrow(project_uuid=funded, currency="EUR", reference=" ")
    assert balance_of(f"employer_funding:{org.uuid}:EUR") == 100_00


def test_the_kill_fee_is_paid_once_per_engagement(funded, engagement, intern):
    release(funded, engagement, intern, amount=50_00)
    fee = quote_kill_fee(unreleased_minor=150_00)
    assert fee == 37_50
    first = pay_kill_fee(
        project_uuid=funded, engagement_uuid=engagement, intern=intern, amount_minor=fee, currency="EUR"
    )
    again = pay_kill_fee(
        project_uuid=funded, engagement_uuid=engagement, intern=intern, amount_minor=fee, currency="EUR"
    )
    assert again.pk == first.pk
    assert first.idempotency_key == f"kill_fee:{engagement}"
    assert payable_balance(engagement_uuid=engagement, currency="EUR") == 87_50
    refund_escrow(project_uuid=funded, currency="EUR", reference="cancelled")
    assert escrow_balance(project_uuid=funded, currency="EUR") == 0
    assert check_ledger() == []


def test_the_kill_fee_cannot_exceed_escrow(funded, engagement, intern):
    with pytest.raises(InsufficientFunds):
        pay_kill_fee(
            project_uuid=funded, engagement_uuid=engagement, intern=intern, amount_minor=200_01, currency="EUR"
        )
    with pytest.raises(MoneyError):
        quote_kill_fee(unreleased_minor=-1)
