from datetime import date, datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field, StrictBool, StrictInt


class MilestoneOut(Schema):
    uuid: UUID
    position: int
    title: str
    description: str
    due_date: date
    share_percent: int
    amount_minor: int
    status: str
    change_rounds_used: int
    submitted_at: datetime | None
    approved_at: datetime | None
    auto_approved: bool


class EngagementOut(Schema):
    uuid: UUID
    project: UUID
    project_title: str
    organisation: str
    candidate_name: str
    status: str
    start_date: date
    end_date: date
    stipend_minor: int
    currency: str
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None


class SignatureOut(Schema):
    role: str
    typed_name: str
    signer_email: str | None = Field(description="Shown to the parties and staff only; null for other members")
    signed_at: datetime
    ip_address: str | None = Field(description="Shown to the parties and staff only; null for other members")
    text_sha256: str


class ContractOut(Schema):
    uuid: UUID
    version: int
    status: str
    template_version: str
    change_summary: str
    created_at: datetime
    signed_at: datetime | None
    text_sha256: str
    hash_verified: bool
    signatures: list[SignatureOut]
    text: str


class CancellationQuoteOut(Schema):
    started: bool
    by_employer: bool
    released_minor: int
    unreleased_minor: int
    kill_fee_minor: int
    refund_minor: int
    currency: str
    summary: str


class EngagementDetailOut(EngagementOut):
    scope: str
    review_rounds: int
    cancel_reason: str
    milestones: list[MilestoneOut]
    contract_in_force: UUID | None
    pending_amendment: UUID | None
    contracts: list[UUID]


class SignIn(Schema):
    typed_name: str = Field(max_length=150)
    consent: StrictBool = False
    text_sha256: str | None = Field(None, max_length=64, description="The hash of the text you read; refused if stale")


class AmendmentIn(Schema):
    change_summary: str = Field(max_length=2000)
    scope: str | None = Field(None, max_length=4000)
    milestone_dates: dict[UUID, date] = Field(default_factory=dict)
    stipend_minor: StrictInt | None = Field(None, gt=0)


class EngagementCancelIn(Schema):
    reason: str = Field(max_length=2000)
