"""Writes for accounts: signing in and out, sessions, passwords and the second factor.

Every function that changes security state writes its audit row in the same transaction.
Audit rows never carry a password, a one-time code or a session key. The services never see
the request: what the browser's session must do (log in, cycle its key, keep a pending
authenticator) is done around them by `donghanh.accounts.sessions`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts.events import AccountEvent
from donghanh.accounts.models import (
    NotFoundTally,
    SecurityNotice,
    SignInThrottle,
    User,
    UserSession,
)
from donghanh.accounts.otp import normalise_token
from donghanh.accounts.ports import account_overseers
from donghanh.audit.events import AdminEvent
from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.core.text import plain_name

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"
# Guessing spread over many addresses (settings.ACCOUNT_FAILURE_LIMIT): the first wait, which
# doubles with every further wrong password, and how long a quiet account's count is kept.
FIRST_SLOWDOWN = timedelta(minutes=1)
ACCOUNT_FAILURE_WINDOW = timedelta(hours=24)


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def _own_account(actor: Actor) -> User:
    """The signed-in user acting on their own account."""
    if not isinstance(actor.user, User):
        raise PermissionDenied
    return actor.user


@transaction.atomic
def user_set_language(*, actor: Actor, language: str) -> None:
    """Remember the interface language the signed-in user chose."""
    user = _own_account(actor)
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


@transaction.atomic
def user_update_profile(*, actor: Actor, full_name: str, preferred_language: str) -> list[str]:
    """Save the user's own name and language; returns the names of the fields that changed."""
    user = _own_account(actor)
    changed = []
    full_name = plain_name(full_name)  # no control characters or right-to-left overrides
    if user.full_name != full_name:
        user.full_name = full_name
        changed.append("full_name")
    if user.preferred_language != preferred_language:
        user.preferred_language = preferred_language
        changed.append("preferred_language")
    if changed:
        user.save(update_fields=changed)
        audit_record(
            event=AccountEvent.PROFILE_UPDATED, actor=actor, target=user, changed_fields=changed
        )
    return changed


@transaction.atomic
def user_saved_in_admin(
    *, actor: Actor, user: User, created: bool, changed_fields: list[str]
) -> None:
    """Record an account created or changed (and saved) in Django's system administration."""
    audit_record(
        event=AdminEvent.CREATED if created else AdminEvent.CHANGED,
        actor=actor,
        target=user,
        changed_fields=changed_fields,
    )


# Signing in and out ------------------------------------------------------------------------


def _track_session(actor: Actor, user: User, session_key: str) -> UserSession:
    tracked, _ = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "ip_address": actor.ip_address,
            "user_agent": actor.user_agent[:300],
            "last_seen_at": timezone.now(),
        },
    )
    return tracked


@transaction.atomic
def user_signed_in(*, actor: Actor, session_key: str, previous_session_key: str | None) -> None:
    """Track the session a user whose password was checked has just started, and record it.

    `previous_session_key` is the key the browser had before signing in (it no longer works).
    """
    user = _own_account(actor)
    if previous_session_key and previous_session_key != session_key:
        UserSession.objects.filter(session_key=previous_session_key).delete()
    _track_session(actor, user, session_key)
    audit_record(event=AccountEvent.SIGNED_IN, actor=actor)


