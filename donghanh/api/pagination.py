from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class PagePagination(PageNumberPagination):
    """`?page=N` (and `?page_size=`, up to 100); answers count, next, previous and results."""

    page_size = 25  # as the list pages
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        """The page size asked for; a value that is not a whole number from 1 to 100 is refused
        (not quietly replaced by the default, which would hide a client's mistake). A page
        number that is not one answers 404, as a page past the end does."""
        value = self._check_number(request, self.page_size_query_param, maximum=self.max_page_size)
        return value if value is not None else self.page_size

    @staticmethod
    def _check_number(request: Request, name: str, *, maximum: int) -> int | None:
        if name not in request.query_params:
            return None
        text = request.query_params[name]
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= maximum:
            message = _("Give a whole number from 1 to %(maximum)s.") % {"maximum": maximum}
            raise ValidationError({name: [message]})
        return int(text)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "The page number, from 1.",
                "schema": {"type": "integer", "minimum": 1, "maximum": 10**6},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page, from 1 to {self.max_page_size} "
                f"(default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        # DRF writes OpenAPI 3.0's `nullable`; the schema is OpenAPI 3.1 (plain JSON Schema).
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {**link, "example": "https://donghanh.example.org/api/v1/persons/?page=3"},
                "previous": {
                    **link,
                    "example": "https://donghanh.example.org/api/v1/persons/?page=1",
                },
                "results": schema,
            },
        }
