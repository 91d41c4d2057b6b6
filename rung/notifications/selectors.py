"""Reads of notifications, always scoped to their recipient."""

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from rung.accounts.models import User
from rung.lib.errors import NotFound
from rung.notifications.models import Notification


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications: unread first, then newest first."""
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at=None)
    unread = ExpressionWrapper(Q(read_at=None), output_field=BooleanField())
    return qs.select_related("actor").order_by(unread.desc(), "-created_at", "-pk")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()


def get_notification_for_user(user: User, notification_uuid: Any) -> Notification:
    """The user's own notification. Anyone else's does not exist for them (NotFound, not 403)."""
    notification = Notification.objects.filter(uuid=notification_uuid, recipient=user).first()
    if notification is None:
        raise NotFound("No such notification.")
    return notification
