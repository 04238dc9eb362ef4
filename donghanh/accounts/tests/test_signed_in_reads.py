"""The signed-in user and their verified device, read on every request by compiled reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from donghanh.accounts.backends import AccountBackend
from donghanh.accounts.selectors import device_by_persistent_id, user_by_id
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import confirmed_totp_device

pytestmark = pytest.mark.django_db

# factory_boy's stubs type a factory call as the factory; the tests use the model.
UserFactory: Any = factories.UserFactory

HOME = reverse("workspace:home")
VERIFY = reverse("accounts:two_factor_verify")


def test_the_user_is_read_by_id_and_only_an_active_one_signs_in():
    user, other = UserFactory(), UserFactory()

    assert user_by_id(user.pk) == user and user_by_id(str(other.pk)) == other
    assert user_by_id(other.pk + 1000) is None
    assert user_by_id("not a number") is None and user_by_id(None) is None
    assert AccountBackend().get_user(user.pk) == user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert AccountBackend().get_user(user.pk) is None


def test_the_device_a_session_names_is_read_as_django_otp_reads_it():
    user = UserFactory()
    device = confirmed_totp_device(user)
    recovery = StaticDevice.objects.create(user=user, name="backup", confirmed=True)

    assert device_by_persistent_id(device.persistent_id) == device
    found = device_by_persistent_id(recovery.persistent_id)
    assert isinstance(found, StaticDevice) and found == recovery
    assert device_by_persistent_id(f"otp_totp.totpdevice/{device.pk + 1000}") is None
    # Not a device, not a model, not an id: nothing.
    assert device_by_persistent_id(f"accounts.user/{user.pk}") is None
    assert device_by_persistent_id("nothing.here/1") is None
    assert device_by_persistent_id("otp_totp.totpdevice/x") is None


def test_a_verified_session_reads_its_user_and_device_once_each():
    user = UserFactory()
    client = signed_in_client(user)
    assert client.session[BACKEND_SESSION_KEY] == "donghanh.accounts.backends.AccountBackend"
    client.get(HOME)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    reads = [q["sql"] for q in queries.captured_queries]
    assert (
        sum('FROM "accounts_user"' in sql and '"accounts_user"."id" =' in sql for sql in reads) == 1
    )
    assert sum('FROM "otp_totp_totpdevice"' in sql for sql in reads) == 1


def test_a_session_whose_device_is_gone_or_someone_else_s_is_not_verified():
    user, other = UserFactory(), UserFactory()
    client = signed_in_client(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_totp_device(other).persistent_id
    session.save()

    answer = client.get(HOME)
    assert answer.status_code == 302 and answer["Location"].startswith(VERIFY)
    assert DEVICE_ID_SESSION_KEY not in client.session
