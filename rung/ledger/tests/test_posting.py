import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from rung.audit.models import AppendOnlyError, AuditEvent
from rung.ledger.models import Account, AccountKind, Entry, LedgerTransaction, PayoutEvent, TransactionKind
from rung.ledger.payouts import create_payout
from rung.ledger.selectors import balance, check_ledger
from rung.ledger.services import (
    IdempotencyConflict,
    InsufficientFunds,
    LedgerError,
    Posting,
    UnbalancedTransaction,
    _escrow,
    _fees,
    _funding,
    _world,
    post_transaction,
    release_milestone,
)
from rung.lib.money import MoneyError

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return _world("EUR")


@pytest.fixture
def funding(org):
    return _funding(org, "EUR")


def deposit_postings(world, funding, amount=500):
    return [Posting(world, -amount, "EUR"), Posting(funding, amount, "EUR")]


def test_a_balanced_transaction_is_recorded_with_its_entries_and_an_audit_event(world, funding, alice):
    txn = post_transaction(
        idempotency_key="test:1", kind=TransactionKind.DEPOSIT, postings=deposit_postings(world, funding), actor=alice
    )
    assert sorted(txn.entries.values_list("amount_minor", flat=True)) == [-500, 500]
    assert balance(funding) == 500
    assert balance(world) == -500
    event = AuditEvent.objects.get(verb="ledger.deposit")
    assert event.object_id == str(txn.uuid)
    assert event.actor == alice
    assert check_ledger() == []


def test_the_same_key_with_the_same_entries_returns_the_first_transaction(world, funding):
    first = post_transaction(
        idempotency_key="k", kind=TransactionKind.DEPOSIT, postings=deposit_postings(world, funding)
    )
    again = post_transaction(
        idempotency_key="k", kind=TransactionKind.DEPOSIT, postings=deposit_postings(world, funding)
    )
    assert again.pk == first.pk
    assert LedgerTransaction.objects.count() == 1
    assert Entry.objects.count() == 2
    assert balance(funding) == 500


def test_the_same_key_with_different_entries_is_refused_and_changes_nothing(world, funding):
    post_transaction(idempotency_key="k", kind=TransactionKind.DEPOSIT, postings=deposit_postings(world, funding))
    with pytest.raises(IdempotencyConflict, match="already used for a different movement"):
        post_transaction(
            idempotency_key="k", kind=TransactionKind.DEPOSIT, postings=deposit_postings(world, funding, 600)
        )
    with pytest.raises(IdempotencyConflict):
        post_transaction(idempotency_key="k", kind=TransactionKind.REFUND, postings=deposit_postings(world, funding))
    assert balance(funding) == 500


def test_it_refuses_an_unbalanced_transaction(world, funding):
    with pytest.raises(UnbalancedTransaction, match="must match"):
        post_transaction(
            idempotency_key="k",
            kind=TransactionKind.DEPOSIT,
            postings=[Posting(world, -500, "EUR"), Posting(funding, 499, "EUR")],
        )
    with pytest.raises(UnbalancedTransaction, match="at least two"):
        post_transaction(idempotency_key="k", kind=TransactionKind.DEPOSIT, postings=[Posting(world, -1, "EUR")])
    assert not LedgerTransaction.objects.exists()


def test_it_refuses_an_entry_in_another_currency_than_its_account(world, funding):
    usd_world = _world("USD")
    with pytest.raises(LedgerError, match="holds EUR; it cannot take an entry in USD"):
        post_transaction(
            idempotency_key="k",
            kind=TransactionKind.DEPOSIT,
            postings=[Posting(usd_world, -500, "USD"), Posting(funding, 500, "USD")],
        )


def test_a_transaction_in_two_currencies_must_balance_in_each(org, world, funding):
    usd_world, usd_funding = _world("USD"), _funding(org, "USD")
    with pytest.raises(UnbalancedTransaction):
        post_transaction(
            idempotency_key="k",
            kind=TransactionKind.DEPOSIT,
            postings=[Posting(usd_world, -500, "USD"), Posting(funding, 500, "EUR")],
        )
    txn = post_transaction(
        idempotency_key="k",
        kind=TransactionKind.DEPOSIT,
        postings=[*deposit_postings(world, funding), Posting(usd_world, -7, "USD"), Posting(usd_funding, 7, "USD")],
    )
    assert txn.entries.count() == 4
    assert check_ledger() == []


@pytest.mark.parametrize("amount", [0, True, 1.5, "5"])
def test_it_refuses_zero_and_non_integer_entries(world, funding, amount):
    with pytest.raises(MoneyError):
        post_transaction(
            idempotency_key="k",
            kind=TransactionKind.DEPOSIT,
            postings=[Posting(world, amount, "EUR"), Posting(funding, amount, "EUR")],
        )


