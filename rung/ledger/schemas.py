"""Money in the API: integer minor units plus an ISO 4217 code, as stored; `display` strings for people."""

from datetime import datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field

from rung.ledger.models import DelayCause, Deposit, Payout
from rung.ledger.providers import PAYMENT_PROVIDERS
from rung.ledger.selectors import payout_target_business_days


class DepositOut(Schema):
    uuid: UUID
    reference: str = Field(description="What the employer quotes on the bank transfer")
    organisation: str = Field(description="Slug of the paying organisation")
    project_uuid: UUID
    status: str = Field(description="pending, confirmed or cancelled")
    currency: str
    seats: int
    stipend_minor: int
    escrow_minor: int = Field(description="stipend × seats, held in the project's escrow")
    fee_percent: str
    fee_minor: int
    amount_minor: int = Field(description="What the employer pays: escrow + fee")
    provider: str
    instructions: str = Field(description="How to pay, while the deposit is pending")
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str

    @staticmethod
    def resolve_organisation(obj: Deposit) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_fee_percent(obj: Deposit) -> str:
        return str(obj.fee_percent)

    @staticmethod
    def resolve_instructions(obj: Deposit) -> str:
        provider = PAYMENT_PROVIDERS.get(obj.provider)
        return provider().instructions(obj) if provider and obj.status == "pending" else ""


class PayoutOut(Schema):
    uuid: UUID
    engagement_uuid: UUID
    status: str = Field(description="pending → sent → settled, or failed (the money is owed again)")
    currency: str
    amount_minor: int
    provider: str
    approved_at: datetime | None = Field(description="Approval of the oldest money in it: the payout clock starts")
    due_by: datetime | None = Field(description="Approval plus the target number of business days")
    late: bool
    created_at: datetime
    sent_at: datetime | None
    settled_at: datetime | None
    failed_at: datetime | None
    failure_reason: str
    business_days_to_settle: int | None

    @staticmethod
    def resolve_due_by(obj: Payout) -> datetime | None:
        return obj.due_by(payout_target_business_days())

    @staticmethod
    def resolve_late(obj: Payout) -> bool:
        return obj.is_late(payout_target_business_days())


class StaffPayoutOut(PayoutOut):
    intern_email: str
    intern_name: str
    batch_reference: str
    provider_reference: str
    delay_cause: str = Field(description="Who made a late payout late: employer, platform, intern, or blank")
    delay_note: str

    @staticmethod
    def resolve_intern_email(obj: Payout) -> str:
        return obj.intern.email

    @staticmethod
    def resolve_intern_name(obj: Payout) -> str:
        return obj.intern.full_name


class EmployerTotalsOut(Schema):
    currency: str
    deposited_minor: int
    fees_minor: int
    in_escrow_minor: int
    released_minor: int = Field(description="To interns: milestone releases and kill fees")
    refunded_minor: int = Field(description="From escrow back to the funding balance")
    funding_balance_minor: int


class EscrowOut(Schema):
    project_uuid: UUID
    currency: str
    balance_minor: int


class MovementOut(Schema):
    uuid: UUID
    kind: str
    created_at: datetime
    project_uuid: UUID | None
    memo: str
    entries: list[dict[str, str | int]] = Field(description="account kind, currency and signed amount of each entry")


class EmployerStatementOut(Schema):
    organisation: str
    totals: list[EmployerTotalsOut]
    escrow: list[EscrowOut]
    movements: list[MovementOut] = Field(description="The latest movements, newest first")
    employer_caused_delays: int = Field(description="Late payouts Rung staff found this employer caused")


class InternTotalsOut(Schema):
    currency: str
    earned_minor: int = Field(description="Every approved milestone and kill fee")
    owed_minor: int = Field(description="Approved, not yet in a payout")
    in_transit_minor: int = Field(description="In a payout that has not arrived")
    pending_minor: int = Field(description="owed + in transit: earned and not yet paid")
    paid_minor: int


class InternStatementOut(Schema):
    totals: list[InternTotalsOut]
    payouts: list[PayoutOut]


class BalanceOut(Schema):
    currency: str
    account_kind: str
    balance_minor: int


class PlatformOut(Schema):
    consistent: bool
    summary: str
    problems: list[str]
    balances: list[BalanceOut]
    overdue_payouts: int


class ConfirmDepositIn(Schema):
    reference: str = Field(min_length=1, max_length=40, description="The reference quoted on the transfer")
    amount: str = Field(min_length=1, max_length=30, description="The amount received, e.g. 2200.00")
    bank_reference: str = Field("", max_length=200)


class DepositCancelIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class SettleIn(Schema):
    reference: str = Field("", max_length=200, description="The bank's reference for the payment")


class FailIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class DelayIn(Schema):
    cause: DelayCause
    note: str = Field("", max_length=500)
