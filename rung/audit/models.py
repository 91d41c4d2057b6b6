import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete a row of an append-only table."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only and cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only and cannot be deleted")


class AppendOnlyModel(models.Model):
    """A model whose rows, once written, are never updated or deleted through the ORM."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only and cannot be updated")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only and cannot be deleted")


class AuditEvent(AppendOnlyModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No database constraint and no cascade: the trail is append-only, so deleting an account
    # must not rewrite it. actor_email keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_email = models.CharField(max_length=254, blank=True)
    verb = models.CharField(max_length=100, db_index=True, help_text="Dotted verb, e.g. org.member.invited")
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_email or 'system'} {self.verb} {self.object_repr}"


class StatusHistory(AppendOnlyModel):
    """Base of every append-only status history (projects, applications, engagements, submissions).

    Subclasses add the foreign key to what changed. The actor has no database constraint so that
    deleting an account never has to rewrite history.
    """

    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    # The name of the foreign key to what changed, when a subclass wants its id in __str__.
    subject: ClassVar[str] = ""

    class Meta:
        # Subclasses that declare no Meta of their own inherit this ordering (and become concrete).
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        change = f"{self.from_status or '—'} → {self.to_status} at {self.at:%Y-%m-%d %H:%M}"
        return f"{getattr(self, f'{self.subject}_id')}: {change}" if self.subject else change
