from typing import Any

from django.db import models

from rung.audit.models import AuditEvent
from rung.lib.request_context import current_ip


def record(
    verb: str,
    *,
    actor: Any | None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Write one audit event. Call it inside the service's transaction so both commit or neither."""
    authenticated = actor is not None and bool(getattr(actor, "is_authenticated", False))
    object_id = ""
    if obj is not None:
        object_id = str(getattr(obj, "uuid", None) or obj.pk)
    return AuditEvent.objects.create(
        actor=actor if authenticated else None,
        actor_email=getattr(actor, "email", "") if authenticated else "",
        verb=verb,
        object_type=obj._meta.label if obj is not None else "",
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        data=data or {},
        ip_address=ip_address or current_ip(),
    )
