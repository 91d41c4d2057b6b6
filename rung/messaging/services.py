"""Every change to conversations: posting messages (with checked attachments), asking a question
about a project, read markers, reports, and staff hiding a reported message.

Conversations are created on their first message, so an engagement page or a project page never
writes anything by being looked at. E-mail and staff alerts are side effects of the domain events
`message.sent` and `message.reported` (see subscribers.py).
"""

import uuid
from collections.abc import Callable, Sequence

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from rung.accounts.models import User
from rung.audit.services import record
from rung.engagements.models import Engagement
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.lib.events import emit
from rung.messaging.models import (
    REPORT_TRANSITIONS,
    Conversation,
    ConversationKind,
    Message,
    MessageAttachment,
    MessageReport,
    ReadMarker,
    ReportStatus,
)
from rung.messaging.selectors import is_participant, takes_part_in_engagement
from rung.orgs.models import Membership
from rung.projects.models import Project, ProjectStatus

# Submissions' rules decide what a file may be; importing them keeps one set of locks.
from rung.reviews.files import CheckedFile, check_file

MAX_BODY = 4000
MAX_FILES = 5
MIN_REASON = 10
MAX_REASON = 1000
MAX_NOTE = 500


class MessagingError(DomainError):
    pass


# --- Validation -----------------------------------------------------------------------------


def _no_nul(text: str, *, field: str, what: str) -> None:
    # PostgreSQL cannot store NUL in text, and no person types one: refuse it clearly.
    if "\x00" in text:
        raise MessagingError(f"{what} contains a NUL character (\\0), which cannot be sent; remove it.", field=field)


def clean_body(body: str, *, has_files: bool) -> str:
    """The message text as stored, or MessagingError saying what is wrong with it."""
    _no_nul(body, field="body", what="The message")
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text and not has_files:
        raise MessagingError("Write a message (or attach a file) before sending.", field="body")
    if len(text) > MAX_BODY:
        raise MessagingError(
            f"Keep a message to at most {MAX_BODY:,} characters (this one has {len(text):,}); send it in parts.",
            field="body",
        )
    return text


def _check_files(files: Sequence[UploadedFile]) -> list[CheckedFile]:
    if len(files) > MAX_FILES:
        raise MessagingError(f"Attach at most {MAX_FILES} files to one message; put more in a .zip.", field="files")
    return [check_file(f, name=f.name or "", size=f.size or 0) for f in files]


# --- Posting --------------------------------------------------------------------------------


def _post(
    find_conversation: Callable[[], Conversation], *, sender: User, body: str, files: Sequence[UploadedFile]
) -> Message:
    """Check everything, store the files, then write the message (creating the conversation if needed)."""
    files = list(files)
    text = clean_body(body, has_files=bool(files))
    checked = _check_files(files)
    message_uuid = uuid.uuid4()
    stored: list[str] = []
    try:
        # Storage is not transactional: files are written first and removed again if anything refuses.
        for upload, info in zip(files, checked, strict=True):
            upload.seek(0)
            stored.append(default_storage.save(f"messages/{message_uuid}/{uuid.uuid4()}.{info.extension}", upload))
        with transaction.atomic():
            conversation = find_conversation()
            # One writer at a time per conversation, so `last_message_at` and ids advance together.
            conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
            now = timezone.now()
            message = Message.objects.create(
                uuid=message_uuid, conversation=conversation, sender=sender, body=text, created_at=now
            )
            MessageAttachment.objects.bulk_create(
                MessageAttachment(message=message, **info.stored_as(name, at=now))
                for name, info in zip(stored, checked, strict=True)
            )
            Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
            conversation.last_message_at = now
            _advance_marker(conversation, sender, message.pk)  # what you wrote, you have read
            # The text is private to the participants: the audit trail keeps the fact, not the words.
            record(
                "message.sent",
                actor=sender,
                obj=message,
                data={
                    "conversation": str(conversation.uuid),
                    "characters": len(text),
                    "files": [{"name": i.display_name, "sha256": i.sha256, "size": i.size} for i in checked],
                },
            )
            emit("message.sent", message_id=message.pk, conversation_id=conversation.pk, actor_id=sender.pk)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return message


def send_message(conversation: Conversation, *, sender: User, body: str, files: Sequence[UploadedFile] = ()) -> Message:
    """Post in a conversation the sender takes part in."""
    if not is_participant(sender, conversation):
        raise NotFound("No such conversation.")
    return _post(lambda: conversation, sender=sender, body=body, files=files)


def _get_or_create(lookup: dict[str, object], defaults: dict[str, object]) -> Conversation:
    # Two first messages at once: the unique constraint picks one row and the loser reads it.
    existing = Conversation.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Conversation.objects.create(**lookup, **defaults)
    except IntegrityError:
        return Conversation.objects.get(**lookup)


def send_engagement_message(
    engagement: Engagement, *, sender: User, body: str, files: Sequence[UploadedFile] = ()
) -> Message:
    """Post in the engagement's conversation (the intern, the employer's reviewers and managers, the mentor)."""
    if not takes_part_in_engagement(sender, engagement):
        raise NotFound("No such engagement.")
    project = engagement.project

    def find() -> Conversation:
        return _get_or_create(
            {"engagement": engagement},
            {
                "kind": ConversationKind.ENGAGEMENT,
                "organisation_id": project.organisation_id,
                "project": project,
                "candidate_id": engagement.candidate_id,
            },
        )

    return _post(find, sender=sender, body=body, files=files)


