"""Writes for accounts: signing in and out, sessions, passwords and the second factor.

Every function that changes security state writes its audit row in the same transaction.
Audit rows never carry a password, a one-time code or a session key.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from donghanh.accounts.models import (
    NotFoundTally,
    SecurityNotice,
    SignInThrottle,
    User,
    UserSession,
)
from donghanh.accounts.ports import account_overseers
from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record, client_ip

RECOVERY_CODE_COUNT = 10
# How often a signed-in session writes its "last active" time; every request would be wasteful.
TRACKING_INTERVAL_SECONDS = 60
TRACKED_AT_SESSION_KEY = "_dh_tracked_at"
TOTP_DEVICE_NAME = "authenticator"
PENDING_TOTP_SESSION_KEY = "_dh_totp_pending"
RECOVERY_DEVICE_NAME = "recovery codes"
# Guessing spread over many addresses (settings.ACCOUNT_FAILURE_LIMIT): the first wait, which
# doubles with every further wrong password, and how long a quiet account's count is kept.
FIRST_SLOWDOWN = timedelta(minutes=1)
ACCOUNT_FAILURE_WINDOW = timedelta(hours=24)


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def _user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def user_set_language(*, user: Any, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


@transaction.atomic
def user_update_profile(
    *, user: User, full_name: str, preferred_language: str, request: HttpRequest
) -> list[str]:
    """Save the user's own name and language; returns the names of the fields that changed."""
    changed = []
    if user.full_name != full_name:
        user.full_name = full_name
        changed.append("full_name")
    if user.preferred_language != preferred_language:
        user.preferred_language = preferred_language
        changed.append("preferred_language")
    if changed:
        user.save(update_fields=changed)
        audit_record(
            action=AuditAction.UPDATE,
            actor=user,
            request=request,
            target=user,
            changed_fields=changed,
        )
    return changed


# Signing in and out ------------------------------------------------------------------------


def _track_session(request: HttpRequest, user: User) -> UserSession:
    session_key = request.session.session_key
    assert session_key is not None  # noqa: S101 - login() and the middleware always save first
    tracked, _ = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": _user_agent(request),
            "last_seen_at": timezone.now(),
        },
    )
    request.session[TRACKED_AT_SESSION_KEY] = int(time.time())
    return tracked


@transaction.atomic
def user_sign_in(*, request: HttpRequest, user: User) -> None:
    """Start a session for a user whose password has been checked (by the login form)."""
    previous_key = request.session.session_key
    auth_login(request, user)
    if previous_key and previous_key != request.session.session_key:
        UserSession.objects.filter(session_key=previous_key).delete()
    _track_session(request, user)
    audit_record(action=AuditAction.LOGIN, actor=user, request=request)


@transaction.atomic
def user_sign_in_failed(
    *,
    request: HttpRequest,
    username: str,
    locked_out: bool,
    lockout_started: bool,
    known_browser: bool = False,
) -> None:
    """Record a refused sign-in: the attempted username, never the password.

    `lockout_started` is true for the failure that reached the limit; later attempts during
    the cool-off (even with the right password) are recorded as refused by the lockout.
    A wrong password from a browser that never signed in to the account also counts towards
    the account's slowdown (`sign_in_failure_counted`).
    """
    anonymous = AnonymousUser()  # the attempt belongs to nobody, even if someone is signed in
    if not locked_out or lockout_started:
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            actor=anonymous,
            actor_username=username,
            request=request,
        )
        if not known_browser:
            sign_in_failure_counted(username=username, request=request)
    if locked_out:
        audit_record(
            action=AuditAction.LOCKED_OUT,
            actor=anonymous,
            actor_username=username,
            request=request,
            summary="lockout started" if lockout_started else "sign-in refused during lockout",
        )


def _slowdown(failures: int) -> timedelta:
    over = failures - settings.ACCOUNT_FAILURE_LIMIT
    if over < 0:
        return timedelta(0)
    longest = timedelta(minutes=settings.ACCOUNT_SLOWDOWN_MAX_MINUTES)
    return min(FIRST_SLOWDOWN * 2 ** min(over, 16), longest)


