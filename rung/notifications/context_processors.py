from django.http import HttpRequest

from rung.accounts.models import User
from rung.notifications.selectors import unread_count as count_unread


def unread_count(request: HttpRequest) -> dict[str, int]:
    """`unread_notifications` for the navigation: one COUNT, on the (recipient, read_at) index."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"unread_notifications": count_unread(user)}
