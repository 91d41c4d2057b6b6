import uuid
from decimal import Decimal

import pytest

from rung.ledger.models import Deposit, DepositStatus, LedgerTransaction, TransactionKind
from rung.ledger.providers import InvoiceProvider, SandboxProvider, get_payment_provider
from rung.ledger.selectors import (
    balance_of,
    check_ledger,
    escrow_balance,
    find_deposit_by_reference,
    is_project_funded,
    unmatched_deposits,
)
from rung.ledger.services import (
    BadTransition,
    LedgerError,
    cancel_deposit,
    confirm_deposit,
    quote_funding,
    request_deposit,
)
from rung.lib.errors import DomainError, PermissionDenied
from rung.lib.money import MoneyError
from rung.orgs.models import Organisation, OrgKind

pytestmark = pytest.mark.django_db


def invoice(org, actor, project, *, stipend_minor=250_00, seats=2, currency="EUR"):
    return request_deposit(
        organisation=org,
        project_uuid=project,
        actor=actor,
        provider=InvoiceProvider(),
        stipend_minor=stipend_minor,
        seats=seats,
        currency=currency,
    )


def test_the_quote_is_every_seats_stipend_plus_the_platform_fee():
    quote = quote_funding(stipend_minor=250_00, seats=3, currency="eur")
    assert (quote.escrow_minor, quote.fee_minor, quote.total_minor) == (750_00, 75_00, 825_00)
    assert quote.fee_percent == Decimal("10.00")
    assert str(quote) == "3 × EUR 250.00 + 10.00% fee = EUR 825.00"


def test_the_platform_fee_follows_the_setting_and_rounds_half_even(settings):
    settings.PLATFORM_FEE_PERCENT = "12.5"
    assert quote_funding(stipend_minor=1, seats=1, currency="EUR").fee_minor == 0  # 0.125 → 0
    assert quote_funding(stipend_minor=5, seats=3, currency="EUR").fee_minor == 2  # 1.875 → 2
    assert quote_funding(stipend_minor=1000, seats=1, currency="JPY").total_minor == 1125


@pytest.mark.parametrize(("stipend", "seats"), [(0, 1), (-100, 1), (100, 0), (100, -2), (True, 1), (10**15, 2)])
def test_the_quote_refuses_nonsense(stipend, seats):
    with pytest.raises((MoneyError, LedgerError)):
        quote_funding(stipend_minor=stipend, seats=seats, currency="EUR")


def test_an_invoice_deposit_waits_with_a_reference_for_staff_to_match(org, alice, project):
    deposit = invoice(org, alice, project)
    assert deposit.status == DepositStatus.PENDING
    assert deposit.reference.startswith("RUNG-")
    assert deposit.amount_minor == 550_00
    assert deposit.reference in InvoiceProvider().instructions(deposit)
    assert list(unmatched_deposits()) == [deposit]
    assert find_deposit_by_reference(" " + deposit.reference.lower().replace("-", "- ")) == deposit
    assert not LedgerTransaction.objects.exists()
    assert not is_project_funded(project_uuid=project, required_minor=500_00, currency="EUR")


def test_staff_confirming_it_moves_the_money_into_escrow_and_fees(org, alice, sam, project):
    deposit = confirm_deposit(invoice(org, alice, project), staff=sam, provider_reference="bank-123")
    assert deposit.status == DepositStatus.CONFIRMED
    assert deposit.confirmed_by == sam
    assert deposit.provider_reference == "bank-123"
    assert escrow_balance(project_uuid=project, currency="EUR") == 500_00
    assert balance_of("platform_fees:EUR") == 50_00
    assert balance_of("external_world:EUR") == -550_00
    assert balance_of(f"employer_funding:{org.uuid}:EUR") == 0
    assert is_project_funded(project_uuid=project, required_minor=500_00, currency="EUR")
    assert not is_project_funded(project_uuid=project, required_minor=500_01, currency="EUR")
    assert list(unmatched_deposits()) == []
    assert check_ledger() == []


def test_confirming_twice_moves_the_money_once(org, alice, sam, project):
    deposit = invoice(org, alice, project)
    confirm_deposit(deposit, staff=sam)
    confirm_deposit(deposit, staff=sam)
    assert LedgerTransaction.objects.filter(deposit=deposit).count() == 2  # deposit + escrow funding
    assert escrow_balance(project_uuid=project, currency="EUR") == 500_00


