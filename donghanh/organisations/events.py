"""What the organisation services record in the audit log: members, their sign-in and teams."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction
from donghanh.organisations.roles import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class OrganisationEvent(AuditEvent):
    @classmethod
    def value_labels(cls) -> Mapping[str, Mapping[str, StrOrPromise]]:
        roles = dict(Role.choices)
        return {"role": roles, "old_role": roles}

    MEMBER_ADDED = (
        "membership.added",
        AuditAction.CREATE,
        _("Member added with the role %(role)s"),
    )
    ACCOUNT_CREATED = (
        "membership.account_created",
        AuditAction.CREATE,
        _("Account created with a temporary password"),
    )
    ROLE_CHANGED = (
        "membership.role_changed",
        AuditAction.UPDATE,
        _("Role changed: %(old_role)s → %(role)s"),
    )
    MEMBERSHIP_DEACTIVATED = (
        "membership.deactivated",
        AuditAction.UPDATE,
        _("Membership deactivated"),
    )
    MEMBERSHIP_REACTIVATED = (
        "membership.reactivated",
        AuditAction.UPDATE,
        _("Membership reactivated"),
    )
    PASSWORD_RESET = (
        "membership.password_reset",
        AuditAction.PASSWORD_RESET,
        _("Temporary password set through membership %(membership)s"),
    )
    TWO_FACTOR_RESET = (
        "membership.two_factor_reset",
        AuditAction.TWO_FACTOR_RESET,
        _("%(devices)s second-factor device(s) removed through membership %(membership)s"),
    )
    SIGN_IN_UNLOCKED = (
        "membership.sign_in_unlocked",
        AuditAction.UPDATE,
        _("Sign-in lockout lifted through membership %(membership)s"),
    )
    INVITATION_SENT = (
        "invitation.sent",
        AuditAction.CREATE,
        _("Invitation to join with the role %(role)s sent"),
    )
    INVITATION_WITHDRAWN = (
        "invitation.withdrawn",
        AuditAction.UPDATE,
        _("Invitation withdrawn"),
    )
    INVITATION_ACCEPTED = (
        "invitation.accepted",
        AuditAction.UPDATE,
        _("Invitation accepted by the invited person"),
    )
    INVITATION_DECLINED = (
        "invitation.declined",
        AuditAction.UPDATE,
        _("Invitation declined by the invited person"),
    )
    TEAM_CREATED = (
        "team.created",
        AuditAction.CREATE,
        _("Team created with memberships %(members)s"),
    )
    TEAM_CHANGED = (
        "team.changed",
        AuditAction.UPDATE,
        _("Team changed: memberships added %(added)s, removed %(removed)s"),
    )
    TEAM_DEACTIVATED = "team.deactivated", AuditAction.UPDATE, _("Team deactivated")
    TEAM_REACTIVATED = "team.reactivated", AuditAction.UPDATE, _("Team reactivated")
