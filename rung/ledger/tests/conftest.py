"""Fixtures for the ledger tests: an intern, projects funded through the sandbox, and the PG-only skip."""

import uuid
from collections.abc import Callable

import pytest
from django.db import connection

from rung.accounts.models import User
from rung.ledger.models import Deposit
from rung.ledger.providers import SandboxProvider
from rung.ledger.services import request_deposit
from rung.orgs.models import Organisation


@pytest.fixture(autouse=True)
def _skip_unless_postgres(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def intern(charlie: User) -> User:
    # charlie belongs to no organisation: exactly who takes a micro-internship.
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
