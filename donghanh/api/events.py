"""What the API's token services record in the audit log."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class ApiEvent(AuditEvent):
    TOKEN_ISSUED = (
        "api.token_issued",
        AuditAction.CREATE,
        _("API token issued to user %(user)s, expires %(expires)s"),
    )
    TOKEN_ISSUED_NO_EXPIRY = (
        "api.token_issued_no_expiry",
        AuditAction.CREATE,
        _("API token issued to user %(user)s, no expiry"),
    )
    TOKEN_REVOKED = (
        "api.token_revoked",
        AuditAction.UPDATE,
        _("API token of user %(user)s revoked"),
    )
