"""What the places services record in the audit log: the reference data refreshed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class PlacesEvent(AuditEvent):
    # `changes` counts the rows added, changed and removed per table ("province +0 ~1 -0; ...").
    REFRESHED = (
        "places.refreshed",
        AuditAction.UPDATE,
        _("places reference data refreshed: %(changes)s"),
    )
