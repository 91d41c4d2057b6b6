from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import Field, field_validator

from rung.orgs.models import OrgKind, Role, Verification


class OrgIn(Schema):
    name: str = Field(min_length=2, max_length=120)
    kind: OrgKind
    email_domain: str = Field(min_length=3, max_length=120)
    website: str = Field("", max_length=200)
    description: str = Field("", max_length=3000)


class OrgUpdateIn(Schema):
    name: str = Field(min_length=2, max_length=120)
    website: str = Field("", max_length=200)
    description: str = Field("", max_length=3000)


class OrgOut(Schema):
    uuid: UUID
    slug: str
    name: str
    kind: str
    email_domain: str
    website: str
    description: str
    verification: str
    verified_at: datetime | None


class MemberOut(Schema):
    uuid: UUID
    email: str
    full_name: str
    role: str
    joined_at: datetime


class InviteIn(Schema):
    email: str = Field(max_length=254)
    role: Role

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError("enter a valid e-mail address") from None
        return value


class InvitationOut(Schema):
    uuid: UUID
    email: str
    role: str
    created_at: datetime
    expires_at: datetime
    status: str


class InvitationCreatedOut(InvitationOut):
    token: str = Field(description="The secret for the invitation link; also e-mailed to the invitee.")


class AcceptIn(Schema):
    token: str = Field(min_length=10, max_length=200)


class RoleIn(Schema):
    role: Role


class VerificationIn(Schema):
    status: Verification
    note: str = Field("", max_length=2000)
