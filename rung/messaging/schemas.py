from datetime import datetime
from typing import Any
from uuid import UUID

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from rung.accounts.requests import request_user
from rung.messaging import selectors
from rung.messaging.models import Conversation, Message


def _viewer(context: Any) -> Any:
    return request_user(context["request"])


class ConversationOut(Schema):
    uuid: UUID
    kind: str = Field(description="engagement, or question (a candidate's question before applying)")
    title: str = Field(description="As the person asking sees it")
    project: UUID
    organisation: str
    engagement: UUID | None
    last_message_at: datetime | None
    unread: int = Field(description="Messages by others you have not read")

    @staticmethod
    def resolve_title(obj: Conversation, context: Any) -> str:
        return selectors.title_for(obj, _viewer(context))

    @staticmethod
    def resolve_project(obj: Conversation) -> UUID:
        return obj.project.uuid

    @staticmethod
    def resolve_organisation(obj: Conversation) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_engagement(obj: Conversation) -> UUID | None:
        return obj.engagement.uuid if obj.engagement is not None else None

    @staticmethod
    def resolve_unread(obj: Conversation, context: Any) -> int:
        annotated = getattr(obj, "unread", None)
        return annotated if annotated is not None else selectors.unread_in(_viewer(context), obj)


class ConversationDetailOut(ConversationOut):
    audience: str = Field(description="Who can read the conversation")

    @staticmethod
    def resolve_audience(obj: Conversation, context: Any) -> str:
        return selectors.audience(obj, _viewer(context))


class AttachmentOut(Schema):
    uuid: UUID
    name: str
    size: int
    content_type: str
    sha256: str
    download_url: str


class MessageOut(Schema):
    uuid: UUID
    conversation: UUID
    sender: str = Field(description="'You', a name, or 'The candidate' in a question the employer answers")
    mine: bool
    body: str = Field(description="Empty if staff hid the message")
    hidden: bool
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_conversation(obj: Message) -> UUID:
        return obj.conversation.uuid

    @staticmethod
    def resolve_sender(obj: Message, context: Any) -> str:
        return selectors.sender_label(obj, viewer=_viewer(context), conversation=obj.conversation)

    @staticmethod
    def resolve_mine(obj: Message, context: Any) -> bool:
        return obj.sender_id == _viewer(context).pk

    @staticmethod
    def resolve_body(obj: Message) -> str:
        return "" if obj.is_hidden else obj.body

    @staticmethod
    def resolve_hidden(obj: Message) -> bool:
        return obj.is_hidden

    @staticmethod
    def resolve_attachments(obj: Message) -> list[AttachmentOut]:
        if obj.is_hidden:
            return []
        return [
            AttachmentOut(
                uuid=a.uuid,
                name=a.original_name,
                size=a.size,
                content_type=a.content_type,
                sha256=a.sha256,
                download_url=reverse("api-1.0.0:messaging_download", args=[a.uuid]),
            )
            for a in obj.attachments.all()
        ]


class ConversationMessageIn(Schema):
    body: str = Field("", description="At most 4,000 characters; may be empty only with files")


class ReportIn(Schema):
    reason: str = Field(description="What is wrong with the message (at least 10 characters); only staff read it")


class ReportOut(Schema):
    uuid: UUID
    message: UUID
    status: str
    created_at: datetime

    @staticmethod
    def resolve_message(obj: Any) -> UUID:
        return obj.message.uuid


class ReadOut(Schema):
    unread: int = Field(description="Unread messages left in this conversation (0)")


class MessagesUnreadOut(Schema):
    unread: int = Field(description="Unread messages in all your conversations")
