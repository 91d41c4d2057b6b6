"""Turn a completed engagement into the achievement its Open Badges credential states.

This lives in reviews because the credential states both the engagement (engagements, below) and
the final rubric results (reviews): the one app that sees both."""

from django.utils import timezone

from rung.credentials.models import IssuedCredential
from rung.credentials.services import (
    AchievementInput,
    RubricCriterionInput,
    RubricResultInput,
    SkillInput,
    StipendInput,
    issue_credential,
)
from rung.engagements.models import Engagement, EngagementStatus, MilestoneStatus
from rung.ledger.models import OPEN_PAYOUT_STATUSES, Payout
from rung.ledger.selectors import payable_balance
from rung.reviews.selectors import final_rubric_results


def _stipend_paid(engagement: Engagement) -> StipendInput | None:
    """The stipend, if every cent released for this engagement has left the platform."""
    owed = payable_balance(engagement_uuid=engagement.uuid, currency=engagement.currency)
    open_payouts = Payout.objects.filter(engagement_uuid=engagement.uuid, status__in=OPEN_PAYOUT_STATUSES)
    if owed or open_payouts.exists():
        return None
    paid = sum(m.amount_minor for m in engagement.milestones.filter(status=MilestoneStatus.APPROVED))
    last = Payout.objects.filter(engagement_uuid=engagement.uuid).order_by("-settled_at").first()
    paid_on = (last.settled_at if last and last.settled_at else timezone.now()).date()
    return StipendInput(amount_minor=paid, currency=engagement.currency, paid_on=paid_on)


def issue_for_engagement(engagement: Engagement) -> IssuedCredential | None:
    """Issue (once) the credential of a completed engagement; None if it is not completed."""
    if engagement.status != EngagementStatus.COMPLETED:
        return None
    project = engagement.project
    rubric, results = final_rubric_results(engagement)
    criteria = [
        RubricCriterionInput(name=c.name, levels=[level.label for level in c.levels.all()], description=c.description)
        for c in rubric.criteria.all()
    ]
    achievement = AchievementInput(
        name=project.title,
        description=project.summary,
        creator=project.organisation,
        # The contract's dates and length (amendments move them), not the day the work was approved.
        activity_start=engagement.start_date,
        activity_end=max(engagement.end_date, engagement.start_date),
        duration_weeks=project.duration_weeks,
        hours=project.estimated_hours,
        deliverables=[m.title for m in engagement.milestones.all()],
        rubric=criteria,
        results=[RubricResultInput(criterion=name, level=level) for name, level in results.items()],
        skills=[SkillInput(name=s.name) for s in project.skills.all()],
        stipend=_stipend_paid(engagement),
        achievement_ref=f"project:{project.uuid}",
    )
    return issue_credential(
        recipient=engagement.candidate,
        achievement=achievement,
        engagement_ref=f"engagement:{engagement.uuid}",
        issued_by=None,
    )