def test_it_refuses_the_same_account_twice_an_unknown_kind_and_an_empty_key(world, funding):
    with pytest.raises(LedgerError, match="appears twice"):
        post_transaction(
            idempotency_key="k",
            kind=TransactionKind.DEPOSIT,
            postings=[Posting(world, -5, "EUR"), Posting(world, 5, "EUR")],
        )
    with pytest.raises(LedgerError, match="not a kind"):
        post_transaction(idempotency_key="k", kind="gift", postings=deposit_postings(world, funding))
    with pytest.raises(LedgerError, match="idempotency key"):
        post_transaction(idempotency_key="  ", kind=TransactionKind.DEPOSIT, postings=deposit_postings(world, funding))


def test_an_account_that_holds_real_money_cannot_go_below_zero(world, funding):
    post_transaction(idempotency_key="in", kind=TransactionKind.DEPOSIT, postings=deposit_postings(world, funding))
    fees = _fees("EUR")
    with pytest.raises(InsufficientFunds, match=r"holds EUR 5\.00; EUR 5\.01 cannot be taken"):
        post_transaction(
            idempotency_key="out",
            kind=TransactionKind.ESCROW_FUNDING,
            postings=[Posting(funding, -501, "EUR"), Posting(fees, 501, "EUR")],
        )
    assert balance(funding) == 500
    assert not LedgerTransaction.objects.filter(idempotency_key="out").exists()


def test_entries_transactions_and_accounts_cannot_be_changed_or_deleted_through_the_orm(world, funding):
    txn = post_transaction(idempotency_key="k", kind=TransactionKind.DEPOSIT, postings=deposit_postings(world, funding))
    entry = txn.entries.get(amount_minor=500)
    entry.amount_minor = 1
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).update(amount_minor=1)
    with pytest.raises(AppendOnlyError):
        Entry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        LedgerTransaction.objects.update(memo="changed")
    with pytest.raises(AppendOnlyError):
        txn.delete()
    with pytest.raises(AppendOnlyError):
        Account.objects.filter(pk=funding.pk).update(kind=AccountKind.EXTERNAL_WORLD)
    assert sorted(Entry.objects.values_list("amount_minor", flat=True)) == [-500, 500]


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_entry SET amount_minor = amount_minor + 1",
        "DELETE FROM ledger_entry",
        "UPDATE ledger_ledgertransaction SET memo = 'changed'",
        "DELETE FROM ledger_ledgertransaction",
        "UPDATE ledger_account SET may_go_negative = FALSE",
        "DELETE FROM ledger_account",
    ],
)
def test_the_database_refuses_raw_sql_that_changes_the_ledger(world, funding, sql):
    post_transaction(idempotency_key="k", kind=TransactionKind.DEPOSIT, postings=deposit_postings(world, funding))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert sorted(Entry.objects.values_list("amount_minor", flat=True)) == [-500, 500]


@pytest.mark.postgres_only
def test_the_database_refuses_raw_sql_that_rewrites_payout_history(fund, intern):
    project, engagement = uuid.uuid4(), uuid.uuid4()
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
    create_payout(engagement_uuid=engagement, intern=intern, currency="EUR")
    for sql in ("UPDATE ledger_payoutevent SET to_status = 'settled'", "DELETE FROM ledger_payoutevent"):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert PayoutEvent.objects.get().to_status == "pending"


def test_check_ledger_reports_rows_written_behind_the_services_back(world, funding):
    post_transaction(idempotency_key="good", kind=TransactionKind.DEPOSIT, postings=deposit_postings(world, funding))
    bad = LedgerTransaction.objects.create(idempotency_key="bad", kind=TransactionKind.DEPOSIT, fingerprint="x")
    Entry.objects.create(transaction=bad, account=funding, amount_minor=-900, currency="USD")
    problems = check_ledger()
    assert any("bad does not balance in USD" in p for p in problems)
    assert any("bad has 1 entries" in p for p in problems)
    assert any("put USD into employer_funding" in p for p in problems)
    assert any("bad's entries differ" in p for p in problems)
    assert any(p.startswith("employer_funding") and "below zero" in p for p in problems)
    assert not any("good" in p for p in problems)


def test_accounts_are_named_by_a_readable_unique_key(org):
    project = uuid.uuid4()
    escrow = _escrow(project, "EUR", org)
    assert escrow.key == f"escrow:{project}:EUR"
    assert _funding(org, "EUR").key == f"employer_funding:{org.uuid}:EUR"
    assert _world("EUR").may_go_negative
    assert not escrow.may_go_negative