@transaction.atomic
def sign_in_failure_counted(*, username: str, request: HttpRequest | None) -> SignInThrottle:
    """Count a wrong password for `username` from a browser that never signed in to it.

    From every address together: after settings.ACCOUNT_FAILURE_LIMIT of them within a day,
    each further one makes the next attempt from such a browser wait, one minute at first,
    doubling up to settings.ACCOUNT_SLOWDOWN_MAX_MINUTES. The owner's own browsers are never
    slowed, so guessing cannot lock them out. When the limit is reached the account's owner
    and the administrators of their organisations get a notice, and the audit log a row.
    """
    now = timezone.now()
    # Forget accounts (and made-up usernames) that have been quiet for a day.
    SignInThrottle.objects.filter(last_failure_at__lt=now - ACCOUNT_FAILURE_WINDOW).delete()
    throttle, _ = SignInThrottle.objects.select_for_update().get_or_create(
        username=username, defaults={"last_failure_at": now}
    )
    throttle.failures += 1
    throttle.last_failure_at = now
    wait = _slowdown(throttle.failures)
    throttle.slowed_until = now + wait if wait else None
    throttle.save(update_fields=["failures", "last_failure_at", "slowed_until"])
    if throttle.failures == settings.ACCOUNT_FAILURE_LIMIT:
        _sign_in_slowed(username=username, failures=throttle.failures, request=request)
    return throttle


def _sign_in_slowed(*, username: str, failures: int, request: HttpRequest | None) -> None:
    audit_record(
        action=AuditAction.SIGN_IN_SLOWED,
        actor=AnonymousUser(),
        actor_username=username,
        request=request,
        summary=f"{failures} wrong passwords from browsers new to the account",
    )
    account = User.objects.filter(username=username, is_active=True).first()
    if account is None:
        return  # a made-up username: nobody to tell, and the answer looked the same
    recipients = [account, *account_overseers(account)]
    SecurityNotice.objects.bulk_create(
        SecurityNotice(
            recipient=recipient, account=account, kind=SecurityNotice.Kind.SIGN_IN_SLOWED
        )
        for recipient in recipients
    )


@transaction.atomic
def security_notice_dismiss(*, notice: SecurityNotice, request: HttpRequest) -> None:
    """The recipient has read the notice: it leaves their home page."""
    if notice.dismissed_at is not None:
        return
    notice.dismissed_at = timezone.now()
    notice.save(update_fields=["dismissed_at"])
    audit_record(
        action=AuditAction.UPDATE,
        request=request,
        target=notice,
        changed_fields=["dismissed_at"],
    )


@transaction.atomic
def user_sign_out(*, request: HttpRequest) -> None:
    if request.user.is_authenticated:
        audit_record(action=AuditAction.LOGOUT, request=request)
        if request.session.session_key:
            UserSession.objects.filter(session_key=request.session.session_key).delete()
    auth_logout(request)


# Probing ------------------------------------------------------------------------------------


@transaction.atomic
def not_found_counted(*, user: User, request: HttpRequest) -> bool:
    """Count a "not found" answer to `user` on a record address; True when it made the event.

    Records of other organisations answer 404, as if they did not exist, so someone trying one
    address after another would leave no trace. When one person reaches
    settings.PROBE_NOT_FOUND_LIMIT within settings.PROBE_WINDOW_MINUTES, one audit row says so
    (the count and the window, never the addresses); no more for that person in that window.
    """
    now = timezone.now()
    window = timedelta(minutes=settings.PROBE_WINDOW_MINUTES)
    tally, _ = NotFoundTally.objects.select_for_update().get_or_create(
        user=user, defaults={"window_started_at": now}
    )
    if tally.window_started_at <= now - window:
        tally.window_started_at = now
        tally.count = 0
    tally.count += 1
    tally.save(update_fields=["window_started_at", "count"])
    if tally.count != settings.PROBE_NOT_FOUND_LIMIT:
        return False
    audit_record(
        action=AuditAction.NOT_FOUND_PROBING,
        actor=user,
        request=request,
        summary=(
            f"{tally.count} record addresses not found within "
            f"{settings.PROBE_WINDOW_MINUTES} minutes"
        ),
    )
    return True


# Sessions -----------------------------------------------------------------------------------


