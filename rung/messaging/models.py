import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rung.engagements.models import Engagement
from rung.orgs.models import Organisation
from rung.projects.models import Project


class ConversationKind(models.TextChoices):
    ENGAGEMENT = "engagement", "Engagement"
    QUESTION = "question", "Question about a project"


class Conversation(models.Model):
    """One thread. Who takes part is not stored: it follows the engagement and the organisation's roles
    (see `selectors.is_participant`), so a reviewer who joins later can read it and one who leaves cannot."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=ConversationKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="conversations")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="conversations")
    # The intern of the engagement, or the candidate who asked the question.
    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conversations")
    engagement = models.OneToOneField(
        Engagement, null=True, blank=True, on_delete=models.PROTECT, related_name="conversation"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "project"],
                condition=Q(kind="question"),
                name="messaging_one_question_thread_per_candidate_project",
            ),
            models.CheckConstraint(
                condition=(Q(kind="engagement") & Q(engagement__isnull=False))
                | (Q(kind="question") & Q(engagement__isnull=True)),
                name="messaging_engagement_iff_engagement_kind",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "last_message_at"], name="messaging_conv_org_last")]

    def __str__(self) -> str:
        if self.kind == ConversationKind.ENGAGEMENT:
            return f"Conversation of engagement {self.engagement_id}"
        return f"Question about {self.project_id}"

    @property
    def is_question(self) -> bool:
        return self.kind == ConversationKind.QUESTION


class Message(models.Model):
    """What one person wrote. Never edited; staff may hide it after a report (the text stays, for the record)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages_sent")
    body = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["conversation", "pk"]
        indexes = [models.Index(fields=["conversation", "id"], name="messaging_msg_conv_id")]

    def __str__(self) -> str:
        return f"Message {self.uuid}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class MessageAttachment(models.Model):
    """A file sent with a message, checked like a submission's and stored under a generated name."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(max_length=255)
    original_name = models.CharField(max_length=200)
    extension = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100, help_text="The type it is served as")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ReadMarker(models.Model):
    """How far one person has read one conversation: everything up to this message id is read."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="read_markers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_message_id = models.BigIntegerField(default=0)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="messaging_one_marker_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.conversation_id} to {self.last_read_message_id}"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Waiting for staff"
    HIDDEN = "hidden", "Message hidden"
    DISMISSED = "dismissed", "Dismissed: the message stays"


# The report state machine, written once; the moderation services check against it.
REPORT_TRANSITIONS: dict[str, set[str]] = {
    ReportStatus.OPEN: {ReportStatus.HIDDEN, ReportStatus.DISMISSED},
    ReportStatus.HIDDEN: set(),
    ReportStatus.DISMISSED: set(),
}


class MessageReport(models.Model):
    """A participant's report of a message to staff. Staff see reported messages and nothing else."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=1000)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="messaging_one_report_per_reporter"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="messaging_report_status")]

    def __str__(self) -> str:
        return f"Report of {self.message_id} ({self.status})"
