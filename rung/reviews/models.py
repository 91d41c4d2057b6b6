import uuid
from decimal import ROUND_HALF_EVEN, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rung.audit.models import AppendOnlyModel, StatusHistory
from rung.engagements.models import Engagement, EngagementMilestone
from rung.projects.models import Rubric, RubricCriterion


class SubmissionStatus(models.TextChoices):
    AWAITING_REVIEW = "awaiting_review", "Waiting for review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    AUTO_APPROVED = "auto_approved", "Approved automatically: no review by the deadline"
    CLOSED = "closed", "Closed without a review: the engagement ended first"


# The submission state machine, written once; every service checks against it. A submission is
# reviewed once: a resubmission after "changes requested" is a new version, not a new state.
SUBMISSION_TRANSITIONS: dict[str, set[str]] = {
    SubmissionStatus.AWAITING_REVIEW: {
        SubmissionStatus.APPROVED,
        SubmissionStatus.CHANGES_REQUESTED,
        SubmissionStatus.AUTO_APPROVED,
        SubmissionStatus.CLOSED,
    },
    SubmissionStatus.APPROVED: set(),
    SubmissionStatus.CHANGES_REQUESTED: set(),
    SubmissionStatus.AUTO_APPROVED: set(),
    SubmissionStatus.CLOSED: set(),
}
APPROVED_STATUSES = (SubmissionStatus.APPROVED, SubmissionStatus.AUTO_APPROVED)


class Submission(models.Model):
    """One version of what the candidate handed in for a milestone: files, links and notes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    milestone = models.ForeignKey(EngagementMilestone, on_delete=models.PROTECT, related_name="submissions")
    version = models.PositiveSmallIntegerField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions")
    notes = models.TextField(blank=True, max_length=5000)
    links = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.AWAITING_REVIEW)
    submitted_at = models.DateTimeField(default=timezone.now)
    review_due_at = models.DateTimeField(help_text="Approved automatically if no review arrives by then")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["milestone", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "version"], name="reviews_submission_version"),
            # Belt and braces beside the milestone lock: one version waits for review at a time.
            models.UniqueConstraint(
                fields=["milestone"],
                condition=Q(status="awaiting_review"),
                name="reviews_one_awaiting_per_milestone",
            ),
        ]
        indexes = [models.Index(fields=["status", "review_due_at"], name="reviews_sub_status_due")]

    def __str__(self) -> str:
        return f"{self.milestone.title} v{self.version}"

    @property
    def is_awaiting_review(self) -> bool:
        return self.status == SubmissionStatus.AWAITING_REVIEW


class SubmissionFile(models.Model):
    """A file handed in. Stored under a generated name; the person's file name is only shown."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(max_length=255)
    original_name = models.CharField(max_length=200)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100, help_text="The type it is served as")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SubmissionEvent(StatusHistory):
    """Append-only history of a submission's status."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="events")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.from_status or '—'} → {self.to_status}"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    CHANGES = "changes", "Ask for changes"


class ScoredAgainstRubric(models.Model):
    """Totals of a rubric scoring: Σ weight × level and its maximum, both exact integers."""

    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField()
    max_points = models.PositiveIntegerField()

    class Meta:
        abstract = True

    @property
    def score_percent(self) -> Decimal:
        if not self.max_points:
            return Decimal(0)
        return (Decimal(100 * self.points) / self.max_points).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


class Review(ScoredAgainstRubric, AppendOnlyModel):
    """A reviewer's rubric scoring of one submission version, with written feedback. Never edited."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.OneToOneField(Submission, on_delete=models.PROTECT, related_name="review")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    feedback = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Review of {self.submission}"


class CriterionScore(models.Model):
    """The level chosen for one criterion, with the rubric's words as they were at the time."""

    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    criterion_name = models.CharField(max_length=80)
    weight = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField()
    max_score = models.PositiveSmallIntegerField()
    level_label = models.CharField(max_length=40)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.criterion_name}: {self.score} {self.level_label}"


class ReviewScore(CriterionScore, AppendOnlyModel):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="scores")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="reviews_one_score_per_criterion")]


class SelfAssessment(ScoredAgainstRubric, AppendOnlyModel):
    """The candidate's own scoring of their work against the same rubric, with a reflection."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.OneToOneField(Engagement, on_delete=models.PROTECT, related_name="self_assessment")
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    reflection = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Self-assessment for {self.engagement}"


class SelfAssessmentScore(CriterionScore, AppendOnlyModel):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.PROTECT, related_name="scores")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="reviews_one_self_score_per_criterion")
        ]


def _one_to_five(*fields: str, prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(**{f"{f}__gte": 1, f"{f}__lte": 5}), name=f"{prefix}_{f}_1_to_5")
        for f in fields
    ]


class ExperienceRating(AppendOnlyModel):
    """The candidate's rating of the experience. Hidden from the employer until the reveal."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.OneToOneField(Engagement, on_delete=models.PROTECT, related_name="experience_rating")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    mentoring = models.PositiveSmallIntegerField()
    clarity = models.PositiveSmallIntegerField()
    respect = models.PositiveSmallIntegerField()
    pay_timeliness = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = _one_to_five("mentoring", "clarity", "respect", "pay_timeliness", prefix="reviews_exp")

    def __str__(self) -> str:
        return f"Experience rating for {self.engagement}"


class InternRating(AppendOnlyModel):
    """The employer's rating of the intern. Hidden from the intern until the reveal."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.OneToOneField(Engagement, on_delete=models.PROTECT, related_name="intern_rating")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    overall = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = _one_to_five("overall", prefix="reviews_intern")

    def __str__(self) -> str:
        return f"Intern rating for {self.engagement}"