def _follow_new_session_key(old_key: str | None, new_key: str | None) -> None:
    """Keep the tracking row of a session whose key was just replaced."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def user_session_touch(*, request: HttpRequest, user: User) -> None:
    """Note the session's last activity, at most once a minute, and forget dead sessions.

    Called by SessionTrackingMiddleware on every signed-in request; between writes it costs
    nothing but a look at the session data that is already loaded.
    """
    now = int(time.time())
    if now - request.session.get(TRACKED_AT_SESSION_KEY, 0) < TRACKING_INTERVAL_SECONDS:
        return
    if request.session.session_key is None:
        request.session.save()
    with transaction.atomic():
        updated = UserSession.objects.filter(
            session_key=request.session.session_key, user=user
        ).update(last_seen_at=timezone.now())
        if not updated:
            _track_session(request, user)
        user_sessions_prune(user=user)
    request.session[TRACKED_AT_SESSION_KEY] = now


def user_sessions_prune(*, user: User) -> int:
    """Delete tracking rows whose browser session has expired or been deleted."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    alive = set(
        Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).values_list(
            "session_key", flat=True
        )
    )
    dead = [key for key in keys if key not in alive]
    if not dead:
        return 0
    deleted, _ = UserSession.objects.filter(session_key__in=dead).delete()
    return deleted


def _end_session(
    tracked: UserSession, *, acting_user: Any, request: HttpRequest | None, reason: str
) -> None:
    _session_store()().delete(tracked.session_key)
    audit_record(
        action=AuditAction.SESSION_ENDED,
        actor=acting_user,
        request=request,
        target=tracked.user,
        summary=f"session {tracked.pk}" + (f": {reason}" if reason else ""),
    )
    tracked.delete()


@transaction.atomic
def user_session_end(*, session: UserSession, acting_user: User, request: HttpRequest) -> None:
    """End one of the user's own sessions: its cookie stops working at once."""
    _end_session(session, acting_user=acting_user, request=request, reason="ended by its owner")


def _untracked_session_keys(user: User, exclude: set[str]) -> list[str]:
    # Every sign-in is tracked, but a session must never survive "sign out everywhere" just
    # because its tracking row went missing, so the live sessions are checked one by one too.
    user_id = str(user.pk)
    keys = []
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key__in=exclude)
    for session in live.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == user_id:
            keys.append(session.session_key)
    return keys


@transaction.atomic
def user_end_all_sessions(
    *,
    user: User,
    except_session_key: str | None = None,
    acting_user: Any = None,
    request: HttpRequest | None = None,
) -> int:
    """End every session of `user` except `except_session_key`; returns how many were ended.

    Used when a user signs out their other sessions, after a password change and after an
    administrator resets a member's password.
    """
    keep = {except_session_key} if except_session_key else set()
    tracked = list(
        UserSession.objects.filter(user=user).exclude(session_key__in=keep).select_related("user")
    )
    for row in tracked:
        _end_session(row, acting_user=acting_user, request=request, reason="")
    untracked = _untracked_session_keys(user, keep | {row.session_key for row in tracked})
    store = _session_store()
    for session_key in untracked:
        store().delete(session_key)
    return len(tracked) + len(untracked)


# Passwords ----------------------------------------------------------------------------------


