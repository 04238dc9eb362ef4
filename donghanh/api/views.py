from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
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


@csrf_exempt  # it changes nothing, and the API takes tokens, never a session
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """404 for an address the API does not have, in JSON and in the reader's language."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
