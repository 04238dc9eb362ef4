"""What the attachments app records in the audit log: files added, downloaded, deleted and
erased, and the re-encryption of every stored file with a new data key.

The labels keep the English text these rows carried before events were typed, so that the
summaries stay the same; the details are case ids and counts, never a file's name.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class AttachmentEvent(AuditEvent):
    ADDED = "attachment.added", AuditAction.CREATE, _("attachment added to case %(case)s")
    DOWNLOADED = (
        "attachment.downloaded",
        AuditAction.EXPORT,
        _("attachment download of case %(case)s"),
    )
    DELETED = "attachment.deleted", AuditAction.DELETE, _("attachment deleted from case %(case)s")
    ERASED = "attachment.erased", AuditAction.DELETE, _("attachment erased from case %(case)s")
    FILES_ROTATED = (
        "attachment.files_rotated",
        AuditAction.UPDATE,
        _("data key rotation: %(rotated)s attachment files re-encrypted"),
    )
