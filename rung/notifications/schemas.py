from datetime import datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field

from rung.notifications.models import Notification


class NotificationOut(Schema):
    uuid: UUID
    verb: str = Field(description="What happened, dotted, e.g. application.shortlisted")
    title: str
    body: str
    url: str = Field(description="A link relative to the site, or empty")
    actor: str | None = Field(description="The name of whoever caused it, if anyone")
    created_at: datetime
    read_at: datetime | None
    unread: bool

    @staticmethod
    def resolve_actor(obj: Notification) -> str | None:
        return str(obj.actor) if obj.actor else None

    @staticmethod
    def resolve_unread(obj: Notification) -> bool:
        return obj.is_unread


class MarkedOut(Schema):
    marked: int = Field(description="How many notifications were unread and are now read")


class UnreadOut(Schema):
    unread: int
