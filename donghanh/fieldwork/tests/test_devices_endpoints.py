"""The devices' endpoints and pages: registering (once per Idempotency-Key), the key, the wipe
(410) and its confirmation, the devices page and its actions, the manifest, the service
worker, the offline page, and the sign-out that clears what the site kept in the browser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.urls import reverse

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.fieldwork.devices import services
from donghanh.fieldwork.devices.gate import device_check, wipe_answer
from donghanh.fieldwork.devices.models import DeviceState, FieldDevice
from donghanh.fieldwork.events import FieldworkEvent
from donghanh.fieldwork.tests.devices_helpers import PHONE, actor_of, device_of, member
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db


def _url(name: str, membership, device=None) -> str:
    kwargs = {"org": membership.organisation.slug}
    if device is not None:
        kwargs["device"] = device.uuid
    return reverse(f"fieldwork:{name}", kwargs=kwargs)


def _post(client: Client, url: str, **headers: Any) -> Any:
    return client.post(url, data="{}", content_type="application/json", headers=headers)


# --- Registering ----------------------------------------------------------------------------


def test_registering_answers_the_device_its_secret_and_its_limits(settings):
    settings.FIELD_MAX_OFFLINE_DAYS = 5
    membership = member()
    client = signed_in_client(membership.user)
    response = _post(client, _url("device_register", membership), User_Agent=PHONE)
    assert response.status_code == 201
    body = response.json()
    device = FieldDevice.objects.get(user=membership.user)
    assert body == {
        "device": str(device.uuid),
        "secret": device.secret,
        "max_offline_days": 5,
        "key_url": _url("device_key", membership, device),
        "wipe_url": _url("device_wiped", membership, device),
    }
    assert device.browser == "Chrome · Android"
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_a_registration_sent_twice_with_one_key_makes_one_device():
    membership = member()
    client = signed_in_client(membership.user)
    url = _url("device_register", membership)
    first = _post(client, url, Idempotency_Key="k" * 24)
    second = _post(client, url, Idempotency_Key="k" * 24)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert FieldDevice.objects.filter(user=membership.user).count() == 1
    assert AuditEntry.objects.filter(event=FieldworkEvent.DEVICE_REGISTERED.code).count() == 1
    third = _post(client, url, Idempotency_Key="j" * 24)
    assert third.json()["device"] != first.json()["device"]


def test_registering_needs_the_csrf_token(settings):
    membership = member()
    client = signed_in_client(membership.user)
    client.handler.enforce_csrf_checks = True
    url = _url("device_register", membership)
    assert _post(client, url).status_code == 403
    assert not FieldDevice.objects.exists()
    client.get(_url("devices", membership))  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert _post(client, url, X_CSRFToken=token).status_code == 201


def test_a_signed_out_script_gets_401_not_a_sign_in_page():
    membership = member()
    response = _post(Client(), _url("device_register", membership))
    assert response.status_code == 401
    assert response.json()["signed_in"] is False
    device = device_of(membership)
    assert _post(Client(), _url("device_key", membership, device)).status_code == 401
    assert _post(Client(), _url("device_wiped", membership, device)).status_code == 401


# --- The key and the wipe --------------------------------------------------------------------


def test_the_owner_gets_the_key_of_an_active_device():
    membership = member()
    device = device_of(membership)
    response = _post(signed_in_client(membership.user), _url("device_key", membership, device))
    assert response.status_code == 200
    assert response.json() == {"secret": device.secret, "max_offline_days": 7}
    assert AuditEntry.objects.filter(
        event=FieldworkEvent.DEVICE_KEY_RELEASED.code, target_id=str(device.pk)
    ).exists()


def test_someone_elses_device_is_not_found():
    membership = member()
    device = device_of(membership)
    colleague = member(membership.organisation)
    client = signed_in_client(colleague.user)
    assert _post(client, _url("device_key", membership, device)).status_code == 404
    assert _post(client, _url("device_wiped", membership, device)).status_code == 404
    assert FieldDevice.objects.get(pk=device.pk).state == DeviceState.ACTIVE
    # The same device named under another organisation of the owner's is not found either.
    elsewhere = member(role=Role.COLLABORATOR)
    elsewhere.user = membership.user
    elsewhere.save(update_fields=["user"])
    owner = signed_in_client(membership.user)
    assert _post(owner, _url("device_key", elsewhere, device)).status_code == 404


@pytest.mark.parametrize("how", ["lost", "revoked"])
def test_a_lost_or_revoked_device_is_told_to_erase_its_data(how):
    membership = member()
    device = device_of(membership)
    if how == "lost":
        admin = member(membership.organisation, Role.ORG_ADMIN)
        services.device_report_lost(device=device, actor=actor_of(admin))
    else:
        services.device_revoke(device=device, actor=actor_of(membership))
    client = signed_in_client(membership.user)
    response = _post(client, _url("device_key", membership, device))
    assert response.status_code == 410
    body = response.json()
    assert body["wipe"] is True
    assert body["message"]
    assert device.secret not in response.content.decode()
    device.refresh_from_db()
    assert device.wipe_sent_at is not None
    assert AuditEntry.objects.filter(
        event=FieldworkEvent.DEVICE_WIPE_SENT.code, target_id=str(device.pk)
    ).exists()
    # It confirms it erased everything.
    assert _post(client, _url("device_wiped", membership, device)).status_code == 204
    device.refresh_from_db()
    assert device.state == DeviceState.WIPED
    assert device.wiped_at is not None
    assert _post(client, _url("device_key", membership, device)).status_code == 410


def test_the_410_message_is_in_the_members_language():
    membership = member()
    device = device_of(membership)
    services.device_revoke(device=device, actor=actor_of(membership))
    client = signed_in_client(membership.user)
    vi = _post(client, _url("device_key", membership, device), Accept_Language="vi").json()
    en = _post(client, _url("device_key", membership, device), Accept_Language="en").json()
    assert vi["message"] != en["message"]
    assert "xóa" in vi["message"]


def test_a_device_whose_owner_may_no_longer_work_offline_is_wiped():
    membership = member()
    device = device_of(membership)
    membership.role = Role.CONTENT_EDITOR
    membership.save(update_fields=["role"])
    response = _post(signed_in_client(membership.user), _url("device_key", membership, device))
    assert response.status_code == 410
    assert FieldDevice.objects.get(pk=device.pk).state == DeviceState.REVOKED


def test_the_header_of_a_lost_device_gets_410_from_any_field_endpoint():
    membership = member()
    device = device_of(membership)
    factory = RequestFactory()
    request = factory.post("/", headers={"X-Field-Device": str(device.uuid)})
    request.user = membership.user
    assert wipe_answer(request, membership) is None  # active: its contact is noted
    services.device_report_lost(
        device=device, actor=actor_of(member(membership.organisation, Role.ORG_ADMIN))
    )
    answer = wipe_answer(request, membership)
    assert answer is not None
    assert answer.status_code == 410
    assert json.loads(answer.content)["wipe"] is True
    # No header, a malformed one, or someone else's device: nothing to say.
    plain = factory.post("/")
    plain.user = membership.user
    assert wipe_answer(plain, membership) is None
    bad = factory.post("/", headers={"X-Field-Device": "not-a-uuid"})
    bad.user = membership.user
    assert wipe_answer(bad, membership) is None
    colleague = member(membership.organisation)
    assert wipe_answer(request, colleague) is None
    # The device named in a sync body rather than the header, with the device for the audit.
    check = device_check(plain, membership, str(device.uuid))
    assert check.device == device
    assert check.response is not None and check.response.status_code == 410
    active = device_of(membership)
    check = device_check(plain, membership, str(active.uuid))
    assert check.device == active
    assert check.response is None
    assert device_check(plain, colleague, str(active.uuid)).device is None
    # Registering from a browser that still holds a lost device's data is refused too.
    client = signed_in_client(membership.user)
    response = _post(client, _url("device_register", membership), X_Field_Device=str(device.uuid))
    assert response.status_code == 410
    assert FieldDevice.objects.filter(user=membership.user).count() == 2


# --- The devices page and its actions ---------------------------------------------------------


def test_a_member_sees_only_their_own_devices():
    membership = member()
    own = device_of(membership)
    colleague = member(membership.organisation)
    device_of(colleague)
    client = signed_in_client(membership.user)
    response = client.get(_url("devices", membership))
    assert response.status_code == 200
    assert list(response.context["devices"]) == [own]
    page = response.content.decode()
    assert colleague.user.full_name not in page
    assert own.secret not in page
    assert _url("device_revoke", membership, own) in page
    assert _url("device_report_lost", membership, own) not in page


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.COLLABORATOR])
def test_the_devices_page_takes_a_fixed_number_of_queries(role, django_assert_max_num_queries):
    viewer = member(role=role)
    mine = role == Role.COLLABORATOR
    devices = [device_of(viewer if mine else member(viewer.organisation))]
    device_of(member())  # another organisation's
    client = signed_in_client(viewer.user)
    client.get(_url("devices", viewer))  # the session's first request does more
    with django_assert_max_num_queries(8) as few:
        client.get(_url("devices", viewer))
    for _ in range(5):
        devices.append(device_of(viewer if mine else member(viewer.organisation)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("devices", viewer))
    assert set(response.context["devices"]) == set(devices)
    page = response.content.decode()
    for device in devices:
        assert device.secret not in page
        if not mine:
            assert device.user.full_name in page
            assert _url("device_report_lost", viewer, device) in page


def test_an_administrator_reports_a_device_lost():
    membership = member()
    device = device_of(membership)
    admin = member(membership.organisation, Role.ORG_ADMIN)
    client = signed_in_client(admin.user)
    response = client.post(_url("device_report_lost", admin, device))
    assert response.status_code == 302
    assert response["Location"] == _url("devices", admin)
    device.refresh_from_db()
    assert device.state == DeviceState.LOST
    assert device.lost_reported_by_id == admin.user_id


def test_the_owner_revokes_their_device():
    membership = member()
    device = device_of(membership)
    client = signed_in_client(membership.user)
    response = client.post(_url("device_revoke", membership, device))
    assert response.status_code == 302
    assert FieldDevice.objects.get(pk=device.pk).state == DeviceState.REVOKED


def test_an_erased_device_reported_lost_gets_a_message_not_an_error():
    membership = member()
    device = device_of(membership)
    services.device_wiped(device=device, actor=Actor.for_user(membership.user))
    admin = member(membership.organisation, Role.ORG_ADMIN)
    client = signed_in_client(admin.user)
    response = client.post(_url("device_report_lost", admin, device), follow=True)
    assert response.status_code == 200
    assert FieldDevice.objects.get(pk=device.pk).state == DeviceState.WIPED
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


# --- Installing the app -----------------------------------------------------------------------


def test_the_manifest_names_the_app_and_keeps_to_its_address():
    membership = member()
    root = f"/app/o/{membership.organisation.slug}/field/"
    response = Client().get(_url("manifest", membership), headers={"Accept-Language": "vi"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    body = json.loads(response.content)
    assert body["name"] == "Đồng Hành – Thực địa"
    assert body["start_url"] == body["scope"] == root
    assert body["display"] == "standalone"
    assert body["theme_color"] == "#0b6e4f"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    assert {icon["purpose"] for icon in body["icons"]} == {"any", "maskable"}
    english = Client().get(_url("manifest", membership), headers={"Accept-Language": "en"})
    assert json.loads(english.content)["name"] == "Đồng Hành – Field work"
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def service_worker_file(settings, tmp_path) -> str:
    """The client's service worker if it is installed, else a stand-in of the same name."""
    found = finders.find("fieldwork/sw.js")
    if found:
        return Path(found).read_text(encoding="utf-8")
    folder = tmp_path / "fieldwork"
    folder.mkdir()
    (folder / "sw.js").write_text("// stand-in\n", encoding="utf-8")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(tmp_path)]
    return "// stand-in\n"


def test_the_service_worker_is_served_for_the_apps_scope_only(service_worker_file):
    membership = member()
    response = signed_in_client(membership.user).get(_url("service_worker", membership))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == f"/app/o/{membership.organisation.slug}/field/"
    assert "no-cache" in response["Cache-Control"]
    assert response.content.decode() == service_worker_file


def test_the_offline_page_says_nothing_about_the_member():
    membership = member()
    response = signed_in_client(membership.user).get(
        _url("offline", membership), headers={"Accept-Language": "vi"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Không có kết nối" in page
    user = membership.user
    for personal in (user.full_name, user.username, membership.organisation.name):
        assert personal not in page
    assert "language-switcher" not in page
    assert f'href="/app/o/{membership.organisation.slug}/field/"' in page


def test_signing_out_clears_the_sites_cache_and_storage():
    membership = member()
    client = signed_in_client(membership.user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
