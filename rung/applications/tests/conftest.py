import pytest

from rung.accounts.models import User
from rung.orgs.models import Membership
from rung.projects.tests.conftest import draft, make_input, owner_membership, published, sandbox_payments  # noqa: F401


@pytest.fixture
def reviewer_membership(org, bob) -> Membership:
    return Membership.objects.get(organisation=org, user=bob)


@pytest.fixture
def candidate(db) -> User:
    from conftest import make_user

    return make_user("nia@student.example", "Nia Candidate")
