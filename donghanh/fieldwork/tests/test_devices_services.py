"""The devices' services: a device registered with a secret kept encrypted, its key released
only to its owner while it is active, reported lost, revoked, told to erase, erased; one audit
row each, naming the device by its id and nothing personal."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from donghanh.audit.models import AuditEntry
from donghanh.fieldwork.devices import services
from donghanh.fieldwork.devices.browsers import browser_summary
from donghanh.fieldwork.devices.models import DeviceState, FieldDevice
from donghanh.fieldwork.events import FieldworkEvent
from donghanh.fieldwork.tests.devices_helpers import PHONE, actor_of, device_of, member
from donghanh.organisations.roles import Role

pytestmark = pytest.mark.django_db


def _rows(device: FieldDevice) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            target_type="fieldwork.fielddevice", target_id=str(device.pk)
        ).order_by("pk")
    )


def _assert_nothing_personal(entry: AuditEntry, membership) -> None:
    text = f"{entry.summary} {entry.details} {entry.changed_fields}"
    user = membership.user
    for personal in (user.full_name, user.username, user.email, "Android", "Chrome"):
        assert personal not in text


def test_a_registered_device_has_a_random_secret_kept_encrypted():
    membership = member()
    device = device_of(membership)
    device.refresh_from_db()
    assert device.state == DeviceState.ACTIVE
    assert device.user_id == membership.user_id
    assert device.organisation_id == membership.organisation_id
    assert len(base64.urlsafe_b64decode(device.secret + "=")) == 32
    assert device.last_contact_at is not None
    assert device_of(member()).secret != device.secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM fieldwork_fielddevice WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]
    assert device.secret not in stored
    assert stored.startswith("gAAAA")  # a Fernet token


def test_registration_is_audited_without_personal_data():
    membership = member()
    device = device_of(membership)
    [entry] = _rows(device)
    assert entry.event == FieldworkEvent.DEVICE_REGISTERED.code
    assert entry.details == {"device": device.pk}
    assert entry.organisation_id == membership.organisation_id
    assert entry.actor_id == membership.user_id
    _assert_nothing_personal(entry, membership)


def test_the_browser_is_kept_in_a_few_words_only():
    device = device_of(member())
    assert device.browser == "Chrome · Android"
    assert browser_summary(PHONE) == "Chrome · Android"
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    )
    assert browser_summary(iphone) == "Safari · iOS"
    edge = PHONE.replace("Mobile Safari/537.36", "Mobile Safari/537.36 EdgA/131.0")
    assert browser_summary(edge) == "Edge · Android"
    samsung = PHONE.replace("Chrome/", "SamsungBrowser/25.0 Chrome/")
    assert browser_summary(samsung) == "Samsung Internet · Android"
    assert browser_summary("") == ""
    assert browser_summary("curl/8.5") == ""


def test_the_same_idempotency_key_registers_one_device():
    membership = member()
    first = device_of(membership, key="a" * 24)
    again = device_of(membership, key="a" * 24)
    assert again.pk == first.pk
    assert FieldDevice.objects.filter(user=membership.user).count() == 1
    assert len(_rows(first)) == 1
    other = device_of(membership, key="b" * 24)
    assert other.pk != first.pk


def test_the_key_is_released_to_the_owner_of_an_active_device():
    membership = member()
    device = device_of(membership)
    before = FieldDevice.objects.get(pk=device.pk).last_contact_at
    secret = services.device_key_release(device=device, actor=actor_of(membership))
    assert secret == FieldDevice.objects.get(pk=device.pk).secret
    after = FieldDevice.objects.get(pk=device.pk).last_contact_at
    assert before is not None and after is not None and after > before
    entry = _rows(device)[-1]
    assert entry.event == FieldworkEvent.DEVICE_KEY_RELEASED.code
    assert entry.details == {"device": device.pk}
    assert secret not in f"{entry.summary} {entry.details}"


def test_no_key_for_someone_else_or_a_device_reported_lost():
    membership = member()
    device = device_of(membership)
    colleague = member(membership.organisation)
    with pytest.raises(ValidationError):
        services.device_key_release(device=device, actor=actor_of(colleague))
    admin = member(membership.organisation, Role.ORG_ADMIN)
    services.device_report_lost(device=device, actor=actor_of(admin))
    with pytest.raises(ValidationError):
        services.device_key_release(device=device, actor=actor_of(membership))
    assert not AuditEntry.objects.filter(event=FieldworkEvent.DEVICE_KEY_RELEASED.code).exists()


def test_reporting_lost_records_who_and_when_once():
    membership = member()
    device = device_of(membership)
    admin = member(membership.organisation, Role.ORG_ADMIN)
    services.device_report_lost(device=device, actor=actor_of(admin))
    services.device_report_lost(device=device, actor=actor_of(admin))
    device.refresh_from_db()
    assert device.state == DeviceState.LOST
    assert device.must_wipe
    assert device.lost_reported_by_id == admin.user_id
    assert device.lost_reported_at is not None
    lost = [r for r in _rows(device) if r.event == FieldworkEvent.DEVICE_REPORTED_LOST.code]
    assert len(lost) == 1
    assert lost[0].changed_fields == ["state"]
    _assert_nothing_personal(lost[0], membership)


def test_an_erased_device_cannot_be_reported_lost():
    membership = member()
    device = device_of(membership)
    services.device_wiped(device=device, actor=actor_of(membership))
    admin = member(membership.organisation, Role.ORG_ADMIN)
    with pytest.raises(ValidationError):
        services.device_report_lost(device=device, actor=actor_of(admin))
    assert FieldDevice.objects.get(pk=device.pk).state == DeviceState.WIPED


def test_revoking_changes_only_an_active_device():
    membership = member()
    device = device_of(membership)
    services.device_revoke(device=device, actor=actor_of(membership))
    services.device_revoke(device=device, actor=actor_of(membership))
    device.refresh_from_db()
    assert device.state == DeviceState.REVOKED
    assert device.revoked_at is not None
    events = [r.event for r in _rows(device)]
    assert events.count(FieldworkEvent.DEVICE_REVOKED.code) == 1


def test_the_wipe_order_is_noted_for_lost_and_revoked_devices_only():
    membership = member()
    device = device_of(membership)
    services.device_wipe_order(device=device, actor=actor_of(membership))
    device.refresh_from_db()
    assert device.wipe_sent_at is None
    services.device_revoke(device=device, actor=actor_of(membership))
    services.device_wipe_order(device=device, actor=actor_of(membership))
    device.refresh_from_db()
    assert device.wipe_sent_at is not None
    assert _rows(device)[-1].event == FieldworkEvent.DEVICE_WIPE_SENT.code


def test_an_erased_device_is_finished_and_confirming_again_changes_nothing():
    membership = member()
    device = device_of(membership)
    services.device_wiped(device=device, actor=actor_of(membership))
    services.device_wiped(device=device, actor=actor_of(membership))
    device.refresh_from_db()
    assert device.state == DeviceState.WIPED
    assert device.wiped_at is not None
    events = [r.event for r in _rows(device)]
    assert events.count(FieldworkEvent.DEVICE_WIPED.code) == 1
    with pytest.raises(ValidationError):
        services.device_key_release(device=device, actor=actor_of(membership))


def test_a_contact_is_noted_for_the_owners_active_device_only():
    membership = member()
    device = device_of(membership)
    FieldDevice.objects.filter(pk=device.pk).update(last_contact_at=None)
    services.device_contact_note(device=device, actor=actor_of(member()))
    assert FieldDevice.objects.get(pk=device.pk).last_contact_at is None
    services.device_contact_note(device=device, actor=actor_of(membership))
    assert FieldDevice.objects.get(pk=device.pk).last_contact_at is not None
    assert len(_rows(device)) == 1  # the registration only: contacts are not audited


def test_every_device_event_is_described_in_both_languages():
    from django.utils import translation

    for event in FieldworkEvent:
        with translation.override("vi"):
            vi = event.describe(
                {
                    "device": 7,
                    "count": 2,
                    "cases": 1,
                    "sessions": 0,
                    "groups": 0,
                    "names": 3,
                    "kind": "visit",
                    "case": 4,
                    "conflict": 5,
                    "made_offline_at": "t1",
                    "received_at": "t2",
                }
            )
        with translation.override("en"):
            en = event.describe(
                {
                    "device": 7,
                    "count": 2,
                    "cases": 1,
                    "sessions": 0,
                    "groups": 0,
                    "names": 3,
                    "kind": "visit",
                    "case": 4,
                    "conflict": 5,
                    "made_offline_at": "t1",
                    "received_at": "t2",
                }
            )
        assert "%(" not in vi and "%(" not in en
        assert vi != en
