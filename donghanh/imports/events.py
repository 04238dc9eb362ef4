"""What imports record in the audit log: a file uploaded, checked, refused, imported, undone.

Details are the kind's code and counts, never a value from the file. Each record an import
creates has its own CREATE row, written by the owning app's service; undoing writes one
RECORD_REMOVED row per record.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class ImportEvent(AuditEvent):
    UPLOADED = "import.uploaded", AuditAction.CREATE, _("File uploaded for import: %(kind)s")
    CHECK_ASKED = (
        "import.check_asked",
        AuditAction.UPDATE,
        _("Import check asked for: %(kind)s (columns version %(version)s)"),
    )
    CHECKED = (
        "import.checked",
        AuditAction.UPDATE,
        _("Import checked: %(kind)s, %(rows)s rows, %(problems)s with problems"),
    )
    REFUSED = "import.refused", AuditAction.UPDATE, _("Import file refused: %(kind)s (%(reason)s)")
    COMMIT_ASKED = (
        "import.commit_asked",
        AuditAction.UPDATE,
        _("Import asked for: %(kind)s (%(mode)s)"),
    )
    COMMITTED = (
        "import.committed",
        AuditAction.CREATE,
        _("Import done: %(kind)s, %(created)s rows created, %(duplicates)s duplicates"),
    )
    COMMIT_REFUSED = (
        "import.commit_refused",
        AuditAction.UPDATE,
        _("Import refused, nothing written: %(kind)s, %(problems)s rows with problems"),
    )
    UNDO_ASKED = (
        "import.undo_asked",
        AuditAction.UPDATE,
        _("Undoing of an import asked for: %(kind)s"),
    )
    UNDONE = (
        "import.undone",
        AuditAction.DELETE,
        _("Import undone: %(kind)s, %(removed)s records removed"),
    )
    UNDO_REFUSED = (
        "import.undo_refused",
        AuditAction.UPDATE,
        _("Undoing of an import refused: %(kind)s, %(touched)s records changed since"),
    )
    RECORD_REMOVED = (
        "import.record_removed",
        AuditAction.DELETE,
        _("Imported record removed when its import #%(batch)s was undone"),
    )
    FILE_DELETED = (
        "import.file_deleted",
        AuditAction.DELETE,
        _("Uploaded file of an import deleted: %(kind)s"),
    )
