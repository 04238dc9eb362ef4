"""Writes of the field devices: registering one, releasing its key, reporting it lost,
revoking it, telling it to erase its data and noting that it did.

Every change writes one audit row in the same transaction; the details name the device by its
id, never its owner's name, its secret or its browser.
"""

from __future__ import annotations

import base64
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.core.idempotency import once
from donghanh.fieldwork.devices.browsers import browser_summary
from donghanh.fieldwork.devices.models import WIPE_STATES, DeviceState, FieldDevice
from donghanh.fieldwork.events import FieldworkEvent
from donghanh.organisations.models import Membership

IDEMPOTENCY_SCOPE = "fieldwork.device_register"


def _new_device_secret() -> str:
    """Base64url (no padding) of 32 random bytes: the device's share of its key."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode("ascii")


def _locked(device: FieldDevice) -> FieldDevice:
    return (
        FieldDevice.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=device.pk)
    )


def _save_audited(
    device: FieldDevice, *, fields: list[str], event: FieldworkEvent, actor: Actor
) -> None:
    """Save the device's changed `fields` and write the audit row of `event` with them, naming
    the device by its number only; a change of state is listed as the row's changed field."""
    device.save(update_fields=fields)
    audit_record(
        event=event,
        actor=actor,
        target=device,
        organisation=device.organisation,
        changed_fields=["state"] if "state" in fields else (),
        details={"device": device.pk},
    )


@transaction.atomic
def device_register(
    *, membership: Membership, user_agent: str, actor: Actor, idempotency_key: str = ""
) -> FieldDevice:
    """A new device of the member for the membership's organisation, with a fresh secret.

    Sent twice with the same `Idempotency-Key` (a retry after a lost answer), the second gets
    the device the first made."""

    def create() -> FieldDevice:
        device = FieldDevice(
            user_id=membership.user_id,
            organisation_id=membership.organisation_id,
            browser=browser_summary(user_agent)[:60],
            secret=_new_device_secret(),
            last_contact_at=timezone.now(),
        )
        device.save(force_insert=True)
        audit_record(
            event=FieldworkEvent.DEVICE_REGISTERED,
            actor=actor,
            target=device,
            organisation=membership.organisation,
            details={"device": device.pk},
        )
        return device

    device, _created = once(
        actor=actor, scope=IDEMPOTENCY_SCOPE, key=idempotency_key, create=create
    )
    return device


@transaction.atomic
def device_key_release(*, device: FieldDevice, actor: Actor) -> str:
    """The active device's secret, for its signed-in owner; notes the contact."""
    device = _locked(device)
    if device.user_id != actor.user_id or device.state != DeviceState.ACTIVE:
        raise ValidationError(
            _("This device may no longer keep offline work."), code="device_not_active"
        )
    device.last_contact_at = timezone.now()
    _save_audited(
        device, fields=["last_contact_at"], event=FieldworkEvent.DEVICE_KEY_RELEASED, actor=actor
    )
    return str(device.secret)


@transaction.atomic
def device_report_lost(*, device: FieldDevice, actor: Actor) -> FieldDevice:
    """An administrator reports the device lost: it gets no key again and is told to erase
    its data at its next contact. Reporting it again changes nothing."""
    device = _locked(device)
    if device.state == DeviceState.WIPED:
        raise ValidationError(
            _("This device has already erased its offline data."), code="device_wiped"
        )
    if device.state == DeviceState.LOST:
        return device
    device.state = DeviceState.LOST
    device.lost_reported_at = timezone.now()
    device.lost_reported_by_id = actor.user_id
    _save_audited(
        device,
        fields=["state", "lost_reported_at", "lost_reported_by"],
        event=FieldworkEvent.DEVICE_REPORTED_LOST,
        actor=actor,
    )
    return device


@transaction.atomic
def device_revoke(*, device: FieldDevice, actor: Actor) -> FieldDevice:
    """The owner withdraws the device (a phone given away, a browser no longer used): it gets
    no key again and is told to erase its data at its next contact. Only an active device
    changes; revoking it again changes nothing."""
    device = _locked(device)
    if device.state != DeviceState.ACTIVE:
        return device
    device.state = DeviceState.REVOKED
    device.revoked_at = timezone.now()
    _save_audited(
        device, fields=["state", "revoked_at"], event=FieldworkEvent.DEVICE_REVOKED, actor=actor
    )
    return device


@transaction.atomic
def device_wipe_order(*, device: FieldDevice, actor: Actor) -> FieldDevice:
    """A lost or revoked device made contact and is being told to erase its data (HTTP 410):
    noted once per contact, so the administrator sees that the order reached it."""
    device = _locked(device)
    if device.state not in WIPE_STATES:
        return device
    device.wipe_sent_at = timezone.now()
    device.last_contact_at = device.wipe_sent_at
    _save_audited(
        device,
        fields=["wipe_sent_at", "last_contact_at"],
        event=FieldworkEvent.DEVICE_WIPE_SENT,
        actor=actor,
    )
    return device


@transaction.atomic
def device_wiped(*, device: FieldDevice, actor: Actor) -> FieldDevice:
    """The device confirms it erased its offline data (signing out, a wipe order, too long
    offline, too many wrong PINs): it is finished, and a new registration starts afresh.
    Confirming again changes nothing."""
    device = _locked(device)
    if device.state == DeviceState.WIPED:
        return device
    now = timezone.now()
    device.state = DeviceState.WIPED
    device.wiped_at = now
    device.last_contact_at = now
    _save_audited(
        device,
        fields=["state", "wiped_at", "last_contact_at"],
        event=FieldworkEvent.DEVICE_WIPED,
        actor=actor,
    )
    return device


@transaction.atomic
def device_contact_note(*, device: FieldDevice, actor: Actor) -> None:
    """An active device called an endpoint of the field app: its last contact, kept for the
    devices page like an account's last sign-in. No audit row: the call itself is audited by
    the endpoint it reached."""
    if device.user_id != actor.user_id or device.state != DeviceState.ACTIVE:
        return
    FieldDevice.objects.filter(pk=device.pk).update(last_contact_at=timezone.now())
