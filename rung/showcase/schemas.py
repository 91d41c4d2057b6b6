from datetime import datetime
from uuid import UUID

from ninja import Schema


class ShowcaseItemOut(Schema):
    uuid: UUID
    slug: str
    title: str
    summary: str
    organisation: str
    links: list[str]
    skills: list[str]
    featured: bool
    licence: str
    credential_uuid: UUID | None
    published_at: datetime | None


class ShowcaseMyItemOut(ShowcaseItemOut):
    status: str
    consent_status: str
    consent_reason: str
    curator_notes: str


class ShowcaseConsentIn(Schema):
    approve: bool
    reason: str = ""


class ShowcaseReportIn(Schema):
    kind: str
    target_uuid: UUID
    reason: str


class ShowcaseReportOut(Schema):
    uuid: UUID
    status: str
