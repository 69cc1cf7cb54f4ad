"""API list pagination: `?page=N&page_size=M` (at most 200), with the total and page links."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 200


class Pagination(PaginationBase):
    """Use on every list endpoint: `@paginate(Pagination)`.

    Responses are `{"count": ..., "page": ..., "page_size": ..., "pages": ..., "items": [...]}`.
    The endpoint may return a QuerySet (counted and sliced in the database) or a list. A page
    past the end is empty, not an error; give the QuerySet a stable order.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
        page_size: int = Field(
            50, ge=1, le=MAX_PAGE_SIZE, description=f"Items a page (at most {MAX_PAGE_SIZE})."
        )

    class Output(Schema):
        count: int = Field(description="Items in all pages.")
        page: int
        page_size: int
        pages: int
        items: list[Any]

    items_attribute: str = "items"

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        size = pagination.page_size
        start = (pagination.page - 1) * size
        return {
            "count": count,
            "page": pagination.page,
            "page_size": size,
            "pages": max(1, -(-count // size)),
            "items": list(queryset[start : start + size]),
        }
