"""What case work records in the audit log: needs, the plan, services, follow-ups, shelters.

The labels name records by type and id (`details`: the case's id, the shelter's id), never a
person or a value someone typed.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class CaseworkEvent(AuditEvent):
    NEEDS_ASSESSED = (
        "casework.needs_assessed",
        AuditAction.CREATE,
        _("needs assessment added to case %(case)s"),
    )
    GOAL_ADDED = (
        "casework.goal_added",
        AuditAction.CREATE,
        _("goal added to the plan of case %(case)s"),
    )
    GOAL_CHANGED = (
        "casework.goal_changed",
        AuditAction.UPDATE,
        _("goal of the plan of case %(case)s changed"),
    )
    ACTION_ADDED = (
        "casework.action_added",
        AuditAction.CREATE,
        _("action added to the plan of case %(case)s"),
    )
    ACTION_CHANGED = (
        "casework.action_changed",
        AuditAction.UPDATE,
        _("action of the plan of case %(case)s changed"),
    )
    PLAN_SUBMITTED = (
        "casework.plan_submitted",
        AuditAction.UPDATE,
        _("plan of case %(case)s submitted for approval"),
    )
    PLAN_APPROVED = (
        "casework.plan_approved",
        AuditAction.UPDATE,
        _("plan of case %(case)s approved"),
    )
    PLAN_RETURNED = (
        "casework.plan_returned",
        AuditAction.UPDATE,
        _("plan of case %(case)s returned"),
    )
    SERVICE_RECORDED = (
        "casework.service_recorded",
        AuditAction.CREATE,
        _("service recorded on case %(case)s"),
    )
    SERVICE_CHANGED = (
        "casework.service_changed",
        AuditAction.UPDATE,
        _("service of case %(case)s changed"),
    )
    FOLLOW_UP_ADDED = (
        "casework.follow_up_added",
        AuditAction.CREATE,
        _("follow-up added to case %(case)s"),
    )
    FOLLOW_UP_CHANGED = (
        "casework.follow_up_changed",
        AuditAction.UPDATE,
        _("follow-up of case %(case)s changed"),
    )
    SHELTER_CAPACITY_SET = (
        "casework.shelter_capacity_set",
        AuditAction.UPDATE,
        _("bed capacity of organisation %(organisation)s set"),
    )
    SHELTER_ADMITTED = (
        "casework.shelter_admitted",
        AuditAction.CREATE,
        _("shelter admission on case %(case)s"),
    )
    SHELTER_DISCHARGED = (
        "casework.shelter_discharged",
        AuditAction.UPDATE,
        _("shelter discharge on case %(case)s"),
    )
