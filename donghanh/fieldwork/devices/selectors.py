"""Reads of the field devices, and who may reach which.

A member works offline only for an organisation whose role there allows `work_offline`; a
device is reached only by its owner, within its organisation, or by an administrator of that
organisation (`manage_members`) for reporting it lost. Anyone else gets 404, as if the device
did not exist; a member whose role allows neither gets 403.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from donghanh.fieldwork.devices.models import FieldDevice
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership, memberships_for

DEVICE_HEADER = "HTTP_X_FIELD_DEVICE"


def max_offline_days() -> int:
    """How many days a device may stay without contacting the server before it erases what it
    keeps offline (`FIELD_MAX_OFFLINE_DAYS`)."""
    return int(settings.FIELD_MAX_OFFLINE_DAYS)


def access_field_work(user: Any, org_slug: str) -> Membership:
    """The member's membership, if it allows working offline (404 outsiders, 403 others)."""
    return access_membership(user, org_slug, Perm.WORK_OFFLINE)


def may_see_all_devices(membership: Membership) -> bool:
    return role_allows(membership.role, Perm.MANAGE_MEMBERS)


def may_work_offline(membership: Membership) -> bool:
    return role_allows(membership.role, Perm.WORK_OFFLINE)


def access_devices_page(user: Any, org_slug: str) -> Membership:
    """The devices page: for members who work offline (their own devices) and for the
    organisation's administrators (every member's); 404 outsiders, 403 other members."""
    for membership in memberships_for(user):
        if membership.organisation.slug == org_slug:
            if not (may_work_offline(membership) or may_see_all_devices(membership)):
                raise PermissionDenied
            return membership
    raise Http404


def _parsed(device_uuid: Any) -> uuid.UUID | None:
    if isinstance(device_uuid, uuid.UUID):
        return device_uuid
    try:
        return uuid.UUID(str(device_uuid))
    except (TypeError, ValueError, AttributeError):
        return None


def own_device(*, user_id: int, organisation_id: int, device_uuid: Any) -> FieldDevice | None:
    """The user's device of that organisation, or None (someone else's, unknown, malformed)."""
    parsed = _parsed(device_uuid)
    if parsed is None:
        return None
    return FieldDevice.objects.filter(
        uuid=parsed, user_id=user_id, organisation_id=organisation_id
    ).first()


def own_device_by_slug(user: Any, org_slug: str, device_uuid: Any) -> FieldDevice | None:
    """The user's device of the organisation with that slug, whatever the user's membership
    there now is (a member who left or changed role still erases and confirms)."""
    parsed = _parsed(device_uuid)
    if parsed is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        FieldDevice.objects.filter(uuid=parsed, user_id=user.pk, organisation__slug=org_slug)
        .select_related("organisation")
        .first()
    )


def access_own_device(membership: Membership, device_uuid: Any) -> FieldDevice:
    """The member's own device in the membership's organisation; 404 for anyone else's."""
    device = own_device(
        user_id=membership.user_id,
        organisation_id=membership.organisation_id,
        device_uuid=device_uuid,
    )
    if device is None:
        raise Http404
    return device


def access_device_to_report_lost(user: Any, org_slug: str, device_uuid: Any) -> FieldDevice:
    """A device of the organisation, for its administrator (`manage_members`)."""
    membership = access_membership(user, org_slug, Perm.MANAGE_MEMBERS)
    parsed = _parsed(device_uuid)
    device = (
        FieldDevice.objects.filter(uuid=parsed, organisation_id=membership.organisation_id)
        .select_related("organisation")
        .first()
        if parsed
        else None
    )
    if device is None:
        raise Http404
    return device


def access_device_to_revoke(user: Any, org_slug: str, device_uuid: Any) -> FieldDevice:
    """The member's own device: its owner may revoke it even after their role stopped
    allowing offline work (a member of the organisation who may open the devices page)."""
    return access_own_device(access_devices_page(user, org_slug), device_uuid)


def devices_for(membership: Membership) -> QuerySet[FieldDevice]:
    """The devices the devices page lists: an administrator's whole organisation, or the
    member's own, newest first, with their owners (one query)."""
    devices = FieldDevice.objects.filter(organisation_id=membership.organisation_id)
    if not may_see_all_devices(membership):
        devices = devices.filter(user_id=membership.user_id)
    return devices.select_related("user").order_by("-registered_at", "-id")


def device_in_header(request_meta: Any, membership: Membership) -> FieldDevice | None:
    """The member's own device named by the request's `X-Field-Device` header, if any."""
    value = request_meta.get(DEVICE_HEADER, "")
    if not value:
        return None
    return own_device(
        user_id=membership.user_id,
        organisation_id=membership.organisation_id,
        device_uuid=value.strip(),
    )
