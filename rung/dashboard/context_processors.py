from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rung.accounts.models import User
from rung.dashboard.roles import Roles, roles_for


def request_roles(request: HttpRequest) -> Roles:
    """The person's roles, worked out at most once per request (the nav and the dashboard share it)."""
    cached = getattr(request, "_rung_roles", None)
    if cached is None:
        user = getattr(request, "user", None)
        cached = roles_for(user) if isinstance(user, User) else Roles()
        request._rung_roles = cached  # type: ignore[attr-defined]
    return cached


def site(request: HttpRequest) -> dict[str, Any]:
    # Lazy: pages that never draw the navigation (JSON, files) pay nothing.
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "roles": SimpleLazyObject(lambda: request_roles(request)),
    }
