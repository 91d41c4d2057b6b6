from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from rung.projects.models import IpLicence, WorkMode


class MilestoneSchema(Schema):
    title: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=1000)
    due_offset_days: int = Field(ge=1, le=28, description="Day of the project it is due, counted from the start")
    share_percent: int = Field(ge=1, le=100, description="Share of the stipend; all shares add up to 100")


class ProjectIn(Schema):
    organisation: str = Field(description="Slug of the employer organisation")
    title: str = Field(max_length=120)
    summary: str = Field(max_length=4000)
    learning_outcomes: list[str] = Field(min_length=1, max_length=10)
    skills: list[str] = Field(default_factory=list, description="Slugs from /api/v1/profile/skills")
    duration_weeks: int = Field(ge=1, le=4)
    estimated_hours: int = Field(ge=1, le=160)
    stipend: Decimal = Field(gt=0, max_digits=10, decimal_places=3, description="Per intern, e.g. 900.00")
    currency: str = Field(min_length=3, max_length=3)
    seats: int = Field(1, ge=1, le=50)
    application_deadline: date
    start_date: date
    milestones: list[MilestoneSchema] = Field(min_length=1, max_length=8)
    work_mode: WorkMode = WorkMode.REMOTE
    location: str = Field("", max_length=120)
    jurisdiction: str = Field("", max_length=2, description="ISO 3166 country whose minimum wage applies")
    timezone_from: int | None = Field(None, ge=-12, le=14)
    timezone_to: int | None = Field(None, ge=-12, le=14)
    screening_questions: list[str] = Field(default_factory=list, max_length=3)
    rubric: UUID | None = None
    ip_licence: IpLicence = IpLicence.NON_EXCLUSIVE
    blind_review: bool = True
    offer_valid_days: int = Field(5, ge=1, le=14)
    review_rounds: int = Field(2, ge=1, le=5)


class ProjectOut(Schema):
    uuid: UUID
    organisation: str
    organisation_name: str
    status: str
    title: str
    summary: str
    learning_outcomes: list[str]
    skills: list[str]
    duration_weeks: int
    estimated_hours: int
    stipend: str
    currency: str
    hourly_rate: str
    seats: int
    seats_left: int = Field(description="Seats still open; a full project takes no applications")
    full: bool
    application_deadline: date
    start_date: date
    decision_deadline: date
    work_mode: str
    location: str
    screening_questions: list[str]
    milestones: list[MilestoneSchema]
    blind_review: bool
    published_at: datetime | None


class SearchIn(Schema):
    q: str = Field("", max_length=200)
    skills: list[str] = Field(default_factory=list)
    currency: str = Field("", max_length=3)
    min_hourly: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    min_total: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    max_hours_per_week: int | None = Field(None, ge=1, le=60)
    durations: list[int] = Field(default_factory=list)
    start_from: date | None = None
    start_to: date | None = None
    work_modes: list[WorkMode] = Field(default_factory=list)
    organisation: str = ""
    sort: Literal["recent", "relevance"] = "recent"
    page: int = Field(1, ge=1, le=500)


class SearchOut(Schema):
    items: list[ProjectOut]
    page: int
    has_next: bool
    total: str = Field(description='How many match, e.g. "42" or "1,000+"')
    suggestion: str | None = Field(None, description="A spelling that finds more, when the words found little")


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)


class DuplicateIn(Schema):
    application_deadline: date
    start_date: date


class DepositOut(Schema):
    uuid: UUID
    reference: str
    status: str
    amount: str
    currency: str
    provider: str


class CriterionIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    weight: int = Field(1, ge=1, le=5)
    description: str = Field("", max_length=1000)
    descriptors: list[str] = Field(
        min_length=4,
        max_length=4,
        description="Beginning, Developing, Proficient, Excellent: what each level looks like",
    )


class RubricIn(Schema):
    organisation: str
    name: str = Field(min_length=3, max_length=120)
    description: str = Field("", max_length=1000)
    criteria: list[CriterionIn] = Field(min_length=1, max_length=8)


class LevelOut(Schema):
    score: int
    label: str
    descriptor: str


class CriterionOut(Schema):
    name: str
    weight: int
    description: str
    levels: list[LevelOut]


class RubricOut(Schema):
    uuid: UUID
    name: str
    description: str
    library: bool
    criteria: list[CriterionOut]
