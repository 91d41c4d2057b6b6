"""Reads of submissions, reviews and ratings, scoped to the person asking; the reliability record."""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from rung.accounts.models import User
from rung.applications.models import Application, ApplicationStatus
from rung.engagements.models import Engagement, EngagementMilestone, EngagementStatus
from rung.ledger.models import OPEN_PAYOUT_STATUSES, DelayCause, Payout, PayoutStatus
from rung.ledger.selectors import payout_target_business_days
from rung.lib.errors import NotFound
from rung.orgs.models import ROLE_PERMISSIONS, Membership, Organisation, role_can
from rung.projects.models import Project, Rubric, RubricCriterion, RubricLevel
from rung.reviews.models import (
    Decision,
    ExperienceRating,
    InternRating,
    Review,
    SelfAssessment,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)

LIBRARY_RUBRIC = "Core micro-internship rubric"
# Fewer data points than this and a median or a share says more about luck than about the employer.
MIN_DATA_POINTS = 3
NOT_ENOUGH_DATA = "not enough data yet"

# --- Who may see what ---------------------------------------------------------------------


@dataclass(frozen=True)
class Access:
    """How one person relates to one engagement. Outsiders have no Access at all."""

    user: User
    is_candidate: bool
    membership: Membership | None
    is_mentor: bool
    is_staff: bool

    @property
    def can_review(self) -> bool:
        # Reviewers, managers and owners; never the intern, whatever else they are.
        return not self.is_candidate and self.membership is not None and role_can(self.membership.role, "review")

    @property
    def is_employer(self) -> bool:
        return self.membership is not None and not self.is_candidate


def access_to(user: User | None, engagement: Engagement) -> Access | None:
    """The user's access to the engagement, or None for an outsider (who must get a 404).

    The intern, every member of the employer (all roles include "view"), the engagement's mentor
    and Rung staff may look; what each may do is decided by the services.
    """
    if user is None or not user.is_authenticated:
        return None
    membership = Membership.objects.filter(organisation_id=engagement.project.organisation_id, user=user).first()
    is_candidate = engagement.candidate_id == user.pk
    is_mentor = engagement.mentor_id == user.pk
    if membership is not None and not role_can(membership.role, "view"):
        membership = None
    if not (is_candidate or is_mentor or membership is not None or user.is_staff):
        return None
    return Access(
        user=user, is_candidate=is_candidate, membership=membership, is_mentor=is_mentor, is_staff=user.is_staff
    )


_ENGAGEMENT_RELATED = ("project", "project__organisation", "project__rubric", "candidate")


def get_engagement_for_user(user: User, engagement_uuid: str) -> tuple[Engagement, Access]:
    engagement = Engagement.objects.select_related(*_ENGAGEMENT_RELATED).filter(uuid=engagement_uuid).first()
    access = access_to(user, engagement) if engagement is not None else None
    if engagement is None or access is None:
        raise NotFound("No such engagement.")
    return engagement, access


def get_milestone_for_user(user: User, milestone_uuid: str) -> tuple[EngagementMilestone, Access]:
    milestone = (
        EngagementMilestone.objects.select_related(*(f"engagement__{r}" for r in _ENGAGEMENT_RELATED))
        .filter(uuid=milestone_uuid)
        .first()
    )
    access = access_to(user, milestone.engagement) if milestone is not None else None
    if milestone is None or access is None:
        raise NotFound("No such milestone.")
    return milestone, access


def get_submission_for_user(user: User, submission_uuid: str) -> tuple[Submission, Access]:
    submission = (
        Submission.objects.select_related(
            "submitted_by", "milestone", *(f"milestone__engagement__{r}" for r in _ENGAGEMENT_RELATED)
        )
        .filter(uuid=submission_uuid)
        .first()
    )
    access = access_to(user, submission.milestone.engagement) if submission is not None else None
    if submission is None or access is None:
        raise NotFound("No such submission.")
    return submission, access


def get_file_for_user(user: User, file_uuid: str) -> SubmissionFile:
    """A submitted file the user may download. Everyone else, staff aside, gets NotFound."""
    item = (
        SubmissionFile.objects.select_related("submission__milestone__engagement__project")
        .filter(uuid=file_uuid)
        .first()
    )
    if item is None or access_to(user, item.submission.milestone.engagement) is None:
        raise NotFound("No such file.")
    return item


