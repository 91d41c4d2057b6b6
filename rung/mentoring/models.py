import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from rung.audit.models import StatusHistory
from rung.engagements.models import Engagement
from rung.orgs.models import Organisation
from rung.profiles.models import TIMEZONE_CHOICES, Skill

# --- mentors -------------------------------------------------------------------------------------


class PoolStatus(models.TextChoices):
    NOT_IN_POOL = "none", "Not in the platform pool"
    PENDING = "pending", "Waiting for staff approval"
    APPROVED = "approved", "In the platform pool"
    REFUSED = "refused", "Not accepted into the pool"


POOL_TRANSITIONS: dict[str, set[str]] = {
    PoolStatus.NOT_IN_POOL: {PoolStatus.PENDING},
    PoolStatus.PENDING: {PoolStatus.APPROVED, PoolStatus.REFUSED, PoolStatus.NOT_IN_POOL},
    PoolStatus.APPROVED: {PoolStatus.NOT_IN_POOL},
    PoolStatus.REFUSED: {PoolStatus.PENDING},
}

# What a mentor can offer beyond skills; mentees may say which of these they would like.
OFFER_CHOICES = [
    ("first_generation", "First-generation students"),
    ("career_changers", "Career changers"),
    ("returners", "People returning to work"),
    ("disabled_people", "Disabled people"),
    ("international", "International students"),
    ("women_in_tech", "Women in technology"),
]
OFFER_LABELS = dict(OFFER_CHOICES)


class MentorProfile(models.Model):
    """Who a mentor is for matching: expertise, languages, weekly availability, capacity."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile")
    expertise = models.ManyToManyField(Skill, blank=True, related_name="mentors")
    languages = models.JSONField(default=list, blank=True, help_text="Language codes, e.g. ['en', 'de']")
    timezone = models.CharField(max_length=64, choices=TIMEZONE_CHOICES, default="UTC")
    # Weekly windows in the mentor's own time zone: [{"day": 0-6 (Monday first), "start": "HH:MM", "end": "HH:MM"}]
    weekly_windows = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(default=2, help_text="Mentees at once")
    offers = models.JSONField(default=list, blank=True)
    bio = models.TextField(blank=True, max_length=2000)
    pool_status = models.CharField(max_length=10, choices=PoolStatus.choices, default=PoolStatus.NOT_IN_POOL)
    pool_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Mentor profile of {self.user}"


class MenteeGoals(models.Model):
    """What a mentee wants from mentoring: skills to grow, languages, preferences (all optional)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_goals")
    goal_skills = models.ManyToManyField(Skill, blank=True, related_name="+")
    languages = models.JSONField(default=list, blank=True)
    timezone = models.CharField(max_length=64, choices=TIMEZONE_CHOICES, default="UTC")
    weekly_windows = models.JSONField(default=list, blank=True)
    wants = models.JSONField(default=list, blank=True, help_text="Keys of OFFER_CHOICES")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Mentoring goals of {self.user}"


# Weights of the match score; an organisation can change them (MentoringSettings.weights).
DEFAULT_WEIGHTS: dict[str, int] = {
    "skill": 10,  # per skill the mentor has that the project or the mentee's goals name
    "overlap_hour": 4,  # per hour a week both are available (capped at 10 hours)
    "language": 15,  # at least one shared language
    "timezone": 2,  # per hour closer than 12 hours apart
    "preference": 12,  # per thing the mentee asked for that the mentor offers
    "ranked": 60,  # the mentee's own ranking: 3× this for their first choice, 2× second, 1× third
}


