"""Small pieces shared by every app's API router."""

from typing import Any

from django.conf import settings
from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import Field

from rung.lib.validation import MAX_PAGE, MAX_PAGE_SIZE


class Pagination(PageNumberPagination):
    """Page-number pagination: `?page=2&page_size=50` (at most 100), answered as {"items": [...], "count": N}.

    Both numbers are bounded in the schema, so a page beyond any database's integers is a 422, not a 500.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"Page number, 1 to {MAX_PAGE}")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1 to {MAX_PAGE_SIZE}")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=settings.API_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


class ErrorOut(Schema):
    detail: str = Field(examples=["Some of the data is not valid."])
    code: str = Field(examples=["invalid"])
    errors: list[dict[str, str]] = Field(default=[], examples=[[{"field": "title", "message": "Too short."}]])
