"""Limit/offset pagination for the API that refuses malformed numbers (400) instead of quietly
ignoring them, and never counts the whole list.

DRF's LimitOffsetPagination answers with a `count` it gets from COUNT(*) over every row the caller may
see: at national scale that is hundreds of thousands of cases read for each page. Here a page reads
`limit + 1` rows, and the extra row says whether there is a `next` page."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from nrm.paging import LAST_PAGE, PAGE_SIZE, rows_and_next


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
