"""Reads for accounts: the second factor, and a user's own sessions.

Every account signs in with a second factor, whatever its roles: staff of every role see
something worth protecting (case files, member lists, programme figures, unpublished drafts),
and system administrators see everything. So the rule needs no knowledge of roles.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.http import Http404
from django.utils import timezone
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts.models import SecurityNotice, SignInThrottle, User, UserSession
from donghanh.core.queries import CompiledRead


def user_has_confirmed_device(user: Any) -> bool:
    return bool(user_has_device(user, confirmed=True))


@dataclass(frozen=True)
class TwoFactorStatus:
    enrolled_at: datetime | None
    recovery_codes_left: int

    @property
    def enabled(self) -> bool:
        return self.enrolled_at is not None


def two_factor_status(user: User) -> TwoFactorStatus:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    return TwoFactorStatus(
        enrolled_at=(device.created_at or timezone.now()) if device is not None else None,
        recovery_codes_left=StaticToken.objects.filter(
            device__user=user, device__confirmed=True
        ).count(),
    )


def sign_in_wait(username: str) -> int:
    """Seconds before the next sign-in to `username` from a browser new to it is checked (0: now).

    See `services.sign_in_failure_counted`; browsers that signed in to the account before are
    never asked to wait (the caller checks that).
    """
    slowed_until = (
        SignInThrottle.objects.filter(username=username, slowed_until__gt=timezone.now())
        .values_list("slowed_until", flat=True)
        .first()
    )
    if slowed_until is None:
        return 0
    return max(1, math.ceil((slowed_until - timezone.now()).total_seconds()))


def sign_in_locked_among(usernames: Iterable[str]) -> set[str]:
    """Those of `usernames` whose sign-ins are held back now (one query): locked out from
    an address after too many wrong passwords (django-axes, for its cool-off time), or slowed
    down after guessing from many addresses (`sign_in_wait`)."""
    from axes.models import AccessAttempt

    names = list(usernames)
    now = timezone.now()
    locked = AccessAttempt.objects.filter(
        username__in=names,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=now - settings.AXES_COOLOFF_TIME,
    ).values_list("username", flat=True)
    slowed = SignInThrottle.objects.filter(username__in=names, slowed_until__gt=now).values_list(
        "username", flat=True
    )
    return set(locked.union(slowed))


def sign_in_locked(username: str) -> bool:
    """Whether sign-ins to `username` are held back now (`sign_in_locked_among`)."""
    return bool(sign_in_locked_among([username]))


def security_notices_for(user: User) -> list[SecurityNotice]:
    """The notices the user has not dismissed yet, newest first."""
    return list(
        SecurityNotice.objects.filter(recipient=user, dismissed_at__isnull=True).select_related(
            "account"
        )
    )


def access_own_notice(user: User, notice_id: int) -> SecurityNotice:
    """One of the user's own notices; anyone else's is 404."""
    notice = SecurityNotice.objects.filter(pk=notice_id, recipient=user).first()
    if notice is None:
        raise Http404
    return notice


def active_sessions_for(user: User) -> list[UserSession]:
    """The user's sessions that still work, most recently active first."""
    rows = list(UserSession.objects.filter(user=user).order_by("-last_seen_at", "-pk"))
    alive = set(
        Session.objects.filter(
            session_key__in=[row.session_key for row in rows], expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    return [row for row in rows if row.session_key in alive]


def access_own_session(user: User, session_id: int) -> UserSession:
    """One of the user's own live sessions; anyone else's (or an expired one) is 404."""
    for row in active_sessions_for(user):
        if row.pk == session_id:
            return row
    raise Http404


_BROWSERS = (
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Cốc Cốc", re.compile(r"coc_coc_browser/")),
    ("Zalo", re.compile(r"Zalo")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"Android")),
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Macintosh|Mac OS X")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
)


def describe_user_agent(user_agent: str) -> str:
    """A short, recognisable name such as "Chrome · Android" (empty when unknown)."""
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    return " · ".join(part for part in (browser, system) if part)


# --- who is signed in, on every request -------------------------------------------------------
#
# Every staff request reads its user and the second-factor device that verified the session.
# Both are reads by id whose SQL is compiled once per process (`core.queries`): Django's
# queryset for them cost more Python than the database takes to answer.

_user_by_id = CompiledRead(lambda pk: User._default_manager.filter(pk=pk))
_device_reads: dict[type[Device], CompiledRead[Any]] = {}


def user_by_id(pk: Any) -> User | None:
    """The user of that id, or None (the signed-in user of a session)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    found = _user_by_id(key)
    return found[0] if found else None


def device_by_persistent_id(persistent_id: str) -> Device | None:
    """The second-factor device a session names (`app_label.model/id`), or None: what
    django-otp's `Device.from_persistent_id` answers, without building its query again."""
    try:
        label, device_id = persistent_id.rsplit("/", 1)
        app_label, model_name = label.split(".")
        model = apps.get_model(app_label, model_name)
        key = int(device_id)
    except (ValueError, LookupError):
        return None
    if not issubclass(model, Device):
        return None
    read = _device_reads.get(model)
    if read is None:
        read = _device_reads.setdefault(
            model, CompiledRead(lambda pk, model=model: model._default_manager.filter(pk=pk))
        )
    found = read(key)
    return found[0] if found else None
