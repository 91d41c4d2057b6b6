"""What happens to engagements and escrow when a project closes or is cancelled."""

import pytest

from rung.engagements import winddown as projects
from rung.engagements.models import EngagementStatus
from rung.ledger.models import AccountKind, account_key
from rung.ledger.selectors import balance_of, check_ledger, escrow_balance

pytestmark = pytest.mark.django_db


def _funding(org) -> int:
    return balance_of(account_key(AccountKind.EMPLOYER_FUNDING, "EUR", org.uuid))


def test_closing_refunds_the_unused_seats_and_keeps_the_filled_one_funded(active, owner_membership, org):
    project = active.project  # two seats of 900.00, one filled
    assert escrow_balance(project_uuid=project.uuid, currency="EUR") == 1800_00
    before = _funding(org)
    projects.close_project(project, membership=owner_membership)
    assert escrow_balance(project_uuid=project.uuid, currency="EUR") == 900_00
    assert _funding(org) == before + 900_00
    assert check_ledger() == []


def test_cancelling_after_the_start_pays_the_kill_fee_and_refunds_the_rest(started, owner_membership, org, candidate):
    from rung.ledger.selectors import payable_balance

    project = started.project
    projects.cancel_project(project, membership=owner_membership, reason="The client pulled the budget.")
    started.refresh_from_db()
    assert started.status == EngagementStatus.CANCELLED
    assert payable_balance(engagement_uuid=started.uuid, currency="EUR") == 225_00  # 25 % of 900.00, none approved
    assert escrow_balance(project_uuid=project.uuid, currency="EUR") == 0
    assert check_ledger() == []


def test_cancelling_before_the_start_refunds_everything(active, owner_membership, org):
    project = active.project
    before = _funding(org)
    projects.cancel_project(project, membership=owner_membership, reason="Plans changed before anyone started.")
    assert escrow_balance(project_uuid=project.uuid, currency="EUR") == 0
    assert _funding(org) == before + 1800_00
    assert check_ledger() == []


def test_cancelling_answers_everyone_still_waiting(
    published, owner_membership, reviewer_membership, django_capture_on_commit_callbacks
):
    from conftest import make_user
    from rung.applications import services as applications
    from rung.applications.models import ApplicationStatus
    from rung.notifications.models import Notification

    waiting = make_user("wait@student.example", "Wendy Waiting")
    offered = make_user("offer@student.example", "Otto Offered")
    first = applications.apply(published, candidate=waiting, answers=["Yes."])
    second = applications.apply(published, candidate=offered, answers=["Yes."])
    applications.shortlist(second, membership=reviewer_membership)
    applications.make_offer(second, membership=reviewer_membership)
    with django_capture_on_commit_callbacks(execute=True):
        projects.cancel_project(published, membership=owner_membership, reason="The client pulled the budget.")
    for application in (first, second):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.CLOSED
    assert Notification.objects.filter(recipient=waiting, verb="application.closed").exists()
    assert Notification.objects.filter(recipient=offered, verb="application.closed").exists()
    assert check_ledger() == []


def test_a_closed_project_completes_when_its_last_engagement_ends(active, owner_membership, candidate, bob):
    from rung.projects.models import ProjectStatus

    from .conftest import milestones, submit_and_approve

    project = active.project
    projects.close_project(project, membership=owner_membership)
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLOSED  # one engagement still running
    for milestone in milestones(active):
        submit_and_approve(milestone, candidate=candidate, reviewer=bob)
    project.refresh_from_db()
    assert project.status == ProjectStatus.COMPLETED
    assert check_ledger() == []


def test_closing_a_project_nobody_joined_refunds_everything_and_stays_closed(published, owner_membership):
    from rung.projects.models import ProjectStatus

    projects.close_project(published, membership=owner_membership)
    published.refresh_from_db()
    assert published.status == ProjectStatus.CLOSED  # nothing to complete; it may still be cancelled
    assert escrow_balance(project_uuid=published.uuid, currency="EUR") == 0
    assert check_ledger() == []
