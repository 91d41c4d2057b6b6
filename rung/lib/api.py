"""Small pieces shared by every app's API router."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PageNumberPagination

from rung.accounts.models import User


class Pagination(PageNumberPagination):
    """Page-number pagination: `?page=2&page_size=50` (at most 100), answered as {"items": [...], "count": N}."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=settings.API_PAGE_SIZE, max_page_size=100, **kwargs)


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "endpoints that call this require authentication"
    return user


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[dict[str, str]] = []
