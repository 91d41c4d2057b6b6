import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from rung.audit.models import AppendOnlyModel
from rung.orgs.models import Organisation

# The domain events an endpoint may subscribe to, with the words the pages use. Every one carries
# `organisation_id` (rung.lib.events), which decides whose endpoints hear it.
WEBHOOK_EVENTS: dict[str, str] = {
    "application.submitted": "Application received",
    "offer.accepted": "Offer accepted",
    "engagement.completed": "Engagement completed",
    "credential.issued": "Credential issued",
    "outcome.recorded": "Outcome recorded",
    "pathway.step_reached": "Pathway step reached",
}


class Endpoint(models.Model):
    """An organisation's URL that receives signed POSTs for the events it subscribed to.

    The secret must be readable to sign with, so it is stored as it is (like the API's signing keys
    in the key file, not like tokens, which are only checked). It is shown on the page only once,
    when it is created or rotated. During a rotation's grace period the previous secret also signs."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="Names of the subscribed events")
    active = models.BooleanField(default=True)
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.url} ({self.organisation})"


class WebhookEvent(AppendOnlyModel):
    """One domain event as sent to an organisation: its id is the same on every delivery and replay,
    so a receiver can ignore a repeat."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No cascade and no database constraint: the log is append-only (rung.audit.AppendOnlyModel).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.DO_NOTHING, related_name="webhook_events", db_constraint=False
    )
    name = models.CharField(max_length=60)
    data = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} for {self.organisation}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Failed, will retry"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Gave up after the last retry"


# Written once; attempt_delivery checks it.
DELIVERY_TRANSITIONS: dict[str, set[str]] = {
    DeliveryStatus.PENDING: {DeliveryStatus.SENDING},
    DeliveryStatus.RETRYING: {DeliveryStatus.SENDING},
    DeliveryStatus.SENDING: {DeliveryStatus.SUCCEEDED, DeliveryStatus.RETRYING, DeliveryStatus.FAILED},
    DeliveryStatus.SUCCEEDED: set(),
    DeliveryStatus.FAILED: set(),
}
DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


class Delivery(models.Model):
    """One event to one endpoint, with its attempts. A replay is a new delivery of the same event."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.PROTECT, related_name="deliveries")
    event = models.ForeignKey(WebhookEvent, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays")
    replayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event.name} to {self.endpoint.url}: {self.get_status_display()}"


class DeliveryAttempt(AppendOnlyModel):
    """The log: one POST and what came back."""

    delivery = models.ForeignKey(Delivery, on_delete=models.DO_NOTHING, related_name="attempt_log", db_constraint=False)
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["number", "id"]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.delivery_id}: {self.status_code or self.error}"
