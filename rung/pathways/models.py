import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from rung.audit.models import AppendOnlyModel
from rung.orgs.models import Organisation
from rung.profiles.models import Skill
from rung.projects.models import Project


class Pathway(models.Model):
    """An employer's career ladder. Its entry is a completed micro-internship with the employer in
    scope: any of `projects`, or any project sharing a skill with `skills` (a template's skills are
    copied here when the ladder is built from a template; projects do not record their template).
    With neither, every completed engagement with the employer counts."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pathways")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=3000)
    skills = models.ManyToManyField(Skill, blank=True, related_name="+")
    projects = models.ManyToManyField(Project, blank=True, related_name="pathways")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"


class StepKind(models.TextChoices):
    PROJECT = "project", "Another project"
    INTERVIEW = "interview", "Interview"
    OFFER = "offer", "Offer"
    ROLE = "role", "Full role"
    OTHER = "other", "Other step"


class PathwayStep(models.Model):
    """One rung above the entry (position 1, 2, …). The criteria say what is needed to reach it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=StepKind.choices)
    title = models.CharField(max_length=120)
    role_title = models.CharField(max_length=120, blank=True)
    level = models.CharField(max_length=40, blank=True, help_text="e.g. Junior, L1")
    salary_min_minor = models.BigIntegerField(null=True, blank=True)
    salary_max_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["pathway", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "position"], name="pathways_one_step_per_position"),
            models.CheckConstraint(
                condition=models.Q(salary_min_minor__isnull=True)
                | models.Q(salary_max_minor__isnull=True)
                | models.Q(salary_min_minor__lte=models.F("salary_max_minor")),
                name="pathways_salary_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class CriterionKind(models.TextChoices):
    COMPLETED = "completed", "Completed micro-internships"
    RUBRIC_LEVEL = "rubric_level", "Rubric level on a named criterion"
    FIRST_TIME = "first_time", "Milestones approved first time (%)"
    ON_TIME = "on_time", "Milestones handed in on time (%)"
    MENTOR = "mentor", "The mentor's wrap-up recommendation"


class Criterion(models.Model):
    """One line of a step's progression rubric, computed from Rung's records for the engagements
    in the pathway's scope."""

    step = models.ForeignKey(PathwayStep, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=CriterionKind.choices)
    threshold = models.PositiveSmallIntegerField(
        default=1, help_text="Count, percent or rubric level, by kind (unused for the mentor's recommendation)"
    )
    rubric_criterion = models.CharField(max_length=80, blank=True, help_text="For a rubric level: its name")

    class Meta:
        ordering = ["step", "position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        match self.kind:
            case CriterionKind.COMPLETED:
                return f"{self.threshold} completed micro-internship{'s' if self.threshold != 1 else ''}"
            case CriterionKind.RUBRIC_LEVEL:
                return f"Level {self.threshold} or above on “{self.rubric_criterion}”"
            case CriterionKind.FIRST_TIME:
                return f"{self.threshold} % of milestones approved first time"
            case CriterionKind.ON_TIME:
                return f"{self.threshold} % of milestones handed in on time"
            case _:
                return "A mentor's recommendation at the wrap-up"


class Progress(models.Model):
    """Where one candidate stands on one pathway: `step` is the highest step reached (None: the
    entry, a completed micro-internship). Changed only by a recorded decision."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="progress")
    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pathway_progress")
    step = models.ForeignKey(PathwayStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "candidate"], name="pathways_one_progress_per_candidate")
        ]

    def __str__(self) -> str:
        return f"{self.candidate} on {self.pathway}"


class Decision(AppendOnlyModel):
    """A person's decision to move a candidate up, with the reason and the criteria as they stood."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    progress = models.ForeignKey(Progress, on_delete=models.DO_NOTHING, related_name="decisions", db_constraint=False)
    from_step = models.ForeignKey(
        PathwayStep, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    to_step = models.ForeignKey(PathwayStep, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    reason = models.TextField(max_length=1000)
    criteria_met = models.PositiveSmallIntegerField()
    criteria_total = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Decision on {self.progress_id} at {self.at:%Y-%m-%d}"
