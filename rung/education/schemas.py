from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class EduAffiliationIn(Schema):
    partner: str = Field(description="The education partner's slug")
    method: str = Field("email", description="'email' (a code to your address there) or 'partner' (it confirms you)")
    email: str = ""
    student_number: str = ""


class EduCodeIn(Schema):
    code: str


class EduConsentIn(Schema):
    credentials: bool | None = None
    rubric: bool | None = None
    feedback: bool | None = None
    hours: bool | None = None
    submissions: bool | None = None


class EduAffiliationOut(Schema):
    uuid: UUID
    partner: str
    status: str
    method: str
    consent: dict[str, bool]


class EduAgreementIn(Schema):
    title: str
    scope: str = Field(description="'template', 'employer' or 'skills'")
    employer: str = Field("", description="The employer's slug, for the employer scope")
    skills: list[str] = Field(default_factory=list, description="Skill slugs, for the skills scope")
    template: str = Field("", description="A catalogue template's uuid, for the template scope")
    course_code: str
    course_name: str = ""
    credit_unit: str = Field(description="'ECTS', 'credit hours', 'CATS points' or 'exemption'")
    credit_amount: Decimal = Decimal(0)
    valid_from: date
    valid_until: date
    min_hours: int = Field(0, ge=0, le=2000)
    rubric_levels: list[dict[str, str]] = Field(default_factory=list, description='[{"criterion", "level"}]')
    outcome_map: list[dict[str, str]] = Field(default_factory=list, description='[{"outcome", "course_outcome"}]')
    auto_approve: bool = False
    employer_cosign: bool = False


class EduAgreementOut(Schema):
    uuid: UUID
    series: UUID
    version: int
    partner: str
    status: str
    title: str
    scope: str
    covers: str
    credit: str
    conditions: list[str]
    text_sha256: str


class EduSignIn(Schema):
    typed_name: str
    consent: bool


class EduClaimOut(Schema):
    uuid: UUID
    agreement: UUID
    project: str
    student: str
    status: str
    automatic: bool
    checks: list[dict[str, Any]]
    evidence: dict[str, Any]
    comment: str
    failed_condition: str
    decided_at: datetime | None


class EduDecisionIn(Schema):
    approve: bool
    comment: str = ""
    failed_condition: str = ""


class EduTranscriptOut(Schema):
    uuid: UUID
    credential: UUID
    issuer: str
    credits: int


class EduMonthOut(Schema):
    month: date
    by_reviewer: int
    automatic: int
    total: int


class EduDashboardOut(Schema):
    students: dict[str, int]
    claims: dict[str, int]
    agreements: dict[str, int]
    stacks: int
    by_month: list[EduMonthOut] = Field(
        default_factory=list, description="Credit approved in each of the last 12 months"
    )
