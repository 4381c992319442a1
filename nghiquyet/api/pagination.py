"""Paging of every ``/api/v1/`` list: ``?page=&page_size=``, answers ``{items, count}``."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

#: Far beyond any list the product holds, small enough that the offset always fits the database.
PAGE_MAX = 1_000_000


class Page(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=PAGE_MAX)
        page_size: int | None = Field(None, ge=1)

    def __init__(self, **kwargs):
        super().__init__(page_size=50, max_page_size=200, **kwargs)
