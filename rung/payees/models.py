import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AccountFormChoice(models.TextChoices):
    IBAN = "iban", "IBAN and BIC"
    UK = "uk", "UK sort code and account number"
    US = "us", "US routing and account number"


class PayoutDetails(models.Model):
    """Where one person is paid: in force since it was confirmed from their e-mail address.

    Everything that identifies the account or the person (holder, numbers, legal name, address,
    tax identifier) lives only in `secret`, a Fernet token; `masked` is what pages may show.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_details")
    country = models.CharField(max_length=2)
    form = models.CharField(max_length=4, choices=AccountFormChoice.choices)
    tax_residence = models.CharField(max_length=2)
    masked = models.CharField(max_length=80)
    secret = models.TextField()
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "payout details"

    def __str__(self) -> str:
        return f"{self.user} · {self.masked}"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    SUPERSEDED = "superseded", "Replaced by a newer request"
    EXPIRED = "expired", "Expired"


CHANGE_TRANSITIONS: dict[str, set[str]] = {
    ChangeStatus.PENDING: {ChangeStatus.CONFIRMED, ChangeStatus.SUPERSEDED, ChangeStatus.EXPIRED},
    ChangeStatus.CONFIRMED: set(),
    ChangeStatus.SUPERSEDED: set(),
    ChangeStatus.EXPIRED: set(),
}


class PayoutDetailsChange(models.Model):
    """New payout details waiting for the person to confirm them from their e-mail address."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_changes")
    country = models.CharField(max_length=2)
    form = models.CharField(max_length=4, choices=AccountFormChoice.choices)
    tax_residence = models.CharField(max_length=2)
    masked = models.CharField(max_length=80)
    secret = models.TextField()
    # Only the SHA-256 of the link's token is kept, like every other secret Rung hands out.
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="payees_one_pending_change_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.masked} ({self.status})"
