"""Every address of the devices × every role × own organisation and another organisation.

The expected statuses are written out by hand, not computed from roles.py. A device named in
an address belongs to a colleague in the same organisation ("theirs") or to the one asking
("mine"); in another organisation the asker is no member at all. Every refused action also
checks that nothing changed.

    201, 200, 204, 302  allowed (302: a page's action redirecting after it is done)
    401                 a signed-out script: JSON, not the sign-in page
    403                 a member whose role allows none of it
    404                 another organisation, or someone else's device
    410                 the asker's own device, whose owner may no longer work offline here
    LOGIN               a signed-out browser: redirected to the sign-in page
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from donghanh.fieldwork.devices.models import DeviceState, FieldDevice
from donghanh.fieldwork.tests.devices_helpers import device_of, member
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db

LOGIN = "LOGIN"
ROLES = [role.value for role in Role]
ACTORS = [*ROLES, "anonymous"]

# (address name, method, whose device, what happens when allowed)
ADDRESSES: dict[str, tuple[str, str, str | None]] = {
    "register": ("device_register", "post", None),
    "key_mine": ("device_key", "post", "mine"),
    "key_theirs": ("device_key", "post", "theirs"),
    "wiped_mine": ("device_wiped", "post", "mine"),
    "wiped_theirs": ("device_wiped", "post", "theirs"),
    "devices": ("devices", "get", None),
    "lost_theirs": ("device_report_lost", "post", "theirs"),
    "revoke_mine": ("device_revoke", "post", "mine"),
    "revoke_theirs": ("device_revoke", "post", "theirs"),
    "offline": ("offline", "get", None),
    "service_worker": ("service_worker", "get", None),
    "manifest": ("manifest", "get", None),
}

# Own organisation: the expected status of each address for each role.
OFFLINE_ROLE = {
    "register": 201,
    "key_mine": 200,
    "key_theirs": 404,
    "wiped_mine": 204,
    "wiped_theirs": 404,
    "devices": 200,
    "lost_theirs": 403,
    "revoke_mine": 302,
    "revoke_theirs": 404,
    "offline": 200,
    "service_worker": 200,
    "manifest": 200,
}
ADMIN = {
    "register": 403,
    "key_mine": 410,  # an administrator does not work offline: a device of theirs is wiped
    "key_theirs": 403,
    "wiped_mine": 204,
    "wiped_theirs": 404,
    "devices": 200,
    "lost_theirs": 302,
    "revoke_mine": 302,
    "revoke_theirs": 404,
    "offline": 403,
    "service_worker": 403,
    "manifest": 200,
}
NEITHER = {
    "register": 403,
    "key_mine": 410,
    "key_theirs": 403,
    "wiped_mine": 204,
    "wiped_theirs": 404,
    "devices": 403,
    "lost_theirs": 403,
    "revoke_mine": 403,
    "revoke_theirs": 403,
    "offline": 403,
    "service_worker": 403,
    "manifest": 200,
}
OWN_ORGANISATION: dict[str, dict[str, Any]] = {
    "org_admin": ADMIN,
    "supervisor": OFFLINE_ROLE,
    "case_worker": OFFLINE_ROLE,
    "collaborator": OFFLINE_ROLE,
    "programme_officer": OFFLINE_ROLE,
    "content_editor": NEITHER,
    "donor_viewer": NEITHER,
    "anonymous": {
        "register": 401,
        "key_mine": 401,
        "key_theirs": 401,
        "wiped_mine": 401,
        "wiped_theirs": 401,
        "devices": LOGIN,
        "lost_theirs": LOGIN,
        "revoke_mine": LOGIN,
        "revoke_theirs": LOGIN,
        "offline": LOGIN,
        "service_worker": LOGIN,
        "manifest": 200,
    },
}
# Another organisation: the asker, whatever their role at home, is not a member there. Their own
# device there ("mine") is one they registered before leaving it: the key wipes it.
OTHER_ORGANISATION = {
    "register": 404,
    "key_mine": 410,
    "key_theirs": 404,
    "wiped_mine": 204,
    "wiped_theirs": 404,
    "devices": 404,
    "lost_theirs": 404,
    "revoke_mine": 404,
    "revoke_theirs": 404,
    "offline": 404,
    "service_worker": 404,
    "manifest": 200,
}


@pytest.fixture
def service_worker_file(settings, tmp_path) -> None:
    from django.contrib.staticfiles import finders

    if finders.find("fieldwork/sw.js"):
        return
    (tmp_path / "fieldwork").mkdir()
    (tmp_path / "fieldwork" / "sw.js").write_text("// stand-in\n", encoding="utf-8")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(tmp_path)]


def _expected(actor: str, scope: str, column: str) -> Any:
    if scope == "own" or actor == "anonymous":
        return OWN_ORGANISATION[actor][column]
    return OTHER_ORGANISATION[column]


def _status(response: Any) -> Any:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.usefixtures("service_worker_file")
@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("column", list(ADDRESSES))
def test_devices_addresses(actor, scope, column):
    name, method, whose = ADDRESSES[column]
    home = member(role=Role.COLLABORATOR)
    target = home.organisation
    if actor == "anonymous":
        asker = None
        client = Client()
    else:
        asker = member(target, Role(actor)) if scope == "own" else member(role=Role(actor))
        client = signed_in_client(asker.user)
    device: FieldDevice | None = None
    if whose == "theirs":
        device = device_of(member(target, Role.CASE_WORKER))
    elif whose == "mine":
        owner = asker
        if owner is None or owner.organisation != target:
            # Registered when the asker was a collaborator of the target organisation.
            owner = member(target, Role.COLLABORATOR)
            if asker is not None:
                owner.user = asker.user
                owner.save(update_fields=["user"])
        device = device_of(owner)
        if asker is not None and asker.organisation != target:
            owner.is_active = False  # has left since
            owner.save(update_fields=["is_active"])
            asker.user._active_memberships = None  # type: ignore[attr-defined]
    kwargs: dict[str, Any] = {"org": target.slug}
    if device is not None:
        kwargs["device"] = device.uuid
    url = reverse(f"fieldwork:{name}", kwargs=kwargs)
    before = FieldDevice.objects.count(), device.state if device else None
    if method == "post":
        response = client.post(url, data="{}", content_type="application/json")
    else:
        response = client.get(url)
    expected = _expected(actor, scope, column)
    assert _status(response) == expected
    # The effect: done when allowed, nothing changed when refused.
    if device is not None:
        device.refresh_from_db()
    if expected in (201,):
        assert FieldDevice.objects.count() == before[0] + 1
    elif method == "post" and device is not None:
        effects = {
            "device_key": DeviceState.ACTIVE,
            "device_wiped": DeviceState.WIPED,
            "device_report_lost": DeviceState.LOST,
            "device_revoke": DeviceState.REVOKED,
        }
        if expected in (200, 204, 302):
            assert device.state == effects[name]
        elif expected == 410:
            assert device.state == DeviceState.REVOKED
        else:
            assert device.state == before[1]
    else:
        assert FieldDevice.objects.count() == before[0]


def test_the_matrix_covers_every_address_of_the_devices():
    from donghanh.fieldwork.devices.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == {v[0] for v in ADDRESSES.values()}
    for table in (*OWN_ORGANISATION.values(), OTHER_ORGANISATION):
        assert set(table) == set(ADDRESSES)
