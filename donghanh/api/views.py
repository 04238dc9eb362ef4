from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from drf_spectacular.views import SpectacularJSONAPIView


class OpenApiSchemaView(SpectacularJSONAPIView):
    """The OpenAPI 3.1 schema, public (it describes the API, it holds no data), in English."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Rendered inside the override: the schema's descriptions are lazy translations.
        with translation.override("en"):
            response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
            render = getattr(response, "render", None)
            if render is not None:
                render()
        return response
