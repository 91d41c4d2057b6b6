import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rung.audit.models import StatusHistory
from rung.projects.models import Project


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    SHORTLISTED = "shortlisted", "Shortlisted"
    OFFERED = "offered", "Offer made"
    ACCEPTED = "accepted", "Offer accepted"
    DECLINED = "declined", "Offer declined"
    REJECTED = "rejected", "Not selected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Offer expired"
    CLOSED = "closed", "Closed without a decision"


# The application state machine, written once; every service checks against it.
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.SUBMITTED: {
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.CLOSED,
    },
    ApplicationStatus.SHORTLISTED: {
        ApplicationStatus.OFFERED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.CLOSED,
    },
    ApplicationStatus.OFFERED: {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.EXPIRED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.ACCEPTED: set(),
    ApplicationStatus.DECLINED: set(),
    ApplicationStatus.REJECTED: set(),
    ApplicationStatus.WITHDRAWN: set(),
    ApplicationStatus.EXPIRED: set(),
    ApplicationStatus.CLOSED: set(),
}
ACTIVE_STATUSES = [ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED, ApplicationStatus.OFFERED]
UNDECIDED_STATUSES = [ApplicationStatus.SUBMITTED, ApplicationStatus.SHORTLISTED]


class Application(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="applications")
    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    answers = models.JSONField(default=list, help_text="Answers to the screening questions, in order")
    note = models.TextField(blank=True, max_length=1500, help_text="Anything else the candidate wants to say")
    availability_clash = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(blank=True, help_text="What the employer wrote with the decision")
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    closed_by_sweep = models.BooleanField(default=False, help_text="No decision by the deadline")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One active application per candidate per project; past ones may stay.
            models.UniqueConstraint(
                fields=["project", "candidate"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="applications_one_active_per_project",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.project}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ApplicationEvent(StatusHistory):
    """Append-only history of an application's status changes."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")


REJECTION_TEMPLATES: dict[str, str] = {
    "strong_field": (
        "Thank you for applying. We had many strong applications and chose candidates whose experience matched "
        "this particular project most closely. Please apply to our future projects."
    ),
    "skills": (
        "Thank you for your application. For this project we needed more experience with {skills}. "
        "We would be glad to see you apply again once you have worked with them."
    ),
    "availability": (
        "Thank you for applying. Your availability did not fit this project's dates, but we liked your "
        "application and hope to see you on a future project."
    ),
}


class ApplicationNote(models.Model):
    """A reviewer's private note on an application: read by the employer's reviewers and managers only,
    never by the candidate. Notes are kept as written (no edits), and each one is audited."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note on {self.application_id} by {self.author_id}"
