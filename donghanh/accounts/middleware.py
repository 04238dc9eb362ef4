from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SessionTrackingMiddleware:
    """Placeholder: records the signed-in session's last activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)


class SecurityGateMiddleware:
    """Placeholder: sends users who must set up 2FA or change their password to do so first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
