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


def searched(client: Client, url: str, data: dict[str, Any]) -> Any:
    """Post a search form as a browser does, then open the address it redirects to.

    Search terms never travel in an address (donghanh.core.search_terms): the form posts them
    and the list is shown at an address carrying only a key and the other filters.
    """
    posted = client.post(url, data)
    if posted.status_code != 302:
        raise AssertionError(f"the search was answered {posted.status_code}, not a redirect")
    return client.get(posted["Location"])
