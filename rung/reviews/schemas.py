from datetime import datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field, StrictInt

from rung.reviews.models import Decision


class FileOut(Schema):
    uuid: UUID
    name: str = Field(description="The file name as the intern uploaded it; stored under another name")
    size: int
    content_type: str
    sha256: str
    download_url: str


class ScoreOut(Schema):
    criterion: int
    criterion_name: str
    weight: int
    score: int
    max_score: int
    level_label: str


class ReviewOut(Schema):
    uuid: UUID
    decision: str
    feedback: str
    points: int
    max_points: int
    score_percent: float
    scores: list[ScoreOut]
    created_at: datetime


class SubmissionOut(Schema):
    uuid: UUID
    milestone: UUID
    milestone_title: str
    engagement: UUID
    version: int
    status: str
    notes: str
    links: list[str]
    submitted_at: datetime
    review_due_at: datetime
    resolved_at: datetime | None
    files: list[FileOut]
    review: ReviewOut | None


class SubmitIn(Schema):
    notes: str = Field("", max_length=5000)
    links: list[str] = Field(default_factory=list, description="http(s) addresses; repeat the field for several")


class ReviewIn(Schema):
    decision: Decision
    feedback: str = Field(max_length=10000, description="Required: at least 30 characters the intern can act on")
    scores: dict[int, int] = Field(description="Criterion id → the score of the chosen level, for every criterion")


class LevelOut(Schema):
    score: int
    label: str
    descriptor: str


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    weight: int
    levels: list[LevelOut]


class RubricOut(Schema):
    uuid: UUID
    name: str
    description: str
    criteria: list[CriterionOut]


class SelfAssessmentIn(Schema):
    scores: dict[int, int]
    reflection: str = Field(max_length=5000)


class SelfAssessmentOut(Schema):
    uuid: UUID
    reflection: str
    points: int
    max_points: int
    score_percent: float
    scores: list[ScoreOut]
    created_at: datetime


class ExperienceIn(Schema):
    mentoring: StrictInt = Field(ge=1, le=5)
    clarity: StrictInt = Field(ge=1, le=5)
    respect: StrictInt = Field(ge=1, le=5)
    pay_timeliness: StrictInt = Field(ge=1, le=5)
    comment: str = Field("", max_length=2000)


class ExperienceOut(ExperienceIn):
    created_at: datetime


class InternIn(Schema):
    overall: StrictInt = Field(ge=1, le=5)
    comment: str = Field("", max_length=2000)


class InternOut(InternIn):
    created_at: datetime


class RatingsOut(Schema):
    experience: ExperienceOut | None = Field(description="The intern's rating; null until you may see it")
    intern: InternOut | None = Field(description="The employer's rating of the intern; null until you may see it")
    experience_given: bool
    intern_given: bool
    revealed: bool
    reveal_at: datetime | None
    window_open: bool


class MetricOut(Schema):
    value: float | None
    data_points: int
    enough_data: bool
    display: str


class ReliabilityOut(Schema):
    organisation: str
    decision_days: MetricOut
    decisions_missed_percent: MetricOut
    review_days: MetricOut
    auto_approvals_percent: MetricOut
    payouts_on_time_percent: MetricOut
