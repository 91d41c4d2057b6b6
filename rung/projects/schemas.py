from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Self
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt, field_validator, model_validator

from rung.lib.validation import MAX_PAGE, amount_problem, currency_problem, date_problem
from rung.projects.models import IpLicence, WorkMode

Slug = Annotated[str, Field(min_length=1, max_length=80)]


def _checked_dates(application_deadline: date, start_date: date) -> None:
    # Checked here, at the edge, so a date near 9999-12-31 never reaches arithmetic that overflows.
    for value, what in ((application_deadline, "application deadline"), (start_date, "start date")):
        problem = date_problem(value, what=what)
        if problem:
            raise ValueError(problem)


class MilestoneSchema(Schema):
    title: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=1000)
    due_offset_days: StrictInt = Field(ge=1, le=28, description="Day of the project it is due, counted from the start")
    share_percent: StrictInt = Field(ge=1, le=100, description="Share of the stipend; all shares add up to 100")


class ProjectIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation": "northwind-analytics",
                    "title": "Clean and chart our volunteer survey",
                    "summary": "We surveyed 2,000 volunteers. Clean the data and chart what they told us.",
                    "learning_outcomes": ["Clean real survey data", "Present findings to a non-technical team"],
                    "skills": ["python", "data-visualisation"],
                    "duration_weeks": 2,
                    "estimated_hours": 30,
                    "stipend": "900.00",
                    "currency": "EUR",
                    "seats": 1,
                    "application_deadline": "2027-01-15",
                    "start_date": "2027-01-25",
                    "milestones": [
                        {"title": "Cleaned dataset", "due_offset_days": 5, "share_percent": 40},
                        {"title": "Charts and memo", "due_offset_days": 14, "share_percent": 60},
                    ],
                    "jurisdiction": "DE",
                }
            ]
        }
    )

    organisation: str = Field(max_length=80, description="Slug of the employer organisation")
    title: str = Field(max_length=120)
    summary: str = Field(max_length=4000)
    learning_outcomes: list[Annotated[str, Field(max_length=300)]] = Field(min_length=1, max_length=10)
    skills: list[Slug] = Field(default_factory=list, max_length=30, description="Slugs from /api/v1/profile/skills")
    duration_weeks: StrictInt = Field(ge=1, le=4)
    estimated_hours: StrictInt = Field(ge=1, le=160)
    stipend: Decimal = Field(
        gt=0,
        max_digits=10,
        decimal_places=3,
        description="Per intern, written plainly, e.g. 900.00",
        examples=["900.00"],
    )
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, in capitals", examples=["EUR"])
    seats: StrictInt = Field(1, ge=1, le=50)
    application_deadline: date
    start_date: date
    milestones: list[MilestoneSchema] = Field(min_length=1, max_length=8)
    work_mode: WorkMode = WorkMode.REMOTE
    location: str = Field("", max_length=120)
    jurisdiction: str = Field(
        "", pattern=r"^([A-Z]{2})?$", description="ISO 3166 country whose minimum wage applies (one Rung lists)"
    )
    timezone_from: StrictInt | None = Field(None, ge=-12, le=14)
    timezone_to: StrictInt | None = Field(None, ge=-12, le=14)
    screening_questions: list[Annotated[str, Field(max_length=300)]] = Field(default_factory=list, max_length=3)
    rubric: UUID | None = None
    template: UUID | None = Field(
        None, description="The catalogue template the draft starts from (recorded on create; a replace keeps it)"
    )
    ip_licence: IpLicence = IpLicence.NON_EXCLUSIVE
    blind_review: StrictBool = True
    offer_valid_days: StrictInt = Field(5, ge=1, le=14)
    review_rounds: StrictInt = Field(2, ge=1, le=5)

    @field_validator("stipend", mode="before")
    @classmethod
    def _plain_stipend(cls, value: Any) -> Any:
        problem = amount_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("currency", mode="before")
    @classmethod
    def _capital_currency(cls, value: Any) -> Any:
        # Refused rather than quietly upper-cased: the API answers in what it was sent, and a
        # lower-case code is a sign the client built it by hand.
        problem = currency_problem(value) if isinstance(value, str) else None
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _dates(self) -> Self:
        _checked_dates(self.application_deadline, self.start_date)
        return self


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
    skills: list[Slug] = Field(default_factory=list, max_length=30)
    currency: str = Field("", pattern=r"^([A-Za-z]{3})?$")
    min_hourly: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    min_total: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    max_hours_per_week: int | None = Field(None, ge=1, le=60)
    durations: list[Annotated[int, Field(ge=1, le=4)]] = Field(default_factory=list, max_length=4)
    start_from: date | None = None
    start_to: date | None = None
    work_modes: list[WorkMode] = Field(default_factory=list, max_length=3)
    organisation: str = Field("", max_length=80)
    sort: Literal["recent", "relevance"] = "recent"
    page: int = Field(1, ge=1, le=min(500, MAX_PAGE))