class MentoringSettings(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="mentoring_settings")
    weights = models.JSONField(default=dict, blank=True)
    allow_unaccredited = models.BooleanField(
        default=False, help_text="Let optimal matching propose mentors who are not (yet) accredited"
    )
    protocol = models.ForeignKey("Protocol", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Mentoring settings of {self.organisation}"

    def weight(self, key: str) -> int:
        value = self.weights.get(key, DEFAULT_WEIGHTS[key])
        return value if isinstance(value, int) and value >= 0 else DEFAULT_WEIGHTS[key]


# --- pairing -------------------------------------------------------------------------------------


class RunStatus(models.TextChoices):
    DRAFT = "draft", "Proposal, not yet published"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"


class MatchRun(models.Model):
    """One optimal matching of a cohort: the proposal a coordinator reviews before publishing it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="match_runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=now)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    accredited_only = models.BooleanField(default=True)
    # [{"engagement": uuid, "mentor": user id, "score": int, "reasons": [str]}] and who stayed unpaired
    proposal = models.JSONField(default=list)
    unpaired = models.JSONField(default=list)
    total = models.IntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Matching of {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class PairingStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for the mentor"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined by the mentor"
    EXPIRED = "expired", "Not answered in time"
    SUSPENDED = "suspended", "Suspended by staff"
    ENDED = "ended", "Ended"


PAIRING_TRANSITIONS: dict[str, set[str]] = {
    PairingStatus.PROPOSED: {PairingStatus.ACTIVE, PairingStatus.DECLINED, PairingStatus.EXPIRED},
    PairingStatus.ACTIVE: {PairingStatus.SUSPENDED, PairingStatus.ENDED},
    PairingStatus.SUSPENDED: {PairingStatus.ACTIVE, PairingStatus.ENDED},
    PairingStatus.DECLINED: set(),
    PairingStatus.EXPIRED: set(),
    PairingStatus.ENDED: set(),
}
# A mentor's capacity counts these; an engagement has at most one pairing in them.
HOLDING_STATUSES = (PairingStatus.PROPOSED, PairingStatus.ACTIVE, PairingStatus.SUSPENDED)


class PairingMode(models.TextChoices):
    BY_HAND = "by_hand", "Paired by a coordinator"
    OPTIMAL = "optimal", "Optimal matching"


class Pairing(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="pairings")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pairings")
    status = models.CharField(max_length=10, choices=PairingStatus.choices, default=PairingStatus.PROPOSED)
    mode = models.CharField(max_length=10, choices=PairingMode.choices)
    run = models.ForeignKey(MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="pairings")
    score = models.IntegerField(default=0)
    reasons = models.JSONField(default=list)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=now)
    respond_by = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    recommendation = models.TextField(blank=True, help_text="The mentor's recommendation for the next step")

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement"],
                condition=models.Q(status__in=["proposed", "active", "suspended"]),
                name="mentoring_one_live_pairing_per_engagement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.engagement.candidate}"


class PairingEvent(StatusHistory):
    pairing = models.ForeignKey(Pairing, on_delete=models.DO_NOTHING, related_name="history", db_constraint=False)

    class Meta(StatusHistory.Meta):
        pass


class MenteeRanking(models.Model):
    """A mentee's own choices among suggested mentors (first, second, third)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="mentor_rankings")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "rank"], name="mentoring_one_mentor_per_rank"),
            models.UniqueConstraint(fields=["engagement", "mentor"], name="mentoring_rank_mentor_once"),
            models.CheckConstraint(condition=models.Q(rank__gte=1, rank__lte=3), name="mentoring_rank_1_to_3"),
        ]

    def __str__(self) -> str:
        return f"Choice {self.rank}: {self.mentor}"


# --- the protocol and check-ins --------------------------------------------------------------------


class StepKind(models.TextChoices):
    KICKOFF = "kickoff", "Kickoff"
    WEEKLY = "weekly", "Weekly check-in"
    MIDPOINT = "midpoint", "Mid-point review"
    WRAPUP = "wrapup", "Wrap-up and next steps"


