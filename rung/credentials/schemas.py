from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema
from pydantic import Field, StrictBool


class CredentialOut(Schema):
    uuid: UUID
    name: str
    organisation: str | None
    issued_at: datetime
    revoked: bool
    revoked_at: datetime | None
    shared: bool
    share_url: str = Field(description="The public verification page; answers only while `shared` is true.")
    json_url: str


class CredentialDetailOut(CredentialOut):
    credential: dict[str, Any] = Field(description="The signed OpenBadgeCredential, as issued.")


class ShareIn(Schema):
    enabled: StrictBool


class RevokeIn(Schema):
    reason: str = Field(min_length=5, max_length=2000, description="Told to the holder; not shown to verifiers.")


class RevocationOut(Schema):
    credential: UUID
    revoked_at: datetime
    acting_as: str


class CheckOut(Schema):
    name: str
    label: str
    outcome: str
    message: str


class ImportedOut(Schema):
    uuid: UUID
    name: str
    issuer_id: str
    issuer_name: str
    issued_on: datetime | None
    verified: bool
    checked_at: datetime
    imported_at: datetime
    checks: list[CheckOut]
    warnings: list[str]