def ask_question(project: Project, *, candidate: User, body: str, files: Sequence[UploadedFile] = ()) -> Message:
    """A candidate's private question to the employer about a published project (one thread per project)."""
    if Membership.objects.filter(user=candidate, organisation_id=project.organisation_id).exists():
        raise PermissionDenied(
            f"You are a member of {project.organisation.name}: talk to your colleagues there, not as a candidate."
        )
    existing = Conversation.objects.filter(kind=ConversationKind.QUESTION, candidate=candidate, project=project).first()
    if existing is None and project.status != ProjectStatus.PUBLISHED:
        raise MessagingError("Questions can be asked only while a project is open for applications.")

    def find() -> Conversation:
        return _get_or_create(
            {"kind": ConversationKind.QUESTION, "candidate": candidate, "project": project},
            {"organisation_id": project.organisation_id},
        )

    return _post(find, sender=candidate, body=body, files=files)


# --- Reading --------------------------------------------------------------------------------


def _advance_marker(conversation: Conversation, user: User, message_id: int) -> None:
    now = timezone.now()
    marker = ReadMarker.objects.filter(conversation=conversation, user=user).first()
    if marker is None:
        try:
            with transaction.atomic():
                ReadMarker.objects.create(conversation=conversation, user=user, last_read_message_id=message_id)
            return
        except IntegrityError:
            pass  # created a moment ago by another request: move it forward below
    # Compare-and-set: a marker only moves forward, whatever order requests arrive in.
    ReadMarker.objects.filter(conversation=conversation, user=user, last_read_message_id__lt=message_id).update(
        last_read_message_id=message_id, read_at=now
    )


def mark_read(conversation: Conversation, *, user: User, up_to: int | None = None) -> int:
    """Mark the conversation read up to message id `up_to` (default: its latest). Returns the marker's id."""
    if not is_participant(user, conversation):
        raise NotFound("No such conversation.")
    latest = Message.objects.filter(conversation=conversation).aggregate(m=Max("id"))["m"] or 0
    target = latest if up_to is None else min(up_to, latest)
    if target > 0:
        _advance_marker(conversation, user, target)
    return target


# --- Reports and moderation -----------------------------------------------------------------


def report_message(message: Message, *, reporter: User, reason: str) -> MessageReport:
    """A participant tells staff that a message is abusive, unsafe or otherwise wrong."""
    conversation = message.conversation
    if not is_participant(reporter, conversation):
        raise NotFound("No such message.")
    if message.sender_id == reporter.pk:
        raise MessagingError("You cannot report your own message.")
    if message.is_hidden:
        raise MessagingError("Staff have already hidden this message.")
    _no_nul(reason, field="reason", what="The reason")
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise MessagingError(
            f"Say what is wrong with the message (at least {MIN_REASON} characters), so staff can act on it.",
            field="reason",
        )
    if len(reason) > MAX_REASON:
        raise MessagingError(f"Keep the reason to at most {MAX_REASON:,} characters.", field="reason")
    try:
        with transaction.atomic():
            report = MessageReport.objects.create(message=message, reporter=reporter, reason=reason)
            record("message.reported", actor=reporter, obj=report, data={"message": str(message.uuid)})
            emit("message.reported", message_id=message.pk, actor_id=reporter.pk)
    except IntegrityError:
        raise MessagingError("You have already reported this message; staff will look at it.") from None
    return report


def _require_staff(user: User) -> None:
    if not user.is_staff:
        raise PermissionDenied("Only Rung staff moderate reported messages.")


def _lock_open_report(report: MessageReport, new: str) -> MessageReport:
    locked = MessageReport.objects.select_for_update().select_related("message").get(pk=report.pk)
    if new not in REPORT_TRANSITIONS[locked.status]:
        raise MessagingError(f"This report was already resolved ({locked.get_status_display().lower()}).")
    return locked


def _clean_note(note: str) -> str:
    _no_nul(note, field="note", what="The note")
    note = note.strip()
    if not note:
        raise MessagingError("Write down why, for the record.", field="note")
    if len(note) > MAX_NOTE:
        raise MessagingError(f"Keep the note to at most {MAX_NOTE} characters.", field="note")
    return note


def hide_message(report: MessageReport, *, staff: User, note: str) -> Message:
    """Hide a reported message from its conversation. Every open report of it is resolved with it."""
    _require_staff(staff)
    note = _clean_note(note)
    with transaction.atomic():
        report = _lock_open_report(report, ReportStatus.HIDDEN)
        message = report.message
        now = timezone.now()
        # Compare-and-set: hidden once, by whoever got there first.
        if Message.objects.filter(pk=message.pk, hidden_at=None).update(
            hidden_at=now, hidden_by=staff, hidden_reason=note
        ):
            record(
                "message.hidden",
                actor=staff,
                obj=message,
                data={"report": str(report.uuid), "note": note, "conversation": str(message.conversation.uuid)},
            )
        MessageReport.objects.filter(message=message, status=ReportStatus.OPEN).update(
            status=ReportStatus.HIDDEN, resolved_at=now, resolved_by=staff, resolution_note=note
        )
        message.refresh_from_db()
    return message


def dismiss_report(report: MessageReport, *, staff: User, note: str) -> MessageReport:
    """Staff looked and the message stays."""
    _require_staff(staff)
    note = _clean_note(note)
    with transaction.atomic():
        report = _lock_open_report(report, ReportStatus.DISMISSED)
        now = timezone.now()
        MessageReport.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(
            status=ReportStatus.DISMISSED, resolved_at=now, resolved_by=staff, resolution_note=note
        )
        record("message.report_dismissed", actor=staff, obj=report, data={"note": note})
        report.refresh_from_db()
    return report
