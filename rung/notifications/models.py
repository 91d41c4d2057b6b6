import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """One thing one person was told. Rows are written only by `services.notify`."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    verb = models.CharField(max_length=80, help_text="What happened, dotted: application.shortlisted")
    title = models.CharField(max_length=150)
    body = models.TextField(blank=True, max_length=2000)
    url = models.CharField(max_length=500, blank=True, help_text="A relative link to the object, e.g. /orgs/acme/")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The e-mail is rendered by a background task from the row alone, so everything its
    # templates need is kept here (plain JSON values; UUIDs and dates become strings).
    email_template = models.CharField(max_length=200, blank=True, help_text="Empty: in-app only, no e-mail")
    context = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The unread badge on every page counts (recipient, read_at IS NULL); the centre lists by date.
            models.Index(fields=["recipient", "read_at", "created_at"], name="notif_recipient_read_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=models.Q(dedupe_key__isnull=False),
                name="notif_one_per_dedupe_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.verb} for {self.recipient_id}: {self.title}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
