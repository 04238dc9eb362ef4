"""What the offline field app records in the audit log: its devices (registered, key released,
reported lost, revoked, told to erase, erased) and its sync (assigned cases listed, work taken
offline, offline writes arrived, conflicts recorded and resolved).

The details are ids, counts, codes and times, never a name or a value someone typed:

- `device`: the device's id (its number on the devices page, not its uuid)
- `case`, `conflict`: record ids; `kind`: the operation's kind (a code, see `KIND_LABELS`)
- `count`, `cases`, `sessions`, `groups`, `names`: counts
- `made_offline_at`, `received_at`: ISO 8601 times (when it was made on the device, when it
  arrived on the server)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The kinds of work a device sends, by their code in a sync operation.
KIND_LABELS: Mapping[str, StrOrPromise] = {
    "first_contact": pgettext_lazy("offline work", "first contact"),
    "visit": pgettext_lazy("offline work", "visit"),
    "screening": pgettext_lazy("offline work", "screening"),
    "attendance": pgettext_lazy("offline work", "training attendance"),
    "savings_meeting": pgettext_lazy("offline work", "savings-group meeting"),
}


class FieldworkEvent(AuditEvent):
    @classmethod
    def value_labels(cls) -> Mapping[str, Mapping[str, StrOrPromise]]:
        return {"kind": KIND_LABELS}

    # Devices (offdev)
    DEVICE_REGISTERED = (
        "field_device.registered",
        AuditAction.CREATE,
        _("Device %(device)s registered for work offline"),
    )
    DEVICE_KEY_RELEASED = (
        "field_device.key_released",
        AuditAction.VIEW,
        _("Key of device %(device)s released to its owner"),
    )
    DEVICE_REPORTED_LOST = (
        "field_device.reported_lost",
        AuditAction.UPDATE,
        _("Device %(device)s reported lost: its offline data is erased at its next contact"),
    )
    DEVICE_REVOKED = (
        "field_device.revoked",
        AuditAction.UPDATE,
        _("Device %(device)s revoked: its offline data is erased at its next contact"),
    )
    DEVICE_WIPE_SENT = (
        "field_device.wipe_sent",
        AuditAction.UPDATE,
        _("Device %(device)s made contact and was told to erase its offline data"),
    )
    DEVICE_WIPED = (
        "field_device.wiped",
        AuditAction.DELETE,
        _("Device %(device)s confirmed its offline data erased"),
    )

    # Sync (offsync)
    FIELD_CASES_LISTED = (
        "field.cases_listed",
        AuditAction.VIEW,
        _("Assigned cases listed to take offline: %(count)s"),
    )
    FIELD_PACKAGE_READ = (
        "field.package_read",
        AuditAction.VIEW,
        _(
            "Work taken offline on device %(device)s: %(cases)s cases, %(sessions)s training "
            "sessions, %(groups)s savings groups, %(names)s names"
        ),
    )
    FIELD_WRITE_SYNCED = (
        "field.write_synced",
        AuditAction.CREATE,
        _(
            "Offline %(kind)s from device %(device)s applied: made at %(made_offline_at)s, "
            "arrived at %(received_at)s"
        ),
    )
    FIELD_CONFLICT_RECORDED = (
        "field.conflict_recorded",
        AuditAction.CREATE,
        _(
            "Offline %(kind)s on case %(case)s from device %(device)s conflicts with a change "
            "made meanwhile: kept as conflict %(conflict)s for a person to resolve"
        ),
    )
    FIELD_CONFLICT_RESOLVED = (
        "field.conflict_resolved",
        AuditAction.UPDATE,
        _("Conflict %(conflict)s on case %(case)s resolved field by field"),
    )
