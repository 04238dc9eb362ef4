from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """`?page=N` (and `?page_size=`, up to 100); answers count, next, previous and results."""

    page_size = 25  # as the list pages
    page_size_query_param = "page_size"
    max_page_size = 100

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
