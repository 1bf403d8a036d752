"""Limit/offset pagination that refuses malformed numbers (400) instead of quietly ignoring them."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination


class StrictLimitOffsetPagination(LimitOffsetPagination):
    max_limit = 500

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
        return self._number(request, self.offset_query_param) or 0

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 0
        return parameters
