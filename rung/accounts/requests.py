"""The person a request is authenticated as, typed for the views and API endpoints that require one."""

from django.http import HttpRequest

from rung.accounts.models import User


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "views and endpoints that call this require authentication"
    return user
