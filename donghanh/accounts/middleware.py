from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.middleware import OTPMiddleware

from donghanh.accounts.selectors import device_by_persistent_id, user_has_confirmed_device
from donghanh.accounts.services import not_found_counted
from donghanh.accounts.sessions import session_seen
from donghanh.core.actor import request_actor

GATED_PREFIXES = ("/app/", "/admin/")
# Where an address names an organisation's records: a 404 there may be someone trying others'.
RECORD_PREFIXES = ("/app/o/", "/api/")


class DeviceMiddleware(OTPMiddleware):
    """django-otp's middleware (`request.user.otp_device`, `is_verified()`), reading the
    session's device with a read compiled once rather than a queryset built per request."""

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        return device_by_persistent_id(self._normalize_persistent_id(persistent_id))


class SessionTrackingMiddleware:
    """Records the signed-in session's last activity (at most once a minute)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session_seen(request)
        return self.get_response(request)


class NotFoundWatchMiddleware:
    """Counts the "not found" answers a signed-in person gets on record addresses.

    See `services.not_found_counted`. The API's user is known only once its view has checked
    the token, which is why this looks at the answer, not the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and request.path_info.startswith(RECORD_PREFIXES):
            actor = request_actor(request)
            if actor.user is not None:
                not_found_counted(actor=actor)
        return response


def _is_verified(user: object) -> bool:
    is_verified = getattr(user, "is_verified", None)  # installed by django-otp's OTPMiddleware
    return bool(is_verified is not None and is_verified())


@cache
def _paths() -> dict[str, str]:
    names = ("logout", "password_change", "two_factor_setup", "two_factor_verify")
    return {name: reverse(f"accounts:{name}") for name in names}


def _redirect(to: str, request: HttpRequest) -> HttpResponseRedirect:
    # Come back to the page that was asked for; a form post cannot be replayed, so not then.
    if request.method in ("GET", "HEAD") and request.path_info != to:
        to = f"{to}?{urlencode({'next': request.get_full_path()})}"
    return HttpResponseRedirect(to)


class SecurityGateMiddleware:
    """Sends a signed-in user who must change their password or pass 2FA there first.

    Only the pages that resolve the situation (and signing out) stay open; everything else
    under /app/ and /admin/ waits. Every account needs the second factor: one without an
    authenticator sets one up first, one with an authenticator enters its code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and request.path_info.startswith(GATED_PREFIXES):
            paths = _paths()
            path = request.path_info
            if getattr(user, "must_change_password", False):
                if path not in (paths["password_change"], paths["logout"]):
                    return _redirect(paths["password_change"], request)
            elif not _is_verified(user):
                open_paths = (
                    paths["two_factor_verify"],
                    paths["two_factor_setup"],
                    paths["logout"],
                )
                if path not in open_paths:
                    has_device = user_has_confirmed_device(user)
                    target = paths["two_factor_verify"] if has_device else paths["two_factor_setup"]
                    return _redirect(target, request)
        return self.get_response(request)
