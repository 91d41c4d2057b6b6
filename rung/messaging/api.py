from uuid import UUID

from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.engagements.selectors import get_engagement_for_user
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import NotFound
from rung.messaging import selectors, services
from rung.messaging.models import Conversation, Message, MessageReport
from rung.messaging.schemas import (
    ConversationDetailOut,
    ConversationMessageIn,
    ConversationOut,
    MessageOut,
    MessagesUnreadOut,
    ReadOut,
    ReportIn,
    ReportOut,
)
from rung.projects.selectors import get_project_for_user
from rung.reviews.views import attachment_response

router = Router(tags=["conversations"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _message(message: Message) -> Message:
    return Message.objects.select_related("conversation__organisation", "conversation__project", "sender").get(
        pk=message.pk
    )


@router.get("", response=list[ConversationOut], summary="Your conversations, latest activity first, with unread counts")
@paginate(Pagination)
def list_conversations(request: HttpRequest) -> QuerySet[Conversation]:
    return selectors.inbox(request_user(request))


@router.get("/unread-count", response=MessagesUnreadOut, summary="Unread messages in all your conversations")
def unread_count(request: HttpRequest) -> MessagesUnreadOut:
    return MessagesUnreadOut(unread=selectors.unread_count(request_user(request)))


@router.get("/{uuid:conversation_uuid}", response={200: ConversationDetailOut, **ERRORS})
def get_conversation(request: HttpRequest, conversation_uuid: UUID) -> Conversation:
    return selectors.get_conversation_for_user(request_user(request), str(conversation_uuid))


@router.get(
    "/{uuid:conversation_uuid}/messages",
    response={200: list[MessageOut], **ERRORS},
    summary="A conversation's messages, newest first (does not mark them read)",
)
@paginate(Pagination)
def list_messages(request: HttpRequest, conversation_uuid: UUID) -> QuerySet[Message]:
    conversation = selectors.get_conversation_for_user(request_user(request), str(conversation_uuid))
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("sender", "conversation__organisation", "conversation__project")
        .prefetch_related("attachments")
        .order_by("-id")
    )


@router.post(
    "/{uuid:conversation_uuid}/messages",
    response={201: MessageOut, **ERRORS},
    summary="Post a message (multipart: body, files)",
)
def post_message(
    request: HttpRequest,
    conversation_uuid: UUID,
    payload: Form[ConversationMessageIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[Message]:
    user = request_user(request)
    conversation = selectors.get_conversation_for_user(user, str(conversation_uuid))
    message = services.send_message(conversation, sender=user, body=payload.body, files=list(files or []))
    return Status(201, _message(message))


@router.post(
    "/engagements/{uuid:engagement_uuid}/messages",
    response={201: MessageOut, **ERRORS},
    summary="Post in an engagement's conversation, starting it if nobody has written yet (multipart)",
)
def post_engagement_message(
    request: HttpRequest,
    engagement_uuid: UUID,
    payload: Form[ConversationMessageIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[Message]:
    user = request_user(request)
    engagement = get_engagement_for_user(user, str(engagement_uuid))
    message = services.send_engagement_message(engagement, sender=user, body=payload.body, files=list(files or []))
    return Status(201, _message(message))


@router.post(
    "/projects/{uuid:project_uuid}/questions",
    response={201: MessageOut, **ERRORS},
    summary="Candidate: ask the employer a private question about a published project (multipart)",
)
def ask_question(
    request: HttpRequest,
    project_uuid: UUID,
    payload: Form[ConversationMessageIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[Message]:
    user = request_user(request)
    project, _ = get_project_for_user(user, str(project_uuid))
    message = services.ask_question(project, candidate=user, body=payload.body, files=list(files or []))
    return Status(201, _message(message))


@router.post("/{uuid:conversation_uuid}/read", response={200: ReadOut, **ERRORS}, summary="Mark the conversation read")
def mark_read(request: HttpRequest, conversation_uuid: UUID) -> ReadOut:
    user = request_user(request)
    conversation = selectors.get_conversation_for_user(user, str(conversation_uuid))
    services.mark_read(conversation, user=user)
    return ReadOut(unread=selectors.unread_in(user, conversation))


@router.post(
    "/messages/{uuid:message_uuid}/report",
    response={201: ReportOut, **ERRORS},
    summary="Report a message to Rung staff, with a reason",
)
def report_message(request: HttpRequest, message_uuid: UUID, payload: ReportIn) -> Status[MessageReport]:
    user = request_user(request)
    message = selectors.get_message_for_user(user, str(message_uuid))
    return Status(201, services.report_message(message, reporter=user, reason=payload.reason))


@router.get(
    "/files/{uuid:attachment_uuid}",
    response={200: None, **ERRORS},
    url_name="messaging_download",
    summary="Download a message's attachment (always as an attachment)",
)
def download(request: HttpRequest, attachment_uuid: UUID) -> FileResponse:
    item = selectors.get_attachment_for_user(request_user(request), str(attachment_uuid))
    try:
        handle = default_storage.open(item.file.name or "", "rb")
    except FileNotFoundError:
        raise NotFound("The file is missing from storage.") from None
    return attachment_response(handle, item)  # type: ignore[arg-type]
