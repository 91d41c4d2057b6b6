from typing import Any

from django.db import models

from rung.audit.models import AuditEvent
from rung.lib.request_context import current_ip


def _event(
    verb: str, *, actor: Any | None, obj: models.Model | None, data: dict[str, Any] | None, ip_address: str | None
) -> AuditEvent:
    authenticated = actor is not None and bool(getattr(actor, "is_authenticated", False))
    object_id = ""
    if obj is not None:
        object_id = str(getattr(obj, "uuid", None) or obj.pk)
    return AuditEvent(
        actor=actor if authenticated else None,
        actor_email=getattr(actor, "email", "") if authenticated else "",
        verb=verb,
        object_type=obj._meta.label if obj is not None else "",
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        data=data or {},
        ip_address=ip_address or current_ip(),
    )


def record(
    verb: str,
    *,
    actor: Any | None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Write one audit event. Call it inside the service's transaction so both commit or neither."""
    event = _event(verb, actor=actor, obj=obj, data=data, ip_address=ip_address)
    event.save()
    return event


def record_many(verb: str, *, actor: Any | None, items: list[tuple[models.Model, dict[str, Any]]]) -> None:
    """The same event for many objects (each with its own data) in one insert: bulk work such as a
    cohort's credentials. Like record, call it inside the service's transaction."""
    ip_address = current_ip()
    AuditEvent.objects.bulk_create(
        [_event(verb, actor=actor, obj=obj, data=data, ip_address=ip_address) for obj, data in items]
    )
