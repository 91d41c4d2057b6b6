import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from rung.audit.models import StatusHistory
from rung.engagements.models import Engagement
from rung.orgs.models import Organisation


class OutcomeStage(models.TextChoices):
    INVITED = "invited", "Invited to interview"
    INTERVIEWED = "interviewed", "Interviewed"
    OFFERED = "offered", "Offered a role"
    HIRED = "hired", "Hired"
    DECLINED = "declined", "Declined by the candidate"
    NOT_SELECTED = "not_selected", "Not selected"


# Written once; every service checks against it. An applicant tracking system may report a later
# stage first or skip one it did not report (an outcome can be created at any stage, and can jump
# ahead; the stages passed are marked reached), but a recorded outcome only moves forward.
OUTCOME_TRANSITIONS: dict[str, set[str]] = {
    OutcomeStage.INVITED: {
        OutcomeStage.INTERVIEWED,
        OutcomeStage.OFFERED,
        OutcomeStage.HIRED,
        OutcomeStage.DECLINED,
        OutcomeStage.NOT_SELECTED,
    },
    OutcomeStage.INTERVIEWED: {
        OutcomeStage.OFFERED,
        OutcomeStage.HIRED,
        OutcomeStage.DECLINED,
        OutcomeStage.NOT_SELECTED,
    },
    OutcomeStage.OFFERED: {OutcomeStage.HIRED, OutcomeStage.DECLINED},
    OutcomeStage.HIRED: set(),
    OutcomeStage.DECLINED: set(),
    OutcomeStage.NOT_SELECTED: set(),
}
# The stages an outcome has "reached" once it is at a stage (for the funnel's counts).
STAGES_IMPLIED: dict[str, tuple[str, ...]] = {
    OutcomeStage.INVITED: (OutcomeStage.INVITED,),
    OutcomeStage.INTERVIEWED: (OutcomeStage.INVITED, OutcomeStage.INTERVIEWED),
    OutcomeStage.OFFERED: (OutcomeStage.INVITED, OutcomeStage.INTERVIEWED, OutcomeStage.OFFERED),
    OutcomeStage.HIRED: (OutcomeStage.INVITED, OutcomeStage.INTERVIEWED, OutcomeStage.OFFERED, OutcomeStage.HIRED),
    OutcomeStage.DECLINED: (),
    OutcomeStage.NOT_SELECTED: (),
}


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", "Full-time"
    PART_TIME = "part_time", "Part-time"
    FIXED_TERM = "fixed_term", "Fixed-term contract"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    INTERNSHIP = "internship", "Internship"


class OutcomeSource(models.TextChoices):
    RUNG = "rung", "Recorded in Rung"
    API = "api", "Pushed through the API"


class CandidateResponse(models.TextChoices):
    PENDING = "pending", "Not yet confirmed"
    CONFIRMED = "confirmed", "Confirmed by the candidate"
    DISPUTED = "disputed", "Disputed by the candidate"


class Outcome(models.Model):
    """What happened between one candidate and one employer after the work, for one role.

    The `*_at` columns say when each funnel stage was first reached, so the funnel is a COUNT per
    column in SQL. A change of stage asks the candidate to confirm again."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="outcomes")
    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outcomes")
    engagement = models.ForeignKey(
        Engagement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outcomes",
        help_text="The micro-internship this outcome followed from, if one",
    )
    stage = models.CharField(max_length=20, choices=OutcomeStage.choices)
    role_title = models.CharField(max_length=160, blank=True)
    employment_type = models.CharField(max_length=20, choices=EmploymentType.choices, blank=True)
    start_date = models.DateField(null=True, blank=True, help_text="For a hire: the first day in the role")
    source = models.CharField(max_length=10, choices=OutcomeSource.choices, default=OutcomeSource.RUNG)
    external_ref = models.CharField(
        max_length=120, blank=True, help_text="The applicant tracking system's id (makes API pushes idempotent)"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    invited_at = models.DateTimeField(null=True, blank=True)
    interviewed_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    hired_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Declined or not selected")
    candidate_response = models.CharField(
        max_length=10, choices=CandidateResponse.choices, default=CandidateResponse.PENDING
    )
    candidate_note = models.TextField(blank=True, max_length=2000)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_ref"],
                condition=~models.Q(external_ref=""),
                name="outcomes_one_outcome_per_external_ref",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage="hired") | models.Q(start_date__isnull=False),
                name="outcomes_hire_has_start_date",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "candidate"])]

    def __str__(self) -> str:
        return f"{self.candidate} at {self.organisation}: {self.get_stage_display()}"


class OutcomeEvent(StatusHistory):
    outcome = models.ForeignKey(Outcome, on_delete=models.DO_NOTHING, related_name="history", db_constraint=False)

    class Meta(StatusHistory.Meta):
        pass


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent, waiting for an answer"
    ANSWERED = "answered", "Answered"


class FollowUp(models.Model):
    """The "where are you now?" e-mail 3 and 6 months after an engagement ends, and its answer."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    employed = models.BooleanField(null=True, blank=True)
    employer_name = models.CharField(max_length=160, blank=True)
    role_title = models.CharField(max_length=160, blank=True)
    through_this_employer = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "months"], name="outcomes_one_follow_up_per_month_mark")
        ]

    def __str__(self) -> str:
        return f"{self.months}-month follow-up of {self.engagement}"


score_validators = [MinValueValidator(0), MaxValueValidator(10)]


class InternSurvey(models.Model):
    """The intern's completion survey. Confidential: read only as aggregates, never per person."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="intern_survey")
    recommend = models.PositiveSmallIntegerField(
        validators=score_validators, help_text="0–10: would you recommend these micro-internships to a friend?"
    )
    comment = models.TextField(blank=True, max_length=2000)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(recommend__lte=10), name="outcomes_intern_recommend_0_10")
        ]

    def __str__(self) -> str:
        return f"Intern survey of {self.engagement}"


class WouldHire(models.TextChoices):
    YES = "yes", "Yes"
    MAYBE = "maybe", "Maybe"
    NO = "no", "No"


class EmployerSurvey(models.Model):
    """The employer's completion survey. Confidential: read only as aggregates, never per person."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="employer_survey")
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    platform_score = models.PositiveSmallIntegerField(
        validators=score_validators, help_text="0–10: how likely are you to recommend Rung?"
    )
    would_hire = models.CharField(max_length=5, choices=WouldHire.choices)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(platform_score__lte=10), name="outcomes_platform_score_0_10")
        ]

    def __str__(self) -> str:
        return f"Employer survey of {self.engagement}"
