"""The person a request is authenticated as, typed for the views and API endpoints that require one."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest

from rung.accounts.models import User
from rung.lib.errors import DomainError, NotFound, PermissionDenied


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "views and endpoints that call this require authentication"
    return user


def fetch_for_request[T](getter: Callable[[User, str], T], request: HttpRequest, key: Any) -> T:
    """Call a permission-checked fetcher for the person asking, turning its refusals into Django's:
    NotFound into a 404 page, PermissionDenied into a 403 page with the reason."""
    try:
        return getter(request_user(request), str(key))
    except NotFound:
        raise Http404("Not found") from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def add_form_error(form: Any, exc: DomainError, *, renames: dict[str, str] | None = None) -> None:
    """Show a service's refusal beside the field it names (the services use the API's field names;
    `renames` maps them to the page's), or above the form when the page has no such field."""
    field = (renames or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)