@transaction.atomic
def user_sign_in_failed(
    *,
    actor: Actor,
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
    # The attempt belongs to nobody, even if someone is signed in in this browser.
    attempt = replace(actor, user=None, name=username)
    if not locked_out or lockout_started:
        audit_record(event=AccountEvent.SIGN_IN_FAILED, actor=attempt)
        if not known_browser:
            sign_in_failure_counted(actor=attempt, username=username)
    if locked_out:
        audit_record(
            event=AccountEvent.LOCKOUT_STARTED
            if lockout_started
            else AccountEvent.REFUSED_DURING_LOCKOUT,
            actor=attempt,
        )


def _slowdown(failures: int) -> timedelta:
    over = failures - settings.ACCOUNT_FAILURE_LIMIT
    if over < 0:
        return timedelta(0)
    longest = timedelta(minutes=settings.ACCOUNT_SLOWDOWN_MAX_MINUTES)
    return min(FIRST_SLOWDOWN * 2 ** min(over, 16), longest)


@transaction.atomic
def sign_in_failure_counted(*, actor: Actor, username: str) -> SignInThrottle:
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
        _sign_in_slowed(actor=actor, username=username, failures=throttle.failures)
    return throttle


def _sign_in_slowed(*, actor: Actor, username: str, failures: int) -> None:
    audit_record(
        event=AccountEvent.SIGN_IN_SLOWED,
        actor=replace(actor, user=None, name=username),
        details={"failures": failures},
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
def security_notice_dismiss(*, actor: Actor, notice: SecurityNotice) -> None:
    """The recipient has read the notice: it leaves their home page."""
    if notice.dismissed_at is not None:
        return
    notice.dismissed_at = timezone.now()
    notice.save(update_fields=["dismissed_at"])
    audit_record(
        event=AccountEvent.NOTICE_READ, actor=actor, target=notice, changed_fields=["dismissed_at"]
    )


@transaction.atomic
def user_sign_out(*, actor: Actor, session_key: str | None) -> None:
    """Record that the signed-in user signs out of this session, and stop tracking it.

    The caller then ends the session itself (`donghanh.accounts.sessions.sign_out`).
    """
    if actor.user is None:
        return
    audit_record(event=AccountEvent.SIGNED_OUT, actor=actor)
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


# Probing ------------------------------------------------------------------------------------


@transaction.atomic
def not_found_counted(*, actor: Actor) -> bool:
    """Count a "not found" answer to the actor on a record address; True when it made the event.

    Records of other organisations answer 404, as if they did not exist, so someone trying one
    address after another would leave no trace. When one person reaches
    settings.PROBE_NOT_FOUND_LIMIT within settings.PROBE_WINDOW_MINUTES, one audit row says so
    (the count and the window, never the addresses); no more for that person in that window.
    """
    user = _own_account(actor)
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
        event=AccountEvent.NOT_FOUND_PROBING,
        actor=actor,
        details={"count": tally.count, "minutes": settings.PROBE_WINDOW_MINUTES},
    )
    return True


# Sessions -----------------------------------------------------------------------------------


@transaction.atomic
def user_session_rekeyed(*, actor: Actor, old_key: str | None, new_key: str | None) -> None:
    """Keep the tracking row of a session whose key was just replaced."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


@transaction.atomic
def user_session_seen(*, actor: Actor, session_key: str) -> None:
    """Note the session's last activity and forget the user's dead sessions.

    Called at most once a minute per session by SessionTrackingMiddleware.
    """
    user = _own_account(actor)
    updated = UserSession.objects.filter(session_key=session_key, user=user).update(
        last_seen_at=timezone.now()
    )
    if not updated:
        _track_session(actor, user, session_key)
    _prune_sessions(user)


def _prune_sessions(user: User) -> int:
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


def _end_session(tracked: UserSession, *, actor: Actor, by_owner: bool = False) -> None:
    _session_store()().delete(tracked.session_key)
    audit_record(
        event=AccountEvent.SESSION_ENDED_BY_OWNER if by_owner else AccountEvent.SESSION_ENDED,
        actor=actor,
        organisation=None,  # an account event, whoever ends the session
        target=tracked.user,
        details={"session": tracked.pk},
    )
    tracked.delete()


@transaction.atomic
def user_session_end(*, actor: Actor, session: UserSession) -> None:
    """End one of the user's own sessions: its cookie stops working at once."""
    if session.user_id != _own_account(actor).pk:
        raise PermissionDenied
    _end_session(session, actor=actor, by_owner=True)


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
    *, actor: Actor, user: User, except_session_key: str | None = None
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
        _end_session(row, actor=actor)
    untracked = _untracked_session_keys(user, keep | {row.session_key for row in tracked})
    store = _session_store()
    for session_key in untracked:
        store().delete(session_key)
    return len(tracked) + len(untracked)


# Passwords ----------------------------------------------------------------------------------


@transaction.atomic
def user_change_password(*, actor: Actor, new_password: str, keep_session_key: str | None) -> None:
    """Set the user's own new password and end all their sessions but `keep_session_key`.

    The caller keeps its own session signed in under the new password
    (`donghanh.accounts.sessions.change_password`).
    """
    user = _own_account(actor)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(event=AccountEvent.PASSWORD_CHANGED, actor=actor, target=user)
    user_end_all_sessions(actor=actor, user=user, except_session_key=keep_session_key)


@transaction.atomic
def user_password_set_in_admin(
    *, actor: Actor, user: User, keep_session_key: str | None = None
) -> None:
    """Follow-up after a system administrator set a password in Django's admin.

    Someone else's new password is temporary: they must choose their own at the next sign-in,
    and every session they had ends. Administrators who set their own keep the session they
    did it from (`keep_session_key`).
    """
    if user.pk == actor.user_id:
        audit_record(event=AccountEvent.PASSWORD_CHANGED, actor=actor)
        user_end_all_sessions(actor=actor, user=user, except_session_key=keep_session_key)
        return
    if user.has_usable_password() and not user.must_change_password:
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
    audit_record(event=AccountEvent.PASSWORD_SET_IN_ADMIN, actor=actor, target=user)
    user_end_all_sessions(actor=actor, user=user)


# Two-factor authentication ------------------------------------------------------------------


@transaction.atomic
def two_factor_enrol(*, actor: Actor, device: TOTPDevice) -> list[str]:
    """Save a checked authenticator, replacing any earlier one; returns new recovery codes.

    The caller has already checked a code from `device` (`otp.two_factor_code_matches`). Old
    authenticators and recovery codes stop working, so a session verified with them has to
    verify again.
    """
    user = _own_account(actor)
    replacing = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).exists()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.name = TOTP_DEVICE_NAME
    if device.pk is None:
        device.save(force_insert=True)
    else:
        device.save(update_fields=["confirmed", "name", "last_t", "drift"])
    codes = _replace_recovery_codes(user)
    audit_record(
        event=AccountEvent.TWO_FACTOR_REPLACED if replacing else AccountEvent.TWO_FACTOR_ENROLLED,
        actor=actor,
        target=user,
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


@transaction.atomic
def two_factor_check(*, actor: Actor, token: str) -> TwoFactorCheck:
    """Check a code from the user's authenticator or one of their recovery codes.

    django-otp throttles each device after a wrong code (the wait doubles each time), so a
    guessed code is refused during the wait even when it is right. A recovery code is used up.
    """
    user = _own_account(actor)
    token = normalise_token(token)
    devices = list(devices_for_user(user, confirmed=True, for_verify=True))
    throttled = bool(devices) and all(not device.verify_is_allowed()[0] for device in devices)
    if token and not throttled:
        for device in devices:
            if device.verify_token(token):
                return TwoFactorCheck(device=device)
    audit_record(event=AccountEvent.TWO_FACTOR_FAILED, actor=actor)
    return TwoFactorCheck(device=None, throttled=throttled)


@transaction.atomic
def user_reset_two_factor(*, actor: Actor, user: User) -> None:
    """Remove a user's authenticator and recovery codes (lost phone) and end their sessions.

    At the next sign-in they must set up a new authenticator if their role needs one.
    """
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
    audit_record(event=AccountEvent.TWO_FACTOR_RESET, actor=actor, target=user)
    user_end_all_sessions(actor=actor, user=user)
