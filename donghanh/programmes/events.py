"""What the programme services record in the audit log: records of a project added and changed,
money decisions, files and certificates downloaded, trainees' names shown.

Every label names the project by its number only, never by a name.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class ProgrammeEvent(AuditEvent):
    RECORD_ADDED = (
        "programmes.record_added",
        AuditAction.CREATE,
        _("Programme record added: project #%(project)s"),
    )
    RECORD_CHANGED = (
        "programmes.record_changed",
        AuditAction.UPDATE,
        _("Programme record changed: project #%(project)s"),
    )
    FUNDING_SPLIT_SET = (
        "programmes.funding_split_set",
        AuditAction.UPDATE,
        _("Funding split set: project #%(project)s, %(sources)s sources"),
    )
    LINE_OVERSPENT = (
        "programmes.line_overspent",
        AuditAction.CREATE,
        _("Spending recorded over its budget line (overspend of the line): project #%(project)s"),
    )
    FILE_DOWNLOADED = (
        "programmes.file_downloaded",
        AuditAction.EXPORT,
        _("File of a programme record downloaded: project #%(project)s"),
    )
    PUBLICATION_FILES_ROTATED = (
        "programmes.publication_files_rotated",
        AuditAction.UPDATE,
        _("data key rotation: %(rotated)s publication files re-encrypted"),
    )
    CERTIFICATE_DOWNLOADED = (
        "programmes.certificate_downloaded",
        AuditAction.EXPORT,
        _("Training certificate PDF downloaded: project #%(project)s"),
    )
    TRAINEES_VIEWED = (
        "programmes.trainees_viewed",
        AuditAction.VIEW,
        _("Trainee list viewed: project #%(project)s"),
    )
    TRAINEE_VIEWED = (
        "programmes.trainee_viewed",
        AuditAction.VIEW,
        _("Trainee viewed: project #%(project)s"),
    )
