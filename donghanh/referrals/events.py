"""What referrals and transfers record in the audit log: sent, shared again, opened, answered,
cancelled, and the case moving between organisations.

The labels name records by type and id (`details`: the referral's, the case's and the other
organisation's ids, the codes of the parts shared), never a person or what was written.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class ReferralEvent(AuditEvent):
    REFERRAL_SENT = (
        "referral.sent",
        AuditAction.DISCLOSE,
        _("referral of case %(case)s sent to organisation %(organisation)s: %(sections)s"),
    )
    TRANSFER_OFFERED = (
        "referral.transfer_offered",
        AuditAction.DISCLOSE,
        _("transfer of case %(case)s sent to organisation %(organisation)s: %(sections)s"),
    )
    SHARED_AGAIN = (
        "referral.shared_again",
        AuditAction.DISCLOSE,
        _("referral %(referral)s of case %(case)s shared again"),
    )
    OPENED = (
        "referral.opened",
        AuditAction.VIEW,
        _("referral %(referral)s of case %(case)s opened"),
    )
    ACCEPTED = (
        "referral.accepted",
        AuditAction.UPDATE,
        _("referral %(referral)s of case %(case)s accepted"),
    )
    DECLINED = (
        "referral.declined",
        AuditAction.UPDATE,
        _("referral %(referral)s of case %(case)s declined"),
    )
    COMPLETED = (
        "referral.completed",
        AuditAction.UPDATE,
        _("referral %(referral)s of case %(case)s completed"),
    )
    CANCELLED = (
        "referral.cancelled",
        AuditAction.UPDATE,
        _("referral %(referral)s of case %(case)s cancelled"),
    )
    CASE_TRANSFERRED = (
        "referral.case_transferred",
        AuditAction.UPDATE,
        _("case %(case)s transferred to organisation %(organisation)s"),
    )
    CASE_RECEIVED = (
        "referral.case_received",
        AuditAction.UPDATE,
        _("case %(case)s received from organisation %(organisation)s"),
    )
