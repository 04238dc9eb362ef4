"""What the cases app records in the audit log: cases opened, viewed, searched, changed and
exported, their workers, team and restriction, and every step of their life cycle.

The labels keep the English text these rows carried before events were typed, so that the
summaries stay the same; the details are record and user ids, counts and codes, never a name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction
from donghanh.cases.models import CaseStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CaseEvent(AuditEvent):
    @classmethod
    def value_labels(cls) -> Mapping[str, Mapping[str, StrOrPromise]]:
        statuses = dict(CaseStatus.choices)
        return {"from_status": statuses, "to_status": statuses}

    OPENED = "case.opened", AuditAction.CREATE, _("case opened for person %(person)s")
    VIEWED = "case.viewed", AuditAction.VIEW, _("case viewed")
    SEARCHED = "case.searched", AuditAction.VIEW, _("case search: %(count)s found")
    LISTED = "case.listed", AuditAction.VIEW, _("case list read: %(shown)s of %(count)s shown")
    CHANGED = "case.changed", AuditAction.UPDATE, _("case changed, now version %(version)s")
    WORKERS_CHANGED = (
        "case.workers_changed",
        AuditAction.UPDATE,
        _("case workers changed: added users [%(added)s], removed users [%(removed)s]"),
    )
    TEAM_CHANGED = (
        "case.team_changed",
        AuditAction.UPDATE,
        _(
            "case workers changed: added users [%(added)s], removed users [%(removed)s]; "
            "team now %(team)s"
        ),
    )
    RESTRICTED = (
        "case.restricted",
        AuditAction.UPDATE,
        _("case restricted to %(count)s named users"),
    )
    RESTRICTION_LIFTED = "case.restriction_lifted", AuditAction.UPDATE, _("case restriction lifted")
    CLOSURE_REQUESTED = (
        "case.closure_requested",
        AuditAction.UPDATE,
        _("case closure requested: %(from_status)s to %(to_status)s"),
    )
    CLOSURE_APPROVED = (
        "case.closure_approved",
        AuditAction.UPDATE,
        _("case closure approved: %(from_status)s to %(to_status)s"),
    )
    CLOSURE_DECLINED = (
        "case.closure_declined",
        AuditAction.UPDATE,
        _("case closure declined: %(from_status)s to %(to_status)s"),
    )
    REOPENED = (
        "case.reopened",
        AuditAction.UPDATE,
        _("case reopened: %(from_status)s to %(to_status)s"),
    )
    EXPORTED = "case.exported", AuditAction.EXPORT, _("case export (%(kind)s): %(count)s cases")