def test_only_staff_confirm_and_a_wrong_amount_is_refused(org, alice, sam, project):
    deposit = invoice(org, alice, project)
    with pytest.raises(PermissionDenied):
        confirm_deposit(deposit, staff=alice)
    with pytest.raises(LedgerError, match=r"transfer was EUR 549\.99"):
        confirm_deposit(deposit, staff=sam, amount_minor=549_99)
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.PENDING
    confirm_deposit(deposit, staff=sam, amount_minor=550_00)


def test_a_sandbox_deposit_is_confirmed_at_once(fund, project):
    deposit = fund(project)
    assert deposit.status == DepositStatus.CONFIRMED
    assert deposit.provider == SandboxProvider.name
    assert deposit.provider_reference == f"sandbox-{deposit.uuid}"
    assert deposit.confirmed_by is None
    assert escrow_balance(project_uuid=project, currency="EUR") == 200_00
    assert check_ledger() == []


def test_two_deposits_add_up_in_the_same_escrow(fund, project):
    fund(project)
    fund(project, stipend_minor=50_00, seats=1)
    assert escrow_balance(project_uuid=project, currency="EUR") == 250_00


def test_cancelling_a_pending_deposit_works_once(org, alice, project):
    deposit = invoice(org, alice, project)
    cancel_deposit(deposit, actor=alice, reason="changed our mind")
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.CANCELLED
    with pytest.raises(BadTransition, match="already been cancelled"):
        cancel_deposit(deposit, actor=alice)
    assert not LedgerTransaction.objects.exists()


def test_a_cancelled_deposit_cannot_be_confirmed_and_a_confirmed_one_cannot_be_cancelled(
    org, alice, sam, project, fund
):
    cancelled = cancel_deposit(invoice(org, alice, project), actor=sam)
    with pytest.raises(BadTransition, match="cancelled"):
        confirm_deposit(cancelled, staff=sam)
    with pytest.raises(BadTransition, match="refund the project's escrow"):
        cancel_deposit(fund(project), actor=alice)
    assert check_ledger() == []


def test_outsiders_and_reviewers_cannot_fund_or_cancel(org, bob, charlie, alice, project):
    for person in (bob, charlie):
        with pytest.raises(PermissionDenied):
            invoice(org, person, project)
    deposit = invoice(org, alice, project)
    with pytest.raises(PermissionDenied):
        cancel_deposit(deposit, actor=charlie)
    assert Deposit.objects.count() == 1


def test_a_project_stays_in_one_currency_and_one_organisation(org, alice, fund, project):
    fund(project)
    with pytest.raises(LedgerError, match="escrow is in EUR"):
        invoice(org, alice, project, currency="USD")
    other = Organisation.objects.create(name="Other", slug="other", kind=OrgKind.EMPLOYER, email_domain="o.example")
    other.memberships.create(user=alice, role="owner")
    with pytest.raises(LedgerError, match="another organisation"):
        invoice(other, alice, project)


def test_education_partners_do_not_fund_projects(alice, project):
    school = Organisation.objects.create(name="Uni", slug="uni", kind=OrgKind.EDUCATION, email_domain="u.example")
    school.memberships.create(user=alice, role="owner")
    with pytest.raises(LedgerError, match="Only employers"):
        invoice(school, alice, project)


def test_it_refuses_an_unknown_currency_a_bad_project_id_and_an_unknown_provider(org, alice):
    with pytest.raises(MoneyError, match="does not handle"):
        invoice(org, alice, uuid.uuid4(), currency="XXX")
    with pytest.raises(LedgerError, match="not a valid project"):
        invoice(org, alice, "not-a-uuid")
    with pytest.raises(DomainError, match="no payment provider"):
        get_payment_provider("paypal-ish")


def test_deposit_and_escrow_funding_are_two_transactions_keyed_by_the_deposit(fund, project):
    deposit = fund(project)
    keys = set(LedgerTransaction.objects.values_list("idempotency_key", "kind"))
    assert keys == {
        (f"deposit:{deposit.uuid}", TransactionKind.DEPOSIT),
        (f"escrow_funding:{deposit.uuid}", TransactionKind.ESCROW_FUNDING),
    }
