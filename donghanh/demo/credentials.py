"""The published sign-in secrets of demo accounts.

Each demo user's TOTP key is derived from their username, so the key is the same on every machine
and docs/demo-users.md can list it. The derivation is public: these keys protect nothing, which is
why demo data refuses to load in production.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

_DEMO_TOTP_SALT = b"donghanh demo totp v1"
TOTP_KEY_BYTES = 20  # what django-otp and authenticator apps expect (RFC 4226)


def demo_totp_key(username: str) -> bytes:
    return hmac.new(_DEMO_TOTP_SALT, username.encode("utf-8"), hashlib.sha256).digest()[
        :TOTP_KEY_BYTES
    ]


def totp_secret_base32(key: bytes) -> str:
    """The key as authenticator apps take it (20 bytes make 32 characters, no padding)."""
    return base64.b32encode(key).decode("ascii").rstrip("=")


def current_totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the device accepts now (or at the Unix time `at`), zero-padded."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def seconds_left(device: TOTPDevice, *, at: float | None = None) -> int:
    """How long the current code stays valid."""
    now = time.time() if at is None else at
    return int(device.step - ((now - device.t0) % device.step))
