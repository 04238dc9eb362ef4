"""What the backup commands record in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class BackupEvent(AuditEvent):
    CREATED = (
        "backup.created",
        AuditAction.EXPORT,
        _("Backup archive created (%(files)s private files)"),
    )
    CREATED_WITH_KEYS = (
        "backup.created_with_keys",
        AuditAction.EXPORT,
        _("Backup archive created with the data keys in escrow (%(files)s private files)"),
    )
    RESTORED = (
        "backup.restored",
        AuditAction.CREATE,
        _("Database restored from a backup archive made on %(created)s"),
    )
