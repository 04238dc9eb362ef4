"""What the programme figures record in the audit log: records behind a figure shown, donor
reports downloaded. Labels carry only numbers and file kinds, never a name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class IndicatorEvent(AuditEvent):
    RECORDS_VIEWED = (
        "indicators.records_viewed",
        AuditAction.VIEW,
        _("Records behind indicator #%(indicator)s viewed"),
    )
    REPORT_DOWNLOADED = (
        "indicators.report_downloaded",
        AuditAction.EXPORT,
        _("Report downloaded: %(kind)s of project #%(project)s"),
    )
