"""Pages of a long list whose cost does not grow with the list.

A competent authority holds hundreds of thousands of open cases at national scale, so a list page
reads one page of rows (plus one to know whether there is a next page) and counts the whole list
only up to COUNT_LIMIT: "more than 1,000 cases" costs the same at 10,000 referrals as at 1,000,000,
where an exact COUNT(*) would read every row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, Subquery
from django.http import QueryDict
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

PAGE_SIZE = 50
COUNT_LIMIT = 1000
LAST_PAGE = 10_000  # a page number past this is refused as page 1, so no one asks for an OFFSET of millions


def page_number(value: Any) -> int:
    """The page asked for in `?page=`, or 1 when it is missing, not a positive whole number, or absurd."""
    text = str(value or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= LAST_PAGE:
        return 1
    return int(text)


@dataclass
class ListPage:
    """One page of rows, whether there are pages either side, and the list's size up to COUNT_LIMIT."""

    items: list
    number: int
    per_page: int
    has_next: bool
    total: int | None  # exact up to COUNT_LIMIT; None when there are more
    query: QueryDict = field(default_factory=QueryDict)
    parameter: str = "page"  # two lists on one page page separately

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)

    @property
    def total_label(self) -> str:
        """"1,234" or "more than 1,000": what the caption says the list holds."""
        if self.total is None:
            return f"more than {COUNT_LIMIT:,}"
        return f"{self.total:,}"

    def _url(self, number: int) -> str:
        query = self.query.copy()
        query[self.parameter] = str(number)
        return "?" + query.urlencode()

    @property
    def previous_url(self) -> str:
        return self._url(self.number - 1)

    @property
    def next_url(self) -> str:
        return self._url(self.number + 1)


def rows_and_next(queryset: QuerySet, *, offset: int, limit: int) -> tuple[list, bool]:
    """`limit` rows from `offset`, read with one more, whose presence says there is a next page: no COUNT.
    The web pages (page_of) and the API (core.paging) both read a page this way."""
    rows = list(queryset[offset:offset + limit + 1])
    return rows[:limit], len(rows) > limit


def page_of(queryset: QuerySet, *, number: int = 1, per_page: int | None = None,
            query: QueryDict | None = None, parameter: str = "page", total: int | None = None,
            ids_first: bool = False) -> ListPage:
    """Read page `number` of an ordered queryset: one query for the rows and one count that stops at
    COUNT_LIMIT, so a page runs the same two queries whatever the list's length. A caller that
    already knows the list's length (from a cache) passes it as `total` and saves the count.

    `ids_first` picks the page's rows by their ids in a subquery of the same statement. For a list that
    is a small, recent share of a large table, with an index of its own: asked for whole rows at once,
    PostgreSQL may walk the table's larger index in the same order instead, expecting the rows it wants
    spread evenly through it, and read most of the table before it finds a page; asked for ids alone it
    reads them from the list's own index."""
    per_page = per_page or PAGE_SIZE
    offset = (number - 1) * per_page
    if ids_first:
        window = queryset.values("pk")[offset:offset + per_page + 1]
        items, has_next = rows_and_next(queryset.filter(pk__in=Subquery(window)), offset=0, limit=per_page)
    else:
        items, has_next = rows_and_next(queryset, offset=offset, limit=per_page)
    if total is None:
        limit = COUNT_LIMIT
        bounded = queryset.order_by().values("pk")[:limit + 1].count()
        total = bounded if bounded <= limit else None
    return ListPage(items=items, number=number, per_page=per_page, has_next=has_next, total=total,
                    query=query if query is not None else QueryDict(), parameter=parameter)


# The API's pages: limit/offset that refuses malformed numbers (400) instead of ignoring them, and
# reads `limit + 1` rows instead of DRF's COUNT(*) over every row the caller may see.
class StrictLimitOffsetPagination(LimitOffsetPagination):
    max_limit = 500
    max_offset = LAST_PAGE * PAGE_SIZE  # as far into a list as the web pages go

    def _number(self, request, name: str) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        if len(values) > 1 or not values[0].isdigit():
            raise ValidationError({name: ["Enter a whole number, once."]})
        return int(values[0])

    def get_limit(self, request) -> int:
        limit = self._number(request, self.limit_query_param)
        if not limit:  # absent or 0: the default page size
            return self.default_limit
        return min(limit, self.max_limit)

    def get_offset(self, request) -> int:
        offset = self._number(request, self.offset_query_param) or 0
        if offset > self.max_offset:
            raise ValidationError({self.offset_query_param: [f"Enter an offset of {self.max_offset} or less."]})
        return offset

    def paginate_queryset(self, queryset, request, view=None) -> list:
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        rows, self.has_next = rows_and_next(queryset, offset=self.offset, limit=self.limit)
        self.display_page_controls = False
        return rows

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        url = replace_query_param(url, self.limit_query_param, self.limit)
        return replace_query_param(url, self.offset_query_param, self.offset + self.limit)

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "example": "https://nrm.example/api/v1/cases/?limit=50&offset=100"},
                "previous": {"type": "string", "nullable": True, "format": "uri",
                             "example": "https://nrm.example/api/v1/cases/?limit=50&offset=0"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 0
            if parameter["name"] == self.offset_query_param:
                parameter["schema"]["maximum"] = self.max_offset
        return parameters
