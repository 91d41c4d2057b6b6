"""Approvals and cancellations at the same instant (PostgreSQL, real threads): money moves once, never twice."""

from collections.abc import Callable

import pytest

from rung.engagements import services
from rung.engagements.models import Engagement, EngagementStatus, MilestoneStatus
from rung.engagements.tests.conftest import milestones
from rung.ledger.models import LedgerTransaction, TransactionKind
from rung.ledger.selectors import check_ledger
from rung.projects import services as projects
from rung.projects.tests.conftest import make_input
from tests.support import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(org, owner_membership):
    # Each test here ends by emptying every table, seeded skills included; a project without skills
    # does not depend on what an earlier test left behind (and needs no serialized rollback, which
    # clashes with the other apps' transactional tests).
    return projects.create_project(org, membership=owner_membership, data=make_input(skill_slugs=[]))


def _race(*calls: Callable[[], object]) -> list[str]:
    return sorted(race(*calls, outcome=lambda _: "ok"))


def test_two_reviewers_approving_at_once_release_the_stipend_once(active, alice, bob, candidate):
    milestone = services.mark_submitted(milestones(active)[0], actor=candidate)
    outcomes = _race(
        lambda: services.approve_milestone(milestone, actor=alice),
        lambda: services.approve_milestone(milestone, actor=bob),
    )
    assert outcomes == ["approved", "ok"]
    assert LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE).count() == 1
    assert check_ledger() == []


def test_approving_while_the_employer_cancels_settles_one_way_or_the_other(started, alice, bob, candidate):
    milestone = services.mark_submitted(milestones(started)[0], actor=candidate)
    outcomes = _race(
        lambda: services.approve_milestone(milestone, actor=bob),
        lambda: services.cancel_engagement(started, actor=alice, reason="Budget cut."),
    )
    assert "ok" in outcomes
    assert Engagement.objects.get(pk=started.pk).status == EngagementStatus.CANCELLED
    milestone.refresh_from_db()
    released = LedgerTransaction.objects.filter(kind=TransactionKind.RELEASE).count()
    assert released == (1 if milestone.status == MilestoneStatus.APPROVED else 0)
    assert check_ledger() == []
