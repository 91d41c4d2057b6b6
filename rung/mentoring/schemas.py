from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class WeeklyWindowSchema(Schema):
    day: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["18:00"])
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["20:00"])


class MentorProfileIn(Schema):
    expertise: list[str] = Field(default_factory=list, max_length=40)
    languages: list[str] = Field(min_length=1, max_length=10, examples=[["en"]])
    timezone: str = Field(default="UTC", max_length=64)
    weekly_windows: list[WeeklyWindowSchema] = Field(default_factory=list, max_length=21)
    capacity: int = Field(default=2, ge=1, le=10)
    offers: list[str] = Field(default_factory=list, max_length=10)
    bio: str = Field(default="", max_length=2000)


class MentorProfileOut(Schema):
    uuid: UUID
    expertise: list[str]
    languages: list[str]
    timezone: str
    weekly_windows: list[WeeklyWindowSchema]
    capacity: int
    offers: list[str]
    bio: str
    pool_status: str
    accredited: bool


class PairingOut(Schema):
    uuid: UUID
    engagement: UUID
    project: str
    mentor: str
    mentee: str
    status: str
    mode: str
    score: int
    reasons: list[str]
    respond_by: datetime


class AnswerIn(Schema):
    accept: bool
    reason: str = Field(default="", max_length=300)


class PairIn(Schema):
    engagement: UUID
    mentor_email: str = Field(max_length=254)


class MatchIn(Schema):
    projects: list[UUID] | None = Field(default=None, max_length=100)
    accredited_only: bool = True


class ProposalRow(Schema):
    engagement: UUID
    mentor_email: str
    score: int
    reasons: list[str]


class MatchRunOut(Schema):
    uuid: UUID
    status: str
    total: int
    accredited_only: bool
    proposal: list[ProposalRow]
    unpaired: list[UUID]


class PublishedOut(Schema):
    pairings: list[PairingOut]
    skipped: list[str]


class CheckInOut(Schema):
    uuid: UUID
    pairing: UUID
    kind: str
    title: str
    agenda: str
    prompts: list[str]
    due_at: datetime
    minutes: int
    status: str
    summary: str
    actions: list[str]
    private_notes: str | None = Field(description="Only for the mentor and the mentee; null for coordinators")
    rating: int | None


class RecordIn(Schema):
    status: str = Field(pattern=r"^(held|missed|moved)$")
    summary: str = Field(default="", max_length=5000)
    private_notes: str = Field(default="", max_length=5000)
    actions: list[str] = Field(default_factory=list, max_length=10)
    moved_to: datetime | None = None
    recommendation: str = Field(default="", max_length=2000)


class RateIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)


class AttemptIn(Schema):
    answers: list[int] = Field(max_length=50)


class AttemptOut(Schema):
    module: str
    percent: int
    passed: bool
    accredited: bool


class MentorAccreditationRow(Schema):
    uuid: UUID
    awarded_at: datetime
    valid_until: datetime
    withdrawn_at: datetime | None
    credential: UUID | None = Field(description="The IssuedCredential's uuid: GET /verify/{uuid}/credential.json")


class MentorAccreditationOut(Schema):
    accredited: bool
    renewable_from: datetime | None
    accreditations: list[MentorAccreditationRow]


class ConcernIn(Schema):
    text: str = Field(min_length=1, max_length=5000)


class ConcernOut(Schema):
    uuid: UUID
    status: str
    created_at: datetime


class MentoringSettingsIO(Schema):
    weights: dict[str, int] = Field(
        description="Points per factor; keys skill, overlap_hour, language, timezone, preference, ranked. "
        "Missing keys keep Rung's defaults (10, 4, 15, 2, 12, 60)."
    )
    allow_unaccredited: bool = False


class ProtocolStepIO(Schema):
    kind: str = Field(description="kickoff, weekly, midpoint or wrapup")
    title: str = Field(max_length=120)
    agenda: str = Field(max_length=2000)
    prompts: list[str] = Field(default=[], max_length=8)


class ProtocolIO(Schema):
    uuid: UUID | None = None
    name: str = Field(max_length=120)
    minutes: int = 30
    steps: list[ProtocolStepIO] = Field(max_length=12)


class MentorRecordPairing(Schema):
    pairing: UUID
    intern: str
    project: str
    status: str
    due: int
    held_on_time: int
    held_late: int
    missed: int
    flagged_overdue: int


class MentorRecordOut(Schema):
    mentor: str
    accredited: bool
    repeated_misses: bool
    mean_checkin_rating: str | None = Field(description="Shown once at least 3 check-ins are rated")
    checkin_ratings: int
    mean_mentoring_rating: str | None = Field(description="Interns' mentoring rating, shown once 3 or more rated")
    pairings: list[MentorRecordPairing]


class RankingsIn(Schema):
    mentor_emails: list[str] = Field(max_length=3, description="Your choices, first choice first (up to three)")


class ConcernMoveIn(Schema):
    to: str = Field(description="in_review, resolved or upheld")
    note: str = Field(default="", max_length=5000)


class SuspendIn(Schema):
    reason: str = Field(default="", max_length=500)


class PoolOut(Schema):
    pool_status: str


class MenteeGoalsIO(Schema):
    goal_skills: list[str] = Field(default_factory=list, max_length=40, description="Skill slugs")
    languages: list[str] = Field(default_factory=list, max_length=10, examples=[["en"]])
    timezone: str = Field(default="UTC", max_length=64)
    weekly_windows: list[WeeklyWindowSchema] = Field(default_factory=list, max_length=21)
    wants: list[str] = Field(default_factory=list, max_length=10)


class MentorConflictIn(Schema):
    email: str = Field(min_length=3, max_length=254, description="The person you must not be paired with")
    reason: str = Field(min_length=3, max_length=300)
