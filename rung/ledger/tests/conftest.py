"""Fixtures for the ledger tests: an intern, projects funded through the sandbox, and the PG-only skip."""

import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from rung.accounts.models import User
from rung.ledger.models import Deposit, Payout
from rung.ledger.payouts import create_payout
from rung.ledger.providers import InvoiceProvider, SandboxProvider
from rung.ledger.services import release_milestone, request_deposit
from rung.orgs.models import Organisation


@pytest.fixture(autouse=True)
def _skip_unless_postgres(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


GERMAN_ACCOUNT = {
    "account_holder": "Charlie Outsider",
    "legal_name": "Charlie Outsider",
    "address": "Hauptstraße 1, 10115 Berlin",
    "tax_id": "",
    "iban": "DE89370400440532013000",  # the ISO 13616 example IBAN
    "bic": "COBADEFFXXX",
}


def give_payout_details(user: User, **changes: str) -> None:
    """Confirmed payout details, as if the person had opened the e-mailed link (test set-up only)."""
    from rung.payees import crypto
    from rung.payees.models import PayoutDetails

    PayoutDetails.objects.update_or_create(
        user=user,
        defaults={
            "country": "DE",
            "form": "iban",
            "tax_residence": "DE",
            "masked": "DE89 •••• •••• 3000",
            "secret": crypto.encrypt({**GERMAN_ACCOUNT, **changes}),
        },
    )


@pytest.fixture
def intern(charlie: User) -> User:
    # charlie belongs to no organisation: exactly who takes a micro-internship. He has given his
    # payout details; tests of payouts waiting for details use someone who has not.
    give_payout_details(charlie)
    return charlie


@pytest.fixture
def project() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def engagement() -> uuid.UUID:
    return uuid.uuid4()


FundProject = Callable[..., Deposit]


@pytest.fixture
def fund(org: Organisation, alice: User) -> FundProject:
    """Fund a project's escrow at once through the sandbox: EUR 100.00 × 2 seats by default."""

    def make(project_uuid: uuid.UUID, *, stipend_minor: int = 100_00, seats: int = 2, currency: str = "EUR") -> Deposit:
        return request_deposit(
            organisation=org,
            project_uuid=project_uuid,
            stipend_minor=stipend_minor,
            seats=seats,
            currency=currency,
            actor=alice,
            provider=SandboxProvider(),
        )

    return make


@pytest.fixture
def invoice(org: Organisation, alice: User) -> FundProject:
    """Ask for a bank-transfer deposit (pending until staff confirm): EUR 100.00 × 2 seats by default."""

    def make(project_uuid: uuid.UUID, *, stipend_minor: int = 100_00, seats: int = 2, currency: str = "EUR") -> Deposit:
        return request_deposit(
            organisation=org,
            project_uuid=project_uuid,
            stipend_minor=stipend_minor,
            seats=seats,
            currency=currency,
            actor=alice,
            provider=InvoiceProvider(),
        )

    return make


@pytest.fixture
def release(intern: User) -> Callable[..., object]:
    """Release `amount_minor` of a funded project's escrow to the intern, approved `days_ago`."""

    def make(project_uuid: uuid.UUID, engagement_uuid: uuid.UUID, amount_minor: int = 60_00, *, days_ago: int = 0):
        return release_milestone(
            project_uuid=project_uuid,
            engagement_uuid=engagement_uuid,
            milestone_uuid=uuid.uuid4(),
            intern=intern,
            amount_minor=amount_minor,
            currency="EUR",
            approved_at=timezone.now() - timedelta(days=days_ago),
        )

    return make


def start_payout(engagement_uuid: uuid.UUID, intern: User, *, provider: str = "batch_export") -> Payout:
    """A payout of everything owed for the engagement (which must owe something)."""
    payout = create_payout(engagement_uuid=engagement_uuid, intern=intern, currency="EUR", provider_name=provider)
    assert payout is not None, "nothing was owed"
    return payout
