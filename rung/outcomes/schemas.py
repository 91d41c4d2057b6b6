from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema

from rung.outcomes.models import Outcome


class OutcomeRecordIn(Schema):
    candidate_email: str = Field(max_length=254, description="The candidate, who has worked on one of your projects")
    stage: str = Field(description="invited, interviewed, offered, hired, declined or not_selected")
    role_title: str = Field(default="", max_length=160)
    employment_type: str = Field(
        default="", description="full_time, part_time, fixed_term, apprenticeship or internship (required for a hire)"
    )
    start_date: date | None = Field(default=None, description="Required for a hire")
    external_ref: str = Field(
        default="", max_length=120, description="Your applicant tracking system's id: pushing it again advances"
    )


class OutcomeAdvanceIn(Schema):
    stage: str
    role_title: str = Field(default="", max_length=160)
    employment_type: str = ""
    start_date: date | None = None


class OutcomeRespondIn(Schema):
    confirm: bool
    note: str = Field(default="", max_length=2000, description="Required when disputing")


class OutcomeOut(Schema):
    uuid: UUID
    organisation: str
    candidate: str
    stage: str
    role_title: str
    employment_type: str
    start_date: date | None
    source: str
    external_ref: str
    candidate_response: str
    candidate_note: str
    updated_at: datetime

    @staticmethod
    def resolve_organisation(obj: Outcome) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_candidate(obj: Outcome) -> str:
        return obj.candidate.email


class InternSurveyIn(Schema):
    recommend: int = Field(ge=0, le=10)
    comment: str = Field(default="", max_length=2000)


class EmployerSurveyIn(Schema):
    platform_score: int = Field(ge=0, le=10)
    would_hire: str = Field(description="yes, maybe or no")


class SurveyAnsweredOut(Schema):
    answered: bool
