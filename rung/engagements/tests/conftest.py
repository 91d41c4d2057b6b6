from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from rung.accounts.models import User
from rung.applications import services as applications
from rung.applications.tests.conftest import candidate, reviewer_membership  # noqa: F401
from rung.engagements import services
from rung.engagements.models import Engagement, EngagementMilestone, SignatureRole
from rung.ledger.selectors import check_ledger
from rung.projects.tests.conftest import draft, make_input, owner_membership, published, sandbox_payments  # noqa: F401

ANSWER = ["A line chart."]


def accept(project, person: User, reviewer_membership) -> Engagement:  # noqa: F811
    application = applications.apply(project, candidate=person, answers=ANSWER)
    applications.shortlist(application, membership=reviewer_membership)
    applications.make_offer(application, membership=reviewer_membership)
    services.accept_offer(application, candidate=person)
    return Engagement.objects.get(application=application)


@pytest.fixture
def engagement(published, candidate, reviewer_membership) -> Engagement:  # noqa: F811
    """An accepted offer: the engagement waits for both signatures."""
    return accept(published, candidate, reviewer_membership)


def sign_both(engagement: Engagement, *, employer: User, candidate: User, contract=None):  # noqa: F811
    contract = contract or engagement.contracts.get(version=1)
    services.sign_contract(
        contract, signer=employer, role=SignatureRole.EMPLOYER, typed_name=employer.full_name, consent=True
    )
    return services.sign_contract(
        contract, signer=candidate, role=SignatureRole.CANDIDATE, typed_name=candidate.full_name, consent=True
    )


@pytest.fixture
def active(engagement, alice, candidate) -> Engagement:  # noqa: F811
    sign_both(engagement, employer=alice, candidate=candidate)
    engagement.refresh_from_db()
    return engagement


@pytest.fixture
def started(active) -> Engagement:
    """An active engagement whose start date has passed."""
    Engagement.objects.filter(pk=active.pk).update(start_date=timezone.now().date() - timedelta(days=1))
    active.refresh_from_db()
    return active


def milestones(engagement: Engagement) -> list[EngagementMilestone]:
    return list(engagement.milestones.order_by("position"))


def submit_and_approve(milestone: EngagementMilestone, *, candidate: User, reviewer: User) -> EngagementMilestone:  # noqa: F811
    services.mark_submitted(milestone, actor=candidate)
    return services.approve_milestone(milestone, actor=reviewer)


@pytest.fixture
def ledger_ok() -> Callable[[], None]:
    def check() -> None:
        assert check_ledger() == []

    return check
