"""Closing and cancelling a project, with everything that hangs off it.

A project's end touches three apps: the project changes status (`rung.projects`), applications
still waiting are answered (`rung.applications`), open engagements follow their contracts and the
escrow of unused seats goes back to the employer (`rung.engagements`, `rung.ledger`). The flow lives
here, in the highest of them, and calls down into each in one transaction. Views, API endpoints and
the demo call `close_project` and `cancel_project` from this module.
"""

from django.db import transaction

from rung.accounts.models import User
from rung.applications.models import ApplicationStatus
from rung.applications.services import close_for_ended_project
from rung.engagements.models import Engagement, EngagementMilestone, EngagementStatus, MilestoneStatus
from rung.engagements.services import cancel_engagement, complete_project_if_done
from rung.ledger.selectors import escrow_balance
from rung.ledger.services import refund_escrow
from rung.orgs.models import Membership
from rung.projects import services as projects
from rung.projects.models import Project

__all__ = ["cancel_project", "close_project", "wind_down_project"]


def close_project(project: Project, *, membership: Membership | None) -> Project:
    """Close to new applications; the escrow of seats nobody can take any more goes back."""
    with transaction.atomic():
        project = projects.mark_closed(project, membership=membership)
        assert membership is not None  # mark_closed refuses anyone who may not change the project
        wind_down_project(project, actor=membership.user, cancelled=False)
    return project


def cancel_project(project: Project, *, membership: Membership | None, reason: str) -> Project:
    """Cancel: everyone still waiting is answered, open engagements are cancelled under their
    contracts (kill fees included), and the unused escrow goes back to the employer."""
    with transaction.atomic():
        project = projects.mark_cancelled(project, membership=membership, reason=reason)
        assert membership is not None
        wind_down_project(project, actor=membership.user, cancelled=True, reason=reason.strip())
    return project


def wind_down_project(project: Project, *, actor: User, cancelled: bool, reason: str = "") -> int:
    """After a project closes or is cancelled, inside the caller's transaction.

    Cancelling cancels every open engagement under its contract (kill fees included). Then the
    escrow that no engagement or open offer can still need — the unused seats — goes back to the
    employer's funding balance. Returns the amount refunded here, in minor units.
    """
    open_statuses = (EngagementStatus.AWAITING_SIGNATURES, EngagementStatus.ACTIVE)
    if cancelled:
        close_for_ended_project(project, actor=actor, cancelled=True)
        for engagement in Engagement.objects.filter(project=project, status__in=open_statuses):
            cancel_engagement(engagement, actor=actor, reason=reason or "The employer cancelled the project.")
    needed = sum(
        m.amount_minor
        for m in EngagementMilestone.objects.filter(
            engagement__project=project, engagement__status__in=open_statuses
        ).exclude(status__in=[MilestoneStatus.APPROVED, MilestoneStatus.CANCELLED])
    )
    if not cancelled:
        # An offer made before closing may still be accepted: keep its seat funded.
        needed += project.applications.filter(status=ApplicationStatus.OFFERED).count() * project.stipend_minor
    spare = escrow_balance(project_uuid=project.uuid, currency=project.currency) - needed
    if not cancelled and not project.applications.filter(status=ApplicationStatus.OFFERED).exists():
        complete_project_if_done(project, actor=actor)
    if spare <= 0:
        return 0
    kind = "cancel" if cancelled else "close"
    refund_escrow(
        project_uuid=project.uuid,
        currency=project.currency,
        reference=f"{kind}:{project.uuid}",
        amount_minor=spare,
        actor=actor,
        memo="Unused seats refunded" if not cancelled else "Project cancelled: escrow refunded",
    )
    return spare
