"""What the directory services record in the audit log: providers added, changed and checked.

The provider is the row's target; labels carry only its version or a date, never a name.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class DirectoryEvent(AuditEvent):
    PROVIDER_CREATED = (
        "directory.provider_created",
        AuditAction.CREATE,
        _("directory provider created"),
    )
    PROVIDER_UPDATED = (
        "directory.provider_updated",
        AuditAction.UPDATE,
        _("directory provider updated, now version %(version)s"),
    )
    PROVIDER_VERIFIED = (
        "directory.provider_verified",
        AuditAction.UPDATE,
        _("directory provider marked verified on %(on)s"),
    )
