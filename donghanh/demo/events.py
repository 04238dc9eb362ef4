"""What loading demo data records in the audit log: records created, put back or removed so that
the database matches the demo data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class DemoEvent(AuditEvent):
    CREATED = "demo.created", AuditAction.CREATE, _("Created from the demo data")
    RESTORED = "demo.restored", AuditAction.UPDATE, _("Put back as the demo data describes it")
    REMOVED = "demo.removed", AuditAction.DELETE, _("Removed: the demo data does not name it")
    BATCH_CREATED = (
        "demo.batch_created",
        AuditAction.CREATE,
        _("Created from the demo data in bulk: %(count)s records"),
    )
    AUTHENTICATOR_RESTORED = (
        "demo.authenticator_restored",
        AuditAction.TWO_FACTOR_ENROLLED,
        _("Demo authenticator put back"),
    )
