"""What the account services record in the audit log: signing in and out, sessions, passwords
and the second factor. Account events belong to no organisation: an organisation's log shows
those of its members."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class AccountEvent(AuditEvent):
    SIGNED_IN = "account.signed_in", AuditAction.LOGIN, _("Signed in with the password")
    SIGN_IN_FAILED = "account.sign_in_failed", AuditAction.LOGIN_FAILED, _("Sign-in refused")
    LOCKOUT_STARTED = (
        "account.lockout_started",
        AuditAction.LOCKED_OUT,
        _("Lockout started after too many failed sign-ins"),
    )
    REFUSED_DURING_LOCKOUT = (
        "account.refused_during_lockout",
        AuditAction.LOCKED_OUT,
        _("Sign-in refused during lockout"),
    )
    SIGN_IN_SLOWED = (
        "account.sign_in_slowed",
        AuditAction.SIGN_IN_SLOWED,
        _("%(failures)s wrong passwords from browsers new to the account"),
    )
    SIGNED_OUT = "account.signed_out", AuditAction.LOGOUT, _("Signed out")
    PROFILE_UPDATED = "account.profile_updated", AuditAction.UPDATE, _("Own details changed")
    NOTICE_READ = (
        "account.security_notice_read",
        AuditAction.UPDATE,
        _("Security notice marked as read"),
    )
    NOT_FOUND_PROBING = (
        "account.not_found_probing",
        AuditAction.NOT_FOUND_PROBING,
        _("%(count)s record addresses not found within %(minutes)s minutes"),
    )
    SESSION_ENDED = "account.session_ended", AuditAction.SESSION_ENDED, _("Session %(session)s")
    SESSION_ENDED_BY_OWNER = (
        "account.session_ended_by_owner",
        AuditAction.SESSION_ENDED,
        _("Session %(session)s: ended by its owner"),
    )
    PASSWORD_CHANGED = (
        "account.password_changed",
        AuditAction.PASSWORD_CHANGED,
        _("Own password changed"),
    )
    PASSWORD_SET_IN_ADMIN = (
        "account.password_set_in_admin",
        AuditAction.PASSWORD_RESET,
        _("Temporary password set in system administration"),
    )
    TWO_FACTOR_ENROLLED = (
        "account.two_factor_enrolled",
        AuditAction.TWO_FACTOR_ENROLLED,
        _("Authenticator set up"),
    )
    TWO_FACTOR_REPLACED = (
        "account.two_factor_replaced",
        AuditAction.TWO_FACTOR_ENROLLED,
        _("Authenticator replaced"),
    )
    TWO_FACTOR_FAILED = (
        "account.two_factor_failed",
        AuditAction.TWO_FACTOR_FAILED,
        _("Wrong or expired second-factor code"),
    )
    TWO_FACTOR_RESET = (
        "account.two_factor_reset",
        AuditAction.TWO_FACTOR_RESET,
        _("Authenticator and recovery codes removed in system administration"),
    )