class Protocol(models.Model):
    """A sequence of check-ins placed relative to an engagement's dates. Platform default has no organisation."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="mentoring_protocols"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    minutes = models.PositiveSmallIntegerField(default=30, help_text="Length of each check-in")

    def __str__(self) -> str:
        return self.name


class ProtocolStep(models.Model):
    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=10, choices=StepKind.choices)
    title = models.CharField(max_length=120)
    agenda = models.TextField()
    prompts = models.JSONField(default=list)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title


class CheckInStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    MISSED = "missed", "Missed"
    MOVED = "moved", "Moved"


CHECKIN_TRANSITIONS: dict[str, set[str]] = {
    CheckInStatus.SCHEDULED: {CheckInStatus.HELD, CheckInStatus.MISSED, CheckInStatus.MOVED},
    CheckInStatus.MOVED: {CheckInStatus.HELD, CheckInStatus.MISSED, CheckInStatus.MOVED},
    CheckInStatus.HELD: set(),
    CheckInStatus.MISSED: set(),
}


class CheckIn(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="checkins")
    kind = models.CharField(max_length=10, choices=StepKind.choices)
    title = models.CharField(max_length=120)
    agenda = models.TextField()
    prompts = models.JSONField(default=list)
    due_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(default=30)
    # False when no time in both people's windows could be found that day: placed at a default hour.
    within_availability = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=CheckInStatus.choices, default=CheckInStatus.SCHEDULED)
    recorded_at = models.DateTimeField(null=True, blank=True)
    private_notes = models.TextField(blank=True, help_text="Seen by the mentor and the mentee only")
    summary = models.TextField(blank=True, help_text="Shared summary")
    actions = models.JSONField(default=list, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.CharField(max_length=500, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    flagged_overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="mentoring_checkin_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.due_at:%Y-%m-%d}"

    @property
    def overdue_since(self) -> datetime:
        return self.due_at + timedelta(days=1)


# --- training and accreditation ----------------------------------------------------------------------


class TrainingModule(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300)
    body = models.TextField()
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="Percent of answers right to pass")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title


class TrainingQuestion(models.Model):
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    choices = models.JSONField()
    correct = models.PositiveSmallIntegerField(help_text="Index of the right choice")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.text


class TrainingAttempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_attempts")
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="attempts")
    answers = models.JSONField()
    percent = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} on {self.module}: {self.percent} %"


class Accreditation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="accreditations")
    awarded_at = models.DateTimeField(default=now)
    valid_until = models.DateTimeField()
    credential_uuid = models.UUIDField(null=True, blank=True)
    # Set when an upheld safeguarding concern withdrew it (valid_until is then moved to that moment).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The evidence of practice at the time of the award, kept for the record.
    checkins_held = models.PositiveIntegerField()
    mean_rating = models.DecimalField(max_digits=3, decimal_places=2)

    class Meta:
        ordering = ["-awarded_at"]

    def __str__(self) -> str:
        return f"{self.mentor}, accredited until {self.valid_until:%Y-%m-%d}"


# --- safeguarding --------------------------------------------------------------------------------------


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_REVIEW = "in_review", "In review"
    RESOLVED = "resolved", "Resolved"
    UPHELD = "upheld", "Upheld"


CONCERN_TRANSITIONS: dict[str, set[str]] = {
    ConcernStatus.OPEN: {ConcernStatus.IN_REVIEW},
    ConcernStatus.IN_REVIEW: {ConcernStatus.RESOLVED, ConcernStatus.UPHELD},
    ConcernStatus.RESOLVED: set(),
    ConcernStatus.UPHELD: set(),
}


class Concern(models.Model):
    """A confidential safeguarding concern about an engagement, worked by staff."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="concerns")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns_about"
    )
    text = models.TextField(max_length=5000)
    status = models.CharField(max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Concern about {self.engagement} ({self.get_status_display()})"


class ConcernEvent(StatusHistory):
    concern = models.ForeignKey(Concern, on_delete=models.DO_NOTHING, related_name="history", db_constraint=False)

    class Meta(StatusHistory.Meta):
        pass
