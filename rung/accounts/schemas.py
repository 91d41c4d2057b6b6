from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field


class MeOut(Schema):
    uuid: UUID
    email: str
    full_name: str
    is_verified: bool
    is_staff: bool


ScopeName = Literal["read", "write", "money", "credentials"]


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[ScopeName] = Field(
        default_factory=lambda: list[ScopeName](["read"]),
        min_length=1,
        description="What the token may do: read, write, money, credentials (default: read).",
        examples=[["read", "write"]],
    )
    expires_at: datetime | None = Field(
        default=None, description="When the token stops working (at most a year ahead); none for no expiry."
    )


class TokenOut(Schema):
    uuid: UUID
    name: str
    prefix: str
    scopes: list[ScopeName]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    revoked_because: str = Field(description="Why it was revoked: revoked, password_changed, logged_out_everywhere.")
    is_active: bool

    @staticmethod
    def resolve_scopes(obj: object) -> list[str]:
        # Stored space-separated (as OAuth 2 writes scopes); given out as a list.
        if isinstance(obj, dict):
            return list(obj.get("scopes", []))
        return list(getattr(obj, "scope_list", []))


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown once; store it now.")
