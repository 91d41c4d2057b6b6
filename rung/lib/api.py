"""Small pieces shared by every app's API router."""

from typing import Any

from django.conf import settings
from ninja import Schema
from ninja.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-number pagination: `?page=2&page_size=50` (at most 100), answered as {"items": [...], "count": N}."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=settings.API_PAGE_SIZE, max_page_size=100, **kwargs)


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[dict[str, str]] = []
