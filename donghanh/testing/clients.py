from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from donghanh.testing.factories import confirmed_totp_device


def signed_in_client(user: Any, *, verified: bool = True) -> Client:
    """A client signed in as `user`, past the second factor unless `verified` is False."""
    client = Client()
    client.force_login(user)
    if verified:
        device = confirmed_totp_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
