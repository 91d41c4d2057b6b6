"""Small pieces shared by every app's API router."""

from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PageNumberPagination

from rung.accounts.models import User


class Pagination(PageNumberPagination):
    """Page-number pagination: `?page=2`, answered as {"items": [...], "count": N}."""

    class Input(Schema):
        page: int = 1

    def __init__(self, **kwargs: object) -> None:
        from django.conf import settings

        super().__init__(page_size=settings.API_PAGE_SIZE, **kwargs)  # type: ignore[arg-type]


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "endpoints that call this require authentication"
    return user


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[dict[str, str]] = []
