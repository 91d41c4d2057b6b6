import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from rung.audit.models import StatusHistory

# --- endorsements ----------------------------------------------------------------------------------


class Capacity(models.TextChoices):
    """How the endorser or nominator worked with the intern (checked against Rung's records)."""

    MENTOR = "mentor", "Mentor"
    REVIEWER = "reviewer", "Reviewer"
    EMPLOYER = "employer", "Employer"
    INTERN = "intern", "Fellow intern"


class EndorsementKind(models.TextChoices):
    CREDENTIAL = "credential", "A credential"
    SKILL = "skill", "A skill"


class EndorsementStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    WITHDRAWN = "withdrawn", "Withdrawn"
    TAKEN_DOWN = "taken_down", "Taken down by moderation"


ENDORSEMENT_TRANSITIONS: dict[str, set[str]] = {
    EndorsementStatus.ACTIVE: {EndorsementStatus.WITHDRAWN, EndorsementStatus.TAKEN_DOWN},
    EndorsementStatus.WITHDRAWN: set(),
    EndorsementStatus.TAKEN_DOWN: set(),
}


class Endorsement(models.Model):
    """A mentor's, reviewer's or employer's signed word for an intern's credential or skill.

    The signed EndorsementCredential is `credential` (append-only, in the credentials app); this row
    keeps who, for which engagement, and the intern's choice to hide it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endorser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="endorsements_given")
    intern = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="endorsements")
    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.PROTECT, related_name="endorsements")
    capacity = models.CharField(max_length=10, choices=Capacity.choices)
    kind = models.CharField(max_length=10, choices=EndorsementKind.choices)
    endorsed_credential = models.ForeignKey(
        "credentials.IssuedCredential", null=True, blank=True, on_delete=models.PROTECT, related_name="endorsements"
    )
    skill = models.ForeignKey("profiles.Skill", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(max_length=1000)
    credential = models.OneToOneField(
        "credentials.IssuedCredential", null=True, blank=True, on_delete=models.PROTECT, related_name="as_endorsement"
    )
    status = models.CharField(max_length=12, choices=EndorsementStatus.choices, default=EndorsementStatus.ACTIVE)
    hidden = models.BooleanField(default=False, help_text="The intern chose not to show it")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endorser", "endorsed_credential"],
                condition=models.Q(status="active", kind="credential"),
                name="recognition_one_live_endorsement_per_credential",
            ),
            models.UniqueConstraint(
                fields=["endorser", "intern", "skill"],
                condition=models.Q(status="active", kind="skill"),
                name="recognition_one_live_endorsement_per_skill",
            ),
            models.CheckConstraint(
                condition=~models.Q(endorser=models.F("intern")), name="recognition_no_self_endorsement"
            ),
        ]

    def __str__(self) -> str:
        return f"Endorsement of {self.intern} by {self.endorser}"

    @property
    def shows(self) -> bool:
        return self.status == EndorsementStatus.ACTIVE and not self.hidden


class EndorsementEvent(StatusHistory):
    endorsement = models.ForeignKey(
        Endorsement, on_delete=models.DO_NOTHING, related_name="history", db_constraint=False
    )


# --- nomination rounds -----------------------------------------------------------------------------


class CohortKind(models.TextChoices):
    PROJECTS = "projects", "A set of projects"
    ORGANISATION = "organisation", "An organisation's engagements"
    SEASON = "season", "A season"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for nominations"
    SCORING = "scoring", "Panel scoring"
    FINALISED = "finalised", "Results published"
    CANCELLED = "cancelled", "Cancelled"


ROUND_TRANSITIONS: dict[str, set[str]] = {
    RoundStatus.DRAFT: {RoundStatus.OPEN, RoundStatus.CANCELLED},
    RoundStatus.OPEN: {RoundStatus.SCORING, RoundStatus.CANCELLED},
    RoundStatus.SCORING: {RoundStatus.FINALISED, RoundStatus.CANCELLED},
    RoundStatus.FINALISED: set(),
    RoundStatus.CANCELLED: set(),
}

DEFAULT_LEVELS = ["Emerging", "Solid", "Strong", "Outstanding"]


class NominationRound(models.Model):
    """A recognition round ("Outstanding micro-intern, spring round") for one cohort."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True, max_length=3000)
    # Null: a round staff run for the whole platform.
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="nomination_rounds"
    )
    cohort_kind = models.CharField(max_length=12, choices=CohortKind.choices)
    projects = models.ManyToManyField("projects.Project", blank=True, related_name="+")
    season_start = models.DateField(null=True, blank=True)
    season_end = models.DateField(null=True, blank=True)
    # Levels of the rubric, lowest first; a criterion is scored 1..len(levels).
    levels = models.JSONField(default=list)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    # Calibration: a nomination whose panelists' totals (in percent) differ by more than this is flagged.
    spread = models.PositiveSmallIntegerField(default=20)
    winners_count = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="recognition_window_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def max_level(self) -> int:
        return len(self.levels) or len(DEFAULT_LEVELS)


class RoundEvent(StatusHistory):
    round = models.ForeignKey(NominationRound, on_delete=models.DO_NOTHING, related_name="history", db_constraint=False)


class Criterion(models.Model):
    """One row of the round's rubric."""

    round = models.ForeignKey(NominationRound, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=1000)
    weight = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Panelist(models.Model):
    round = models.ForeignKey(NominationRound, on_delete=models.CASCADE, related_name="panelists")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="recognition_one_seat_per_panelist")]

    def __str__(self) -> str:
        return f"{self.user} on {self.round}"


class Outcome(models.TextChoices):
    PENDING = "pending", "Waiting for the panel"
    WINNER = "winner", "Winner"
    NOT_SELECTED = "not_selected", "Not selected"


class Nomination(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(NominationRound, on_delete=models.PROTECT, related_name="nominations")
    nominee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nominations")
    nominator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(max_length=10, choices=Capacity.choices)
    statement = models.TextField(max_length=3000)
    evidence_links = models.JSONField(default=list, blank=True)
    # The nominator's declaration: empty means "no conflict of interest".
    conflict_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Calibration: set when panelists' totals differ by more than the round's spread.
    flagged_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=15, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.TextField(blank=True, max_length=2000)
    award = models.OneToOneField(
        "credentials.IssuedCredential", null=True, blank=True, on_delete=models.PROTECT, related_name="as_award"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "nominee", "nominator"], name="recognition_one_nomination_per_nominator"
            ),
            models.CheckConstraint(
                condition=~models.Q(nominee=models.F("nominator")), name="recognition_no_self_nomination"
            ),
        ]

    def __str__(self) -> str:
        return f"Nomination in {self.round}"


class PanelScore(models.Model):
    """One panelist's rubric scoring of one nomination; changeable until the round is finalised."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="scores")
    panelist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField()
    max_points = models.PositiveIntegerField()
    comment = models.TextField(blank=True, max_length=2000)
    scored_at = models.DateTimeField(default=timezone.now)
    # Last time the panelist scored or confirmed; after a flag it must be later than the flag.
    settled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "panelist"], name="recognition_one_score_per_panelist")
        ]

    def __str__(self) -> str:
        return f"{self.points}/{self.max_points} for {self.nomination_id}"

    @property
    def percent(self) -> int:
        return round(100 * self.points / self.max_points) if self.max_points else 0


class CriterionScore(models.Model):
    score = models.ForeignKey(PanelScore, on_delete=models.CASCADE, related_name="levels")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["score", "criterion"], name="recognition_one_level_per_row")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.level}"
