from datetime import datetime

from ninja import Schema
from pydantic import Field


class PayoutDetailsIn(Schema):
    """New payout details; which account fields apply depends on the bank's country."""

    account_holder: str = Field(max_length=200)
    country: str = Field(max_length=2, description="The bank's country, e.g. DE, GB, US")
    iban: str = Field("", max_length=60, description="IBAN countries (most of Europe)")
    bic: str = Field("", max_length=20, description="Optional when schwifty knows the IBAN's bank")
    sort_code: str = Field("", max_length=12, description="GB: six digits")
    account_number: str = Field("", max_length=30, description="GB (eight digits) or US (4 to 17 digits)")
    routing_number: str = Field("", max_length=12, description="US: nine digits with an ABA checksum")
    legal_name: str = Field(max_length=200)
    address: str = Field(max_length=500)
    tax_residence: str = Field(max_length=2)
    tax_id: str = Field("", max_length=40)


class MaskedPayoutDetailsOut(Schema):
    country: str
    form: str = Field(description="iban, uk or us")
    tax_residence: str
    masked: str = Field(examples=["DE89 •••• •••• 3000"])
    confirmed_at: datetime


class PendingPayoutDetailsOut(Schema):
    country: str
    form: str
    masked: str
    requested_at: datetime
    expires_at: datetime


class PayoutDetailsOut(Schema):
    """Your payout details as anyone may see them: masked. The numbers are never sent back."""

    details: MaskedPayoutDetailsOut | None
    pending_change: PendingPayoutDetailsOut | None = Field(
        description="A change waiting for you to open the link e-mailed to you"
    )
    note: str = Field("", description="Something to know about the change, e.g. an unchecked tax identifier")
