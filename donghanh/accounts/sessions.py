"""What the browser's session does around the account services.

Signing in, stepping up with the second factor and changing one's password change the session
itself (Django's `login`, a new session key, the password hash it carries); services never see
the request, so these helpers do that part, in the same transaction as the service they call
with what it needs: the actor and the session keys.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from donghanh.accounts import services
from donghanh.accounts.models import User
from donghanh.core.actor import request_actor

# How often a signed-in session writes its "last active" time; every request would be wasteful.
TRACKING_INTERVAL_SECONDS = 60
TRACKED_AT_SESSION_KEY = "_dh_tracked_at"
PENDING_TOTP_SESSION_KEY = "_dh_totp_pending"


def _tracked_now(request: HttpRequest) -> None:
    request.session[TRACKED_AT_SESSION_KEY] = int(time.time())


def sign_in(request: HttpRequest, user: User) -> None:
    """Start a session for a user whose password has been checked (by the login form)."""
    with transaction.atomic():
        previous_key = request.session.session_key
        auth_login(request, user)
        session_key = request.session.session_key
        assert session_key is not None  # noqa: S101 - login() always saves the session
        services.user_signed_in(
            actor=request_actor(request), session_key=session_key, previous_session_key=previous_key
        )
    _tracked_now(request)


def sign_out(request: HttpRequest) -> None:
    """End this session, recorded for a signed-in user."""
    with transaction.atomic():
        services.user_sign_out(
            actor=request_actor(request), session_key=request.session.session_key
        )
        auth_logout(request)


def session_seen(request: HttpRequest) -> None:
    """Note the signed-in session's last activity, at most once a minute.

    Called by SessionTrackingMiddleware on every signed-in request; between writes it costs
    nothing but a look at the session data that is already loaded.
    """
    now = int(time.time())
    if now - request.session.get(TRACKED_AT_SESSION_KEY, 0) < TRACKING_INTERVAL_SECONDS:
        return
    if request.session.session_key is None:
        request.session.save()  # houselint: allow-save a session store, not a model
    session_key = request.session.session_key
    assert session_key is not None  # noqa: S101 - saved just above
    services.user_session_seen(actor=request_actor(request), session_key=session_key)
    request.session[TRACKED_AT_SESSION_KEY] = now


def change_password(request: HttpRequest, new_password: str) -> None:
    """Set the user's own new password, keep this session signed in and end all the others."""
    with transaction.atomic():
        actor = request_actor(request)
        old_key = request.session.session_key
        services.user_change_password(
            actor=actor, new_password=new_password, keep_session_key=old_key
        )
        # This session stays signed in under the new password, with a new key.
        update_session_auth_hash(request, actor.user)  # type: ignore[arg-type]
        services.user_session_rekeyed(
            actor=actor, old_key=old_key, new_key=request.session.session_key
        )


def device_being_set_up(request: HttpRequest, user: User) -> TOTPDevice:
    """The authenticator being set up, not saved: its key waits in the browser's session.

    Opening the set-up page stores nothing; reloading it shows the same key, so an app that
    has already scanned it keeps working. The device is saved only once a code from it is
    confirmed (`enrol`).
    """
    pending = request.session.get(PENDING_TOTP_SESSION_KEY)
    if not isinstance(pending, dict) or pending.get("user") != user.pk:
        pending = {"user": user.pk, "key": default_key()}
        request.session[PENDING_TOTP_SESSION_KEY] = pending
    return TOTPDevice(
        user=user, name=services.TOTP_DEVICE_NAME, key=pending["key"], confirmed=False
    )


def enrol(request: HttpRequest, device: TOTPDevice) -> list[str]:
    """Save the checked authenticator and pass this session through the second factor.

    Returns the new recovery codes; the next set-up gets a new key.
    """
    with transaction.atomic():
        codes = services.two_factor_enrol(actor=request_actor(request), device=device)
        request.session.pop(PENDING_TOTP_SESSION_KEY, None)
        two_factor_passed(request, device)
    return codes


def two_factor_passed(request: HttpRequest, device: Any) -> None:
    """Mark the session as past the second factor, under a new session key.

    Every step up of a session's authentication gets a new key, as signing in does: a cookie
    copied before the step (over a shoulder, from a shared computer, by a script on the page)
    must not turn into a verified session once the owner has entered the code.
    """
    with transaction.atomic():
        old_key = request.session.session_key
        request.session.cycle_key()
        services.user_session_rekeyed(
            actor=request_actor(request), old_key=old_key, new_key=request.session.session_key
        )
        otp_login(request, device)
