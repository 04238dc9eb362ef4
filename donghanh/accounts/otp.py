"""Checks of second-factor codes that write nothing: the services save what they accept."""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def normalise_token(token: str) -> str:
    """People type codes with spaces or dashes, and recovery codes in capitals."""
    return "".join(ch for ch in token if ch.isalnum()).lower()


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
