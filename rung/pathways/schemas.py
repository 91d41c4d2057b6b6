from datetime import datetime
from uuid import UUID

from ninja import Field, Schema


class PathwayCriterionIn(Schema):
    kind: str = Field(description="completed, rubric_level, first_time, on_time or mentor")
    threshold: int = Field(default=1, ge=0, le=100)
    rubric_criterion: str = Field(default="", max_length=80)


class PathwayStepIn(Schema):
    kind: str = Field(description="project, interview, offer, role or other")
    title: str = Field(max_length=120)
    role_title: str = Field(default="", max_length=120)
    level: str = Field(default="", max_length=40)
    salary_min: str = Field(default="", max_length=20, examples=["32000.00"])
    salary_max: str = Field(default="", max_length=20)
    currency: str = Field(default="", max_length=3)
    criteria: list[PathwayCriterionIn] = Field(default_factory=list, max_length=10)


class PathwayIn(Schema):
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=3000)
    skills: list[str] = Field(default_factory=list, max_length=40)
    projects: list[UUID] = Field(default_factory=list, max_length=100)
    templates: list[UUID] = Field(default_factory=list, max_length=20)
    steps: list[PathwayStepIn] = Field(min_length=1, max_length=10)


class PathwayCriterionOut(Schema):
    kind: str
    threshold: int
    rubric_criterion: str
    label: str


class PathwayStepOut(Schema):
    uuid: UUID
    position: int
    kind: str
    title: str
    role_title: str
    level: str
    salary_min_minor: int | None
    salary_max_minor: int | None
    currency: str
    criteria: list[PathwayCriterionOut]


class PathwayOut(Schema):
    uuid: UUID
    organisation: str
    title: str
    description: str
    skills: list[str]
    steps: list[PathwayStepOut]
    archived_at: datetime | None = None


class CriterionResultOut(Schema):
    label: str
    met: bool
    value: str


class StandingOut(Schema):
    pathway: UUID
    pathway_title: str
    organisation: str
    candidate: UUID
    candidate_name: str
    step: int = Field(description="The highest step reached; 0 is the completed micro-internship")
    next_step: str | None
    met: int
    total: int
    ready: bool
    summary: str
    criteria: list[CriterionResultOut]


class MoveUpIn(Schema):
    candidate: UUID
    reason: str = Field(max_length=1000)
    step: int | None = Field(
        default=None, ge=1, le=10, description="The step you mean to move them to; refused if it is no longer next"
    )
