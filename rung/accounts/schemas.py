from datetime import datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field


class MeOut(Schema):
    uuid: UUID
    email: str
    full_name: str
    is_verified: bool
    is_staff: bool


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)


class TokenOut(Schema):
    uuid: UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown once; store it now.")
