from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class PilotIn(Schema):
    name: str = Field(max_length=120)
    starts_on: date
    ends_on: date
    projects: list[UUID] = Field(default_factory=list, max_length=200, description="Uuids of your projects")
    protocol: UUID | None = Field(None, description="A mentoring protocol of yours (or the platform's)")
    pathway: UUID | None = Field(None, description="One of your career pathways")
    target_interview_percent: int | None = Field(None, ge=0, le=100)
    target_hired_percent: int | None = Field(None, ge=0, le=100)
    target_nps: int | None = Field(None, ge=-100, le=100)
    target_payment_days: Decimal | None = Field(None, ge=0, le=365, max_digits=5, decimal_places=1)


class PilotOut(Schema):
    uuid: UUID
    name: str
    starts_on: date
    ends_on: date
    projects: list[UUID]
    protocol: UUID | None
    pathway: UUID | None
    target_interview_percent: int | None
    target_hired_percent: int | None
    target_nps: int | None
    target_payment_days: Decimal | None

    @staticmethod
    def resolve_projects(obj: Any) -> list[UUID]:
        return [p.uuid for p in obj.projects.all()]  # prefetched by the endpoints

    @staticmethod
    def resolve_protocol(obj: Any) -> UUID | None:
        return obj.protocol.uuid if obj.protocol else None

    @staticmethod
    def resolve_pathway(obj: Any) -> UUID | None:
        return obj.pathway.uuid if obj.pathway else None


class PilotTableOut(Schema):
    title: str
    rows: list[dict[str, Any]]


class PilotDashboardOut(Schema):
    label: str
    tables: dict[str, PilotTableOut] = Field(
        description="Every table of the dashboard (funnel, quality, satisfaction, timeliness, cost, mentoring, "
        "months, diversity-…); counts of 1 to 4 people are null ('fewer than 5')"
    )


class DiversityAnswersIn(Schema):
    gender: str = ""
    ethnicity: str = ""
    first_generation: str = ""
    disability: str = ""
    age_band: str = ""


class DiversityAnswersOut(DiversityAnswersIn):
    pass