@transaction.atomic
def user_change_password(*, user: User, new_password: str, request: HttpRequest) -> None:
    """Set the user's own new password, keep this session and end all the others."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    old_key = request.session.session_key
    update_session_auth_hash(request, user)  # keeps this session signed in (with a new key)
    new_key = request.session.session_key
    _follow_new_session_key(old_key, new_key)
    audit_record(action=AuditAction.PASSWORD_CHANGED, actor=user, request=request, target=user)
    user_end_all_sessions(user=user, except_session_key=new_key, acting_user=user, request=request)


@transaction.atomic
def user_password_set_in_admin(*, user: User, acting_user: User, request: HttpRequest) -> None:
    """Follow-up after a system administrator set a password in Django's admin.

    Someone else's new password is temporary: they must choose their own at the next sign-in,
    and every session they had ends.
    """
    if user.pk == acting_user.pk:
        audit_record(action=AuditAction.PASSWORD_CHANGED, actor=acting_user, request=request)
        user_end_all_sessions(
            user=user,
            except_session_key=request.session.session_key,
            acting_user=acting_user,
            request=request,
        )
        return
    if user.has_usable_password() and not user.must_change_password:
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
    audit_record(action=AuditAction.PASSWORD_RESET, actor=acting_user, request=request, target=user)
    user_end_all_sessions(user=user, acting_user=acting_user, request=request)


# Two-factor authentication ------------------------------------------------------------------


def two_factor_setup_device(*, request: HttpRequest, user: User) -> TOTPDevice:
    """The authenticator being set up, not saved: its key waits in the browser's session.

    Opening the set-up page stores nothing; reloading it shows the same key, so an app that
    has already scanned it keeps working. The device is saved only once a code from it is
    confirmed (`two_factor_enrol`).
    """
    pending = request.session.get(PENDING_TOTP_SESSION_KEY)
    if not isinstance(pending, dict) or pending.get("user") != user.pk:
        pending = {"user": user.pk, "key": default_key()}
        request.session[PENDING_TOTP_SESSION_KEY] = pending
    return TOTPDevice(user=user, name=TOTP_DEVICE_NAME, key=pending["key"], confirmed=False)


def two_factor_code_matches(*, device: TOTPDevice, token: str) -> bool:
    """Whether `token` is a current code of an authenticator being set up (nothing is saved).

    The same check as django-otp's, which would save the device even for a wrong code; the
    step of the code is kept on the device so that it cannot be used again once saved.
    """
    try:
        value = int(normalise_token(token))
    except ValueError:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(value, device.tolerance, device.last_t + 1):
        return False
    device.last_t = totp.t()
    device.drift = totp.drift
    return True


@transaction.atomic
def two_factor_enrol(*, user: User, device: TOTPDevice, request: HttpRequest | None) -> list[str]:
    """Save a checked authenticator, replacing any earlier one; returns new recovery codes.

    The caller has already checked a code from `device` (`two_factor_code_matches`). Old
    authenticators and recovery codes stop working, so a session verified with them has to
    verify again.
    """
    replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).exists()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.name = TOTP_DEVICE_NAME
    device.save()
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(PENDING_TOTP_SESSION_KEY, None)  # the next set-up gets a new key
    codes = _replace_recovery_codes(user)
    audit_record(
        action=AuditAction.TWO_FACTOR_ENROLLED,
        actor=user,
        request=request,
        target=user,
        summary="authenticator replaced" if replacing else "",
    )
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


@dataclass(frozen=True)
class TwoFactorCheck:
    device: Any  # the django-otp device that accepted the code, or None
    throttled: bool = False

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def normalise_token(token: str) -> str:
    """People type codes with spaces or dashes, and recovery codes in capitals."""
    return "".join(ch for ch in token if ch.isalnum()).lower()


@transaction.atomic
def two_factor_check(*, user: User, token: str, request: HttpRequest) -> TwoFactorCheck:
    """Check a code from the user's authenticator or one of their recovery codes.

    django-otp throttles each device after a wrong code (the wait doubles each time), so a
    guessed code is refused during the wait even when it is right. A recovery code is used up.
    """
    token = normalise_token(token)
    devices = list(devices_for_user(user, confirmed=True, for_verify=True))
    throttled = bool(devices) and all(not device.verify_is_allowed()[0] for device in devices)
    if token and not throttled:
        for device in devices:
            if device.verify_token(token):
                return TwoFactorCheck(device=device)
    audit_record(action=AuditAction.TWO_FACTOR_FAILED, actor=user, request=request)
    return TwoFactorCheck(device=None, throttled=throttled)


@transaction.atomic
def user_two_factor_passed(*, request: HttpRequest, device: Any) -> None:
    """Mark the session as past the second factor, under a new session key.

    Every step up of a session's authentication gets a new key, as signing in does: a cookie
    copied before the step (over a shoulder, from a shared computer, by a script on the page)
    must not turn into a verified session once the owner has entered the code.
    """
    old_key = request.session.session_key
    request.session.cycle_key()
    _follow_new_session_key(old_key, request.session.session_key)
    otp_login(request, device)


@transaction.atomic
def user_reset_two_factor(*, user: User, acting_user: User, request: HttpRequest | None) -> None:
    """Remove a user's authenticator and recovery codes (lost phone) and end their sessions.

    At the next sign-in they must set up a new authenticator if their role needs one.
    """
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
    audit_record(
        action=AuditAction.TWO_FACTOR_RESET, actor=acting_user, request=request, target=user
    )
    user_end_all_sessions(user=user, acting_user=acting_user, request=request)
