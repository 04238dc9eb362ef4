"""What the livelihood app's services record in the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction
from donghanh.livelihood.plans.models import AssessmentPoint, SupportKind
from donghanh.livelihood.savings.models import LeaveReason

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class LivelihoodEvent(AuditEvent):
    @classmethod
    def value_labels(cls) -> Mapping[str, Mapping[str, StrOrPromise]]:
        return {
            "kind": dict(SupportKind.choices),
            "point": dict(AssessmentPoint.choices),
            "reason": dict(LeaveReason.choices),
        }

    GROUP_CREATED = "savings_group.created", AuditAction.CREATE, _("Savings group created")
    GROUP_UPDATED = "savings_group.updated", AuditAction.UPDATE, _("Savings group changed")
    GROUP_VIEWED = (
        "savings_group.viewed",
        AuditAction.VIEW,
        _("Savings group opened, with %(members)s members' names"),
    )
    LEDGER_VIEWED = (
        "savings_group.ledger_viewed",
        AuditAction.VIEW,
        _("Ledger of cycle %(cycle)s of a savings group opened"),
    )
    MEASURES_EXPORTED = (
        "savings_group.measures_exported",
        AuditAction.EXPORT,
        _("Measures of a savings group downloaded: %(cycles)s cycles"),
    )
    MEMBER_ADDED = "savings_member.added", AuditAction.CREATE, _("Member %(number)s joined")
    MEMBER_UPDATED = (
        "savings_member.updated",
        AuditAction.UPDATE,
        _("Details of member %(number)s changed"),
    )
    MEMBER_LEFT = (
        "savings_member.left",
        AuditAction.UPDATE,
        _("Member %(number)s left (%(reason)s); savings returned: %(returned)s đồng"),
    )
    MEMBER_LINKED = (
        "savings_member.linked",
        AuditAction.UPDATE,
        _("Member %(number)s linked to case %(case)s with her consent %(consent)s"),
    )
    MEMBER_UNLINKED = (
        "savings_member.unlinked",
        AuditAction.UPDATE,
        _("Link of member %(number)s to a case removed"),
    )
    CYCLE_OPENED = "savings_cycle.opened", AuditAction.CREATE, _("Cycle %(number)s started")
    CONSTITUTION_CHANGED = (
        "savings_cycle.constitution_changed",
        AuditAction.UPDATE,
        _("Constitution of cycle %(number)s changed"),
    )
    COMMITTEE_CHANGED = (
        "savings_cycle.committee_changed",
        AuditAction.UPDATE,
        _("Committee of cycle %(number)s elected: %(seats)s seats"),
    )
    MEETING_RECORDED = (
        "savings_meeting.recorded",
        AuditAction.CREATE,
        _(
            "Meeting %(number)s recorded: %(present)s of %(members)s members there, "
            "%(money_in)s đồng in, %(money_out)s đồng out"
        ),
    )
    SHARED_OUT = (
        "savings_cycle.shared_out",
        AuditAction.UPDATE,
        _("Cycle %(number)s shared out: %(fund)s đồng over %(shares)s shares"),
    )
    PLAN_STARTED = "livelihood_plan.started", AuditAction.CREATE, _("Livelihood plan started")
    PLAN_UPDATED = "livelihood_plan.updated", AuditAction.UPDATE, _("Livelihood plan changed")
    SUPPORT_ADDED = (
        "livelihood_plan.support_added",
        AuditAction.CREATE,
        _("Livelihood support recorded: %(kind)s, %(amount)s đồng"),
    )
    REVIEW_ADDED = (
        "livelihood_plan.review_added",
        AuditAction.CREATE,
        _("Livelihood review recorded"),
    )
    ASSESSMENT_RECORDED = (
        "reintegration_assessment.recorded",
        AuditAction.CREATE,
        _("Reintegration assessment recorded (%(point)s)"),
    )
    SAFE_ADDRESS_ADDED = "safe_address.added", AuditAction.CREATE, _("Safe address added")
    SAFE_ADDRESS_UPDATED = "safe_address.updated", AuditAction.UPDATE, _("Safe address changed")
    SAFE_ADDRESS_CHECKED = (
        "safe_address.checked",
        AuditAction.UPDATE,
        _("Safe address checked and still safe"),
    )
    SAFE_ADDRESS_VIEWED = "safe_address.viewed", AuditAction.VIEW, _("Safe address opened")
    SAFE_PLACEMENT_RECORDED = (
        "safe_address.placement_recorded",
        AuditAction.CREATE,
        _("Emergency placement at a safe address recorded: %(nights)s nights"),
    )
    SAFE_ADDRESSES_LISTED = (
        "safe_address.listed",
        AuditAction.VIEW,
        _("Safe addresses listed: %(count)s"),
    )
