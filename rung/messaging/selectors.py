"""Reads of conversations, always scoped to the person asking.

Participants are worked out, not stored: the candidate (the intern, or the person who asked),
members of the employer whose role may review (owners, managers, reviewers), and the engagement's
mentor. Everyone else — outsiders, the organisation's viewers and unassigned mentors, and staff —
gets NotFound. Staff reach a message only through a report of it (`get_report_for_staff`).
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from rung.accounts.models import User
from rung.engagements.models import Engagement
from rung.lib.errors import NotFound
from rung.messaging.models import (
    Conversation,
    ConversationKind,
    Message,
    MessageAttachment,
    MessageReport,
    ReadMarker,
    ReportStatus,
)
from rung.orgs.models import Membership, Role, role_can

# Roles of the employer's people who answer in conversations (owner, manager, reviewer).
ANSWERING_ROLES = [role for role in Role.values if role_can(role, "review")]
CONTEXT_MESSAGES = 2  # on each side of a reported message, for staff


def _answering_org_ids(user: User) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(user=user, role__in=ANSWERING_ROLES).values("organisation_id")


def conversations_for(user: User) -> QuerySet[Conversation]:
    """Every conversation the user takes part in (staff are no exception)."""
    if not user.is_authenticated:
        return Conversation.objects.none()
    return Conversation.objects.filter(
        Q(candidate=user) | Q(engagement__mentor=user) | Q(organisation_id__in=_answering_org_ids(user))
    )


def _last_read(user: User) -> Subquery:
    return Subquery(
        ReadMarker.objects.filter(conversation=OuterRef("conversation_id"), user=user).values("last_read_message_id")[
            :1
        ],
        output_field=IntegerField(),
    )


def unread_messages(user: User) -> QuerySet[Message]:
    """Visible messages by others that the user has not read, in every conversation they take part in."""
    return (
        Message.objects.filter(conversation__in=conversations_for(user), hidden_at=None)
        .exclude(sender=user)
        .alias(last_read=Coalesce(_last_read(user), Value(0)))
        .filter(id__gt=F("last_read"))
    )


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return unread_messages(user).count()


def inbox(user: User) -> QuerySet[Conversation]:
    """The user's conversations, newest activity first, each with `unread` (messages by others not yet read)."""
    marker = ReadMarker.objects.filter(conversation=OuterRef("pk"), user=user).values("last_read_message_id")[:1]
    unread = (
        Message.objects.filter(conversation=OuterRef("pk"), hidden_at=None)
        .exclude(sender=user)
        .filter(id__gt=Coalesce(Subquery(marker, output_field=IntegerField()), Value(0)))
        .order_by()
        .values("conversation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        conversations_for(user)
        .exclude(last_message_at=None)
        .select_related("project", "organisation", "candidate", "engagement")
        .annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
        .order_by("-last_message_at", "-pk")
    )


def is_participant(user: User, conversation: Conversation) -> bool:
    if not user.is_authenticated:
        return False
    if conversation.candidate_id == user.pk:
        return True
    if conversation.engagement is not None and conversation.engagement.mentor_id == user.pk:
        return True
    return Membership.objects.filter(
        user=user, organisation_id=conversation.organisation_id, role__in=ANSWERING_ROLES
    ).exists()


def takes_part_in_engagement(user: User, engagement: Engagement) -> bool:
    """Whether the user belongs in the engagement's conversation (before it exists, too)."""
    if not user.is_authenticated:
        return False
    if user.pk in (engagement.candidate_id, engagement.mentor_id):
        return True
    return Membership.objects.filter(
        user=user, organisation_id=engagement.project.organisation_id, role__in=ANSWERING_ROLES
    ).exists()


def participants(conversation: Conversation) -> list[User]:
    """Everyone who may read and write in the conversation, the candidate first."""
    people = [conversation.candidate]
    engagement = conversation.engagement
    if engagement is not None and engagement.mentor is not None:
        people.append(engagement.mentor)
    memberships = Membership.objects.filter(
        organisation_id=conversation.organisation_id, role__in=ANSWERING_ROLES
    ).select_related("user")
    people.extend(m.user for m in memberships)
    seen: set[int] = set()
    unique = []
    for person in people:
        if person.pk not in seen and person.is_active:
            seen.add(person.pk)
            unique.append(person)
    return unique


def _with_relations(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return qs.select_related("project", "organisation", "candidate", "engagement", "engagement__mentor")


def get_conversation_for_user(user: User, conversation_uuid: str) -> Conversation:
    """The conversation, if the user takes part in it. Everyone else — staff too — gets NotFound."""
    conversation = _with_relations(conversations_for(user)).filter(uuid=conversation_uuid).first()
    if conversation is None:
        raise NotFound("No such conversation.")
    return conversation


def engagement_conversation(engagement: Engagement) -> Conversation | None:
    return _with_relations(Conversation.objects.filter(engagement=engagement)).first()


def question_thread(user: User, project_id: int) -> Conversation | None:
    return _with_relations(
        Conversation.objects.filter(kind=ConversationKind.QUESTION, candidate=user, project_id=project_id)
    ).first()


def get_message_for_user(user: User, message_uuid: str) -> Message:
    message = (
        Message.objects.filter(uuid=message_uuid, conversation__in=conversations_for(user))
        .select_related("conversation", "sender")
        .first()
    )
    if message is None:
        raise NotFound("No such message.")
    return message


def get_attachment_for_user(user: User, attachment_uuid: str) -> MessageAttachment:
    """A participant's attachment (not of a hidden message); staff may fetch those of a reported message."""
    attachment = MessageAttachment.objects.select_related("message__conversation").filter(uuid=attachment_uuid).first()
    if attachment is None:
        raise NotFound("No such file.")
    message = attachment.message
    if user.is_staff and message.reports.exists():
        return attachment
    if message.is_hidden or not conversations_for(user).filter(pk=message.conversation_id).exists():
        raise NotFound("No such file.")
    return attachment


def messages_of(conversation: Conversation, *, after_id: int = 0, limit: int | None = None) -> list[Message]:
    """The conversation's messages in order; with `limit`, the latest ones."""
    qs = (
        Message.objects.filter(conversation=conversation, id__gt=after_id)
        .select_related("sender")
        .prefetch_related("attachments")
    )
    if limit is None:
        return list(qs.order_by("id"))
    latest = list(qs.order_by("-id")[:limit])
    latest.reverse()
    return latest


def earlier_count(conversation: Conversation, first: Message | None) -> int:
    if first is None:
        return 0
    return Message.objects.filter(conversation=conversation, id__lt=first.pk).count()


def last_read_id(user: User, conversation: Conversation) -> int:
    marker = ReadMarker.objects.filter(conversation=conversation, user=user).values_list(
        "last_read_message_id", flat=True
    )
    return next(iter(marker), 0)


def unread_in(user: User, conversation: Conversation) -> int:
    return (
        Message.objects.filter(conversation=conversation, hidden_at=None, id__gt=last_read_id(user, conversation))
        .exclude(sender=user)
        .count()
    )


def is_employer_side(user: User, conversation: Conversation) -> bool:
    return user.pk != conversation.candidate_id


def sender_label(message: Message, *, viewer: User, conversation: Conversation) -> str:
    """The name shown for a message's sender to this viewer.

    A candidate's question before applying does not name them to the employer: the first pass of
    selection may be blind, and a question must not undo that.
    """
    if message.sender_id == viewer.pk:
        return "You"
    if conversation.is_question and message.sender_id == conversation.candidate_id:
        return "The candidate"
    name = message.sender.full_name or "Someone"
    if message.sender_id != conversation.candidate_id and conversation.is_question:
        return f"{name} ({conversation.organisation.name})"
    return name


def title_for(conversation: Conversation, viewer: User) -> str:
    project = conversation.project.title
    if conversation.is_question:
        if viewer.pk == conversation.candidate_id:
            return f"Your question about “{project}” to {conversation.organisation.name}"
        return f"A candidate's question about “{project}”"
    if viewer.pk == conversation.candidate_id:
        return f"“{project}” with {conversation.organisation.name}"
    return f"“{project}” with {conversation.candidate.full_name}"


@dataclass(frozen=True)
class ReportContext:
    report: MessageReport
    before: list[Message]
    after: list[Message]


def reports_for_staff(user: User, *, open_only: bool = True) -> QuerySet[MessageReport]:
    if not user.is_staff:
        return MessageReport.objects.none()
    qs = MessageReport.objects.select_related("message", "message__sender", "reporter", "message__conversation")
    if open_only:
        qs = qs.filter(status=ReportStatus.OPEN)
    return qs.order_by("-created_at", "-pk")


def get_report_for_staff(user: User, report_uuid: str) -> ReportContext:
    """A report with its message and the few messages either side of it — and nothing else."""
    report = reports_for_staff(user, open_only=False).filter(uuid=report_uuid).first()
    if report is None:
        raise NotFound("No such report.")
    message = report.message
    around = Message.objects.filter(conversation_id=message.conversation_id).select_related("sender")
    before = list(around.filter(id__lt=message.pk).order_by("-id")[:CONTEXT_MESSAGES])
    before.reverse()
    after = list(around.filter(id__gt=message.pk).order_by("id")[:CONTEXT_MESSAGES])
    return ReportContext(report=report, before=before, after=after)


@dataclass(frozen=True)
class MessageRow:
    """One message as a given person sees it."""

    message: Message
    sender: str
    mine: bool


def rows_for(messages: list[Message], *, viewer: User, conversation: Conversation) -> list[MessageRow]:
    return [
        MessageRow(
            message=m,
            sender=sender_label(m, viewer=viewer, conversation=conversation),
            mine=m.sender_id == viewer.pk,
        )
        for m in messages
    ]


def audience(conversation: Conversation, viewer: User) -> str:
    """Who can read the conversation, in words for the person looking at it."""
    org = conversation.organisation.name
    if conversation.is_question:
        if viewer.pk == conversation.candidate_id:
            return f"You and the owners, managers and reviewers of {org}. They do not see your name."
        return f"The candidate (not named, as in a blind first pass) and the owners, managers and reviewers of {org}."
    names = []
    for person in participants(conversation):
        if person.pk == conversation.candidate_id:
            names.append(f"{person.full_name} (intern)")
        elif conversation.engagement is not None and person.pk == conversation.engagement.mentor_id:
            names.append(f"{person.full_name} (mentor)")
        else:
            names.append(f"{person.full_name} ({org})")
    return ", ".join(names) + "."


def message_id_for(conversation: Conversation, message_uuid: str) -> int | None:
    """The position of a message (by its uuid) in the conversation, for 'what is new after it'."""
    try:
        return Message.objects.filter(conversation=conversation, uuid=message_uuid).values_list("id", flat=True).first()
    except ValidationError:
        return None
