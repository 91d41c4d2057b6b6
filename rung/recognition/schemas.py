from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema


class EndorseIn(Schema):
    """Endorse a credential (`credential`) or a skill shown on an engagement (`engagement` and `skill`)."""

    credential: UUID | None = None
    engagement: UUID | None = None
    skill: str | None = Field(None, max_length=70, description="The skill's slug")
    statement: str = Field(max_length=1000)


class EndorsementOut(Schema):
    uuid: UUID
    kind: str
    capacity: str
    endorser: str
    intern: str
    statement: str
    skill: str | None
    endorsed_credential: UUID | None
    credential: UUID | None = Field(description="The signed EndorsementCredential (see /verify/<uuid>/)")
    status: str
    hidden: bool
    created_at: datetime


class HideIn(Schema):
    hidden: bool


class RecognitionReasonIn(Schema):
    reason: str = Field(max_length=2000)


class RoundCriterionIn(Schema):
    name: str = Field(max_length=120)
    description: str = Field("", max_length=1000)
    weight: int = Field(1, ge=1, le=10)


class RoundIn(Schema):
    title: str = Field(max_length=150)
    description: str = Field("", max_length=3000)
    organisation: str | None = Field(None, max_length=100, description="Slug; leave out for a platform round (staff)")
    cohort_kind: str = Field(max_length=20, description="projects, organisation or season")
    projects: list[UUID] = Field(default=[], max_length=100)
    season_start: date | None = None
    season_end: date | None = None
    opens_at: datetime
    closes_at: datetime
    criteria: list[RoundCriterionIn] = Field(max_length=10)
    levels: list[str] = Field(default=["Emerging", "Solid", "Strong", "Outstanding"], max_length=6)
    spread: int = Field(20, ge=1, le=100)
    winners_count: int = Field(1, ge=1, le=20)


class RoundCriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: int


class RoundOut(Schema):
    uuid: UUID
    title: str
    description: str
    organisation: str | None
    cohort_kind: str
    status: str
    opens_at: datetime
    closes_at: datetime
    levels: list[str]
    spread: int
    winners_count: int
    criteria: list[RoundCriterionOut]


class PanelistIn(Schema):
    email: str = Field(max_length=254)


class NominateIn(Schema):
    nominee: UUID = Field(description="The nominee's account uuid (listed by GET /rounds/{uuid}/cohort)")
    statement: str = Field(max_length=3000)
    evidence_links: list[str] = Field(default=[], max_length=5)
    conflict_note: str = Field("", max_length=300, description="Empty if you have no conflict of interest")


class CohortMemberOut(Schema):
    uuid: UUID
    name: str


class NominationOut(Schema):
    uuid: UUID
    round: UUID
    capacity: str
    outcome: str
    created_at: datetime


class BlindNominationOut(Schema):
    """A nomination as the panel sees it: no name, school or photo of the nominee."""

    uuid: UUID
    alias: str
    capacity: str
    statement: str
    evidence_links: list[str]
    conflict_note: str
    flagged: bool
    spread: int | None
    my_levels: dict[int, int]
    needs_confirmation: bool
    may_score: bool


class PanelScoreIn(Schema):
    levels: dict[int, int] = Field(description="Criterion id → level (1 = lowest)")
    comment: str = Field("", max_length=2000)


class PanelScoreOut(Schema):
    uuid: UUID
    points: int
    max_points: int
    percent: int
    flagged: bool


class RoundDecisionIn(Schema):
    nomination: UUID
    winner: bool
    reason: str = Field(max_length=2000)


class FinaliseIn(Schema):
    decisions: list[RoundDecisionIn] = Field(max_length=500)


class RoundResultOut(Schema):
    nomination: UUID
    nominee: str
    outcome: str
    reason: str
    award: UUID | None
