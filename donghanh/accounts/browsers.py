"""Browsers that have signed in to an account before, remembered by a signed cookie.

Guessing spread over many addresses slows down sign-in to the account it targets, but only from
browsers that have never signed in to it: the owner's usual browsers carry this cookie and are
not slowed, so an attacker cannot lock the owner out by guessing. The cookie names no account: it
holds short keyed hashes of the usernames, signed so that it cannot be forged, and it is only
sent to the sign-in page.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.crypto import salted_hmac

KNOWN_BROWSER_COOKIE = "donghanh_known_browser"
KNOWN_BROWSER_DAYS = 180
_SALT = "donghanh.accounts.known-browser"
_MAX_ACCOUNTS = 10  # a shared office computer remembers the last few people who used it


def _mark(username: str) -> str:
    return salted_hmac(_SALT, username).hexdigest()[:20]


def _marks(request: HttpRequest) -> list[str]:
    value = request.COOKIES.get(KNOWN_BROWSER_COOKIE, "")
    if not value:
        return []
    try:
        marks = signing.loads(value, salt=_SALT, max_age=KNOWN_BROWSER_DAYS * 24 * 3600)
    except signing.BadSignature:
        return []
    if not isinstance(marks, list):
        return []
    return [mark for mark in marks if isinstance(mark, str)][:_MAX_ACCOUNTS]


def browser_knows(request: HttpRequest, username: str) -> bool:
    """Whether this browser has signed in to `username` before."""
    return _mark(username) in _marks(request)


def remember_browser(response: HttpResponse, request: HttpRequest, username: str) -> None:
    """Note on the response that this browser signed in to `username`."""
    mark = _mark(username)
    marks = [mark, *(m for m in _marks(request) if m != mark)][:_MAX_ACCOUNTS]
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        signing.dumps(marks, salt=_SALT, compress=True),
        max_age=KNOWN_BROWSER_DAYS * 24 * 3600,
        path=reverse("accounts:login"),
        secure=settings.PRODUCTION,
        httponly=True,
        samesite="Lax",
    )