class SearchOut(Schema):
    items: list[ProjectOut]
    page: int
    has_next: bool
    total: str = Field(description='How many match, e.g. "42" or "1,000+"')
    suggestion: str | None = Field(None, description="A spelling that finds more, when the words found little")


class ProjectCancelIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)


class DuplicateIn(Schema):
    application_deadline: date
    start_date: date

    @model_validator(mode="after")
    def _dates(self) -> Self:
        _checked_dates(self.application_deadline, self.start_date)
        return self


class FundingOut(Schema):
    uuid: UUID
    reference: str
    status: str
    amount: str
    currency: str
    provider: str


class CriterionIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    weight: StrictInt = Field(1, ge=1, le=5)
    description: str = Field("", max_length=1000)
    descriptors: list[Annotated[str, Field(max_length=500)]] = Field(
        min_length=4,
        max_length=4,
        description="Beginning, Developing, Proficient, Excellent: what each level looks like",
    )


class RubricIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation": "northwind-analytics",
                    "name": "Data cleaning",
                    "criteria": [
                        {
                            "name": "Accuracy",
                            "weight": 2,
                            "descriptors": ["Many errors", "Some errors", "Few errors", "No errors, checked"],
                        }
                    ],
                }
            ]
        }
    )

    organisation: str = Field(max_length=80)
    name: str = Field(min_length=3, max_length=120)
    description: str = Field("", max_length=1000)
    criteria: list[CriterionIn] = Field(min_length=1, max_length=8)


class RubricLevelOut(Schema):
    score: int
    label: str
    descriptor: str


class RubricCriterionOut(Schema):
    id: int = Field(description="What a review's `scores` are keyed by")
    name: str
    weight: int
    description: str
    levels: list[RubricLevelOut]


class RubricDefinitionOut(Schema):
    uuid: UUID
    name: str
    description: str
    library: bool
    criteria: list[RubricCriterionOut]


# --- Paid templates ---------------------------------------------------------------------------


class TemplatePriceIn(Schema):
    price: str = Field(max_length=30, description='The price, e.g. "200.00"; "0" makes the template free')
    currency: str = Field(max_length=3, description="ISO 4217 code, e.g. EUR (sent with a price of 0 too)")
    permitted_use: str = Field("", max_length=4000, description="What a buyer may do with the template")
    attribution: str = Field("", max_length=400, description="How a buyer credits the author")


class TemplatePriceOut(Schema):
    uuid: UUID
    name: str
    paid: bool
    price: str = Field(description='"" for a free template')
    currency: str
    permitted_use: str
    attribution: str
    fee_percent: int = Field(description="Rung's share of each licence")


class TemplateLicenceBuyIn(Schema):
    organisation: Slug = Field(description="The organisation that buys the licence")


class TemplateLicenceOut(Schema):
    uuid: UUID
    template: UUID
    template_name: str
    organisation: str
    price: str
    currency: str
    author_share: str
    fee_share: str
    bought_at: datetime
    record: dict[str, Any] = Field(description="The licence record as Rung signed it")
    record_text: str = Field(description="The exact signed text (canonical JSON)")
    signature: str = Field(description="Ed25519 over record_text, base64url")
    verification_method: str
    verified: bool = Field(description="Whether the stored record is exactly what Rung signed")
