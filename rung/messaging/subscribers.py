"""Side effects of messaging's domain events: telling participants (batched) and alerting staff.

Batching, so a lively conversation does not fill anyone's mailbox:
- at most one notification (in the centre and by e-mail) per conversation and person until that
  person reads the conversation: the dedupe key carries how far they had read;
- and none within NOTIFY_WINDOW of the last one for that conversation, even if they read it in between
  (someone replying every minute is already looking at the page, which refreshes itself).
The e-mail links back to the conversation; replies to it are not read (it says so).
"""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from rung.accounts.models import User
from rung.lib.events import Event, subscribe
from rung.messaging.models import Message
from rung.messaging.selectors import last_read_id, participants, title_for
from rung.notifications.models import Notification
from rung.notifications.services import notify

NOTIFY_WINDOW = timedelta(minutes=10)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def dedupe_prefix(conversation_uuid: object) -> str:
    return f"messages:{conversation_uuid}:"


@subscribe("message.sent")
def tell_participants(event: Event) -> None:
    message = (
        Message.objects.select_related(
            "sender",
            "conversation__project",
            "conversation__organisation",
            "conversation__candidate",
            "conversation__engagement__mentor",
        )
        .filter(pk=event.payload["message_id"])
        .first()
    )
    if message is None or message.is_hidden:
        return
    conversation = message.conversation
    url = reverse("messaging:conversation", args=[conversation.uuid])
    prefix = dedupe_prefix(conversation.uuid)
    # A candidate's question must not name them to the employer (the first pass may be blind).
    anonymous = conversation.is_question and message.sender_id == conversation.candidate_id
    sender_name = "A candidate" if anonymous else (message.sender.full_name or "Someone")
    since = timezone.now() - NOTIFY_WINDOW
    for person in participants(conversation):
        if person.pk == message.sender_id:
            continue
        read_to = last_read_id(person, conversation)
        if read_to >= message.pk:
            continue
        recently_told = Notification.objects.filter(
            Q(recipient=person, dedupe_key__startswith=prefix, created_at__gte=since)
        ).exists()
        if recently_told:
            continue
        _tell(person, message=message, url=url, sender_name=sender_name, anonymous=anonymous, read_to=read_to)


def _tell(person: User, *, message: Message, url: str, sender_name: str, anonymous: bool, read_to: int) -> None:
    conversation = message.conversation
    project = conversation.project.title
    notify(
        [person],
        verb="message.sent",
        title=_short(f"New message from {sender_name} about “{project}”", 150),
        body="Read it and reply in the conversation on Rung. Replies to the e-mail are not read.",
        url=url,
        actor=None if anonymous else message.sender,
        email_template="messaging/email/new_messages",
        context={"sender_name": sender_name, "conversation_title": title_for(conversation, person)},
        dedupe_key=f"{dedupe_prefix(conversation.uuid)}{read_to}",
    )


@subscribe("message.reported")
def alert_staff(event: Event) -> None:
    message = Message.objects.filter(pk=event.payload["message_id"]).first()
    if message is None:
        return
    staff = User.objects.filter(is_staff=True, is_active=True)
    # Told once per message, however many people report it.
    notify(
        staff,
        verb="message.reported",
        title="A message was reported",
        body="A participant reported a message in a conversation. It waits in the moderation list.",
        url=reverse("messaging:moderation"),
        dedupe_key=f"message.reported:{message.uuid}",
    )