# --- Lists ----------------------------------------------------------------------------------


def with_history(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Submissions with their files, review and scores, in a fixed number of queries."""
    return submissions.select_related("submitted_by", "review").prefetch_related("files", Prefetch("review__scores"))


def submissions_for_milestone(milestone: EngagementMilestone) -> QuerySet[Submission]:
    return with_history(Submission.objects.filter(milestone=milestone)).order_by("-version")


def reviewing_org_ids(user: User) -> QuerySet[Membership, int]:
    roles = [role for role, permissions in ROLE_PERMISSIONS.items() if "review" in permissions]
    return Membership.objects.filter(user=user, role__in=roles).values_list("organisation_id", flat=True)


def review_queue(user: User) -> QuerySet[Submission]:
    """Submissions waiting for this person's review, the most urgent first."""
    return (
        Submission.objects.filter(
            status=SubmissionStatus.AWAITING_REVIEW,
            milestone__engagement__project__organisation_id__in=reviewing_org_ids(user),
        )
        .exclude(submitted_by=user)
        .select_related(
            "submitted_by", "milestone", "milestone__engagement", "milestone__engagement__project__organisation"
        )
        .prefetch_related("files")
        .order_by("review_due_at", "pk")
    )


def engagements_of_candidate(user: User) -> QuerySet[Engagement]:
    return (
        Engagement.objects.filter(candidate=user)
        .select_related("project", "project__organisation")
        .prefetch_related("milestones")
        .order_by("-created_at")
    )


# --- Rubrics --------------------------------------------------------------------------------


def rubric_for(project: Project) -> Rubric:
    """The project's rubric, or the library's core rubric when the project has none."""
    rubric_id = (
        project.rubric_id
        or Rubric.objects.filter(organisation=None, name=LIBRARY_RUBRIC).values_list("pk", flat=True).first()
    )
    if rubric_id is None:
        raise NotFound(f"The library rubric “{LIBRARY_RUBRIC}” is missing; ask Rung staff to restore it.")
    levels = Prefetch("levels", queryset=RubricLevel.objects.order_by("score"))
    criteria = Prefetch(
        "criteria", queryset=RubricCriterion.objects.order_by("position", "id").prefetch_related(levels)
    )
    return Rubric.objects.prefetch_related(criteria).get(pk=rubric_id)


# --- Ratings and their reveal ---------------------------------------------------------------


def ended_at(engagement: Engagement) -> datetime | None:
    """When the engagement ended in a way that can be rated: completed, or cancelled after it started."""
    if engagement.status == EngagementStatus.COMPLETED:
        return engagement.completed_at
    cancelled = engagement.cancelled_at
    # "After the start" as the contract's kill fee counts it: signed by both, and the start date reached.
    if (
        engagement.status == EngagementStatus.CANCELLED
        and engagement.started_at is not None
        and cancelled is not None
        and cancelled.date() >= engagement.start_date
    ):
        return cancelled
    return None


def reveal_at(engagement: Engagement) -> datetime | None:
    end = ended_at(engagement)
    return end + timedelta(days=settings.RATING_REVEAL_DAYS) if end else None


@dataclass(frozen=True)
class Ratings:
    """What one person may see of an engagement's two ratings.

    `experience` is the intern's rating of the experience, `intern` the employer's rating of the
    intern; each is None when it does not exist or is not yet for this person's eyes.
    """

    experience: ExperienceRating | None
    intern: InternRating | None
    experience_given: bool
    intern_given: bool
    revealed: bool
    reveal_at: datetime | None
    window_open: bool
    can_rate_experience: bool
    can_rate_intern: bool


def ratings_for(engagement: Engagement, access: Access, *, now: datetime | None = None) -> Ratings:
    now = now or timezone.now()
    experience = ExperienceRating.objects.filter(engagement=engagement).first()
    intern = InternRating.objects.filter(engagement=engagement).first()
    deadline = reveal_at(engagement)
    revealed = (experience is not None and intern is not None) or (deadline is not None and now >= deadline)
    window_open = deadline is not None and now < deadline
    # Each side always sees its own rating; the other side's only after the reveal. Staff see both
    # (moderation), which cannot influence either rating.
    sees_experience = access.is_staff or access.is_candidate or (revealed and access.is_employer)
    sees_intern = access.is_staff or access.is_employer or (revealed and access.is_candidate)
    return Ratings(
        experience=experience if sees_experience else None,
        intern=intern if sees_intern else None,
        experience_given=experience is not None,
        intern_given=intern is not None,
        revealed=revealed,
        reveal_at=deadline,
        window_open=window_open,
        can_rate_experience=window_open and access.is_candidate and experience is None,
        can_rate_intern=window_open and access.can_review and intern is None,
    )


def self_assessment_for(engagement: Engagement) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(engagement=engagement).prefetch_related("scores").first()


# --- The employer's reliability record ------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    value: float | None
    data_points: int

    @property
    def enough_data(self) -> bool:
        return self.data_points >= MIN_DATA_POINTS and self.value is not None

    def display(self, unit: str = "") -> str:
        if not self.enough_data:
            return NOT_ENOUGH_DATA
        assert self.value is not None
        return f"{self.value:g}{unit}"


@dataclass(frozen=True)
class Reliability:
    """An employer's record, computed from what happened, never typed in."""

    decision_days: Metric  # median days from application to decision; sweep-closed count at their full wait
    decisions_missed: Metric  # share (%) of decisions the sweep had to make because the employer did not
    review_days: Metric  # median days from submission to review or auto-approval
    auto_approvals: Metric  # share (%) of submissions approved automatically
    payouts_on_time: Metric  # share (%) of stipend payouts settled within the target business days


DECISIONS = [
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.DECLINED,
    ApplicationStatus.EXPIRED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.CLOSED,
]


def _days(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 86400)


def _median(values: list[float]) -> Metric:
    return Metric(round(statistics.median(values), 1) if values else None, len(values))


def _share(hits: int, total: int) -> Metric:
    return Metric(round(100 * hits / total) if total else None, total)


def reliability_for(organisation: Organisation, *, now: datetime | None = None) -> Reliability:
    """The organisation's record as an employer, in three queries whatever its size."""
    now = now or timezone.now()
    decided = Application.objects.filter(
        project__organisation=organisation, status__in=DECISIONS, decided_at__isnull=False
    ).values_list("created_at", "decided_at", "closed_by_sweep")
    decision_days, missed = [], 0
    for created, decided_at, by_sweep in decided:
        if decided_at is None:
            continue
        decision_days.append(_days(created, decided_at))
        missed += bool(by_sweep)

    resolved = Submission.objects.filter(
        milestone__engagement__project__organisation=organisation,
        status__in=[
            SubmissionStatus.APPROVED,
            SubmissionStatus.CHANGES_REQUESTED,
            SubmissionStatus.AUTO_APPROVED,
        ],
    ).values_list("submitted_at", "resolved_at", "status")
    review_days, auto = [], 0
    for submitted, resolved_at, status in resolved:
        if resolved_at is not None:
            review_days.append(_days(submitted, resolved_at))
        auto += status == SubmissionStatus.AUTO_APPROVED

    target = payout_target_business_days()
    engagements = Engagement.objects.filter(project__organisation=organisation).values("uuid")
    payouts = Payout.objects.filter(
        engagement_uuid__in=engagements,
        approved_at__isnull=False,
        status__in=[*OPEN_PAYOUT_STATUSES, PayoutStatus.SETTLED],
    ).only("status", "approved_at", "settled_at", "delay_cause")
    on_time = counted = 0
    for payout in payouts:
        late = payout.is_late(target, now=now)
        if late and payout.delay_cause != DelayCause.EMPLOYER:
            # A late payout counts against the employer only once staff find the employer caused it.
            continue
        if payout.status == PayoutStatus.SETTLED or late:
            counted += 1  # arrived, or still on its way and already late
            on_time += not late
    return Reliability(
        decision_days=_median(decision_days),
        decisions_missed=_share(missed, len(decision_days)),
        review_days=_median(review_days),
        auto_approvals=_share(auto, len(resolved)),
        payouts_on_time=_share(on_time, counted),
    )


def final_rubric_results(engagement: Engagement) -> tuple[Rubric, dict[str, str]]:
    """The rubric and, per criterion, the level of the last approving review — for the credential."""
    rubric = rubric_for(engagement.project)
    review = (
        Review.objects.filter(submission__milestone__engagement=engagement, decision=Decision.APPROVE)
        .order_by("-created_at", "-id")
        .prefetch_related("scores")
        .first()
    )
    results = {s.criterion_name: s.level_label for s in review.scores.all()} if review else {}
    return rubric, results
