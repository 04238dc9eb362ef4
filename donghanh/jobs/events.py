"""What the background jobs record in the audit log: asked for, started, ended and how."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class JobEvent(AuditEvent):
    QUEUED = "job.queued", AuditAction.CREATE, _("Background job asked for: %(kind)s")
    STARTED = (
        "job.started",
        AuditAction.UPDATE,
        _("Background job started: %(kind)s (attempt %(attempt)s)"),
    )
    SUCCEEDED = "job.succeeded", AuditAction.UPDATE, _("Background job finished: %(kind)s")
    FAILED = (
        "job.failed",
        AuditAction.UPDATE,
        _("Background job failed: %(kind)s (%(failure)s)"),
    )
    CANCEL_REQUESTED = (
        "job.cancel_requested",
        AuditAction.UPDATE,
        _("Asked to stop a background job: %(kind)s"),
    )
    CANCELLED = "job.cancelled", AuditAction.UPDATE, _("Background job stopped: %(kind)s")
    REQUEUED = (
        "job.requeued",
        AuditAction.UPDATE,
        _("Background job interrupted and queued again: %(kind)s"),
    )
    RESULT_DOWNLOADED = (
        "job.result_downloaded",
        AuditAction.EXPORT,
        _("Result file of a background job downloaded: %(kind)s"),
    )
    RESULT_DELETED = (
        "job.result_deleted",
        AuditAction.DELETE,
        _("Expired result file of a background job deleted: %(kind)s"),
    )
