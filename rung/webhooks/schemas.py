from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from rung.webhooks.models import Delivery


class EndpointIn(Schema):
    url: str = Field(max_length=500, examples=["https://ats.example.com/hooks/rung"])
    events: list[str] = Field(min_length=1, max_length=20, examples=[["outcome.recorded"]])
    description: str = Field(default="", max_length=200)


class EndpointPatch(Schema):
    url: str | None = Field(default=None, max_length=500)
    events: list[str] | None = Field(default=None, max_length=20)
    active: bool | None = None
    description: str | None = Field(default=None, max_length=200)


class EndpointOut(Schema):
    uuid: UUID
    url: str
    events: list[str]
    active: bool
    description: str
    created_at: datetime
    rotated_at: datetime | None
    previous_secret_expires_at: datetime | None


class EndpointSecretOut(Schema):
    endpoint: EndpointOut
    secret: str = Field(description="Shown once: keep it in your receiver to check signatures")


class DeliveryOut(Schema):
    uuid: UUID
    event_id: UUID
    event: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    replay_of: UUID | None
    created_at: datetime

    @staticmethod
    def resolve_event_id(obj: Delivery) -> UUID:
        return obj.event.uuid

    @staticmethod
    def resolve_event(obj: Delivery) -> str:
        return obj.event.name

    @staticmethod
    def resolve_replay_of(obj: Delivery) -> UUID | None:
        return obj.replay_of.uuid if obj.replay_of else None
