"""What every JSON endpoint of the field app does first: answer a signed-out client with 401
(never a redirect to the sign-in page, which a script cannot follow), and a device that must
erase its data with 410.

The sync endpoints call these too:

    @field_json
    def package(request, org):
        membership = access_field_work(request.user, org)
        if (gone := wipe_answer(request, membership)) is not None:
            return gone
        ...

`wipe_answer` reads the `X-Field-Device` header: the signed-in member's own device of that
organisation, if lost, revoked or erased, gets `410 {"wipe": true, "message": …}` (a lost or
revoked one is audited as told to erase); an active one has its last contact noted; no header,
or a device that is not the member's, changes nothing. `device_check(request, membership,
body.get("device"))` does the same for a device named in the body, and also gives the device
(for the audit rows of what it sent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from donghanh.core.actor import request_actor
from donghanh.fieldwork.devices import services
from donghanh.fieldwork.devices.models import WIPE_STATES, DeviceState, FieldDevice
from donghanh.fieldwork.devices.selectors import device_in_header, own_device
from donghanh.organisations.models import Membership


def signed_out_answer() -> JsonResponse:
    return JsonResponse(
        {
            "signed_in": False,
            "message": _("Your session has ended: sign in again to continue."),
        },
        status=401,
    )


def field_json(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A JSON endpoint of the field app: signed-in users only (401 otherwise), never cached."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return signed_out_answer()
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def gone_answer() -> JsonResponse:
    """410: the device must erase everything the field app keeps on it."""
    return JsonResponse(
        {
            "wipe": True,
            "message": _(
                "This device may no longer keep offline work: everything the field app kept "
                "on it is being erased."
            ),
        },
        status=410,
    )


def answer_for_device(request: HttpRequest, device: FieldDevice) -> JsonResponse | None:
    """410 for a device that must erase its data (telling a lost or revoked one is audited);
    None for an active device, whose last contact is noted."""
    actor = request_actor(request, device.organisation)
    if device.state == DeviceState.ACTIVE:
        services.device_contact_note(device=device, actor=actor)
        return None
    if device.state in WIPE_STATES:
        services.device_wipe_order(device=device, actor=actor)
    return gone_answer()


@dataclass(frozen=True)
class DeviceCheck:
    """The member's own device a request names (None: none, or not theirs), and the 410 answer
    to send instead of doing anything when that device must erase its data."""

    device: FieldDevice | None
    response: JsonResponse | None = None


def device_check(request: HttpRequest, membership: Membership, value: Any = None) -> DeviceCheck:
    """The device named by `value` (a sync body's "device") or else by the `X-Field-Device`
    header, if it is the member's own in this organisation; with the 410 answer when it was
    reported lost, revoked or erased (telling a lost or revoked one is audited). An active
    device has its last contact noted."""
    device = (
        own_device(
            user_id=membership.user_id,
            organisation_id=membership.organisation_id,
            device_uuid=value,
        )
        if value
        else device_in_header(request.META, membership)
    )
    if device is None:
        return DeviceCheck(device=None)
    device.organisation = membership.organisation
    return DeviceCheck(device=device, response=answer_for_device(request, device))


def wipe_answer(request: HttpRequest, membership: Membership) -> JsonResponse | None:
    """410 when the request's `X-Field-Device` names the member's own device of this
    organisation and that device must erase its data; None otherwise."""
    return device_check(request, membership).response
