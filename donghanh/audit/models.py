from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    # A context of their own: "Signed in" as an event is not "Signed in" as a column heading.
    LOGIN = "login", pgettext_lazy("audit action", "Signed in")
    LOGIN_FAILED = "login_failed", pgettext_lazy("audit action", "Failed sign-in")
    LOCKED_OUT = "locked_out", pgettext_lazy("audit action", "Locked out")
    SIGN_IN_SLOWED = (
        "sign_in_slowed",
        pgettext_lazy("audit action", "Sign-in slowed down after guessed passwords"),
    )
    LOGOUT = "logout", pgettext_lazy("audit action", "Signed out")
    CREATE = "create", pgettext_lazy("audit action", "Created")
    UPDATE = "update", pgettext_lazy("audit action", "Updated")
    DELETE = "delete", pgettext_lazy("audit action", "Deleted")
    VIEW = "view", pgettext_lazy("audit action", "Viewed")
    EXPORT = "export", pgettext_lazy("audit action", "Exported")
    DISCLOSE = "disclose", pgettext_lazy("audit action", "Disclosed")
    PASSWORD_CHANGED = "password_changed", pgettext_lazy("audit action", "Password changed")
    PASSWORD_RESET = (
        "password_reset",
        pgettext_lazy("audit action", "Password reset by administrator"),
    )
    TWO_FACTOR_ENROLLED = (
        "2fa_enrolled",
        pgettext_lazy("audit action", "Two-factor authentication set up"),
    )
    TWO_FACTOR_RESET = "2fa_reset", pgettext_lazy("audit action", "Two-factor authentication reset")
    TWO_FACTOR_FAILED = "2fa_failed", pgettext_lazy("audit action", "Wrong two-factor code")
    SESSION_ENDED = "session_ended", pgettext_lazy("audit action", "Session ended")
    NOT_FOUND_PROBING = (
        "not_found_probing",
        pgettext_lazy("audit action", "Many addresses not found"),
    )


class AuditEntry(models.Model):
    """One row per security-relevant event: who, when, what, from where.

    Rows are only ever inserted. The application has no code path that updates or deletes
    them, the admin shows them read-only, and a database trigger refuses UPDATE (and, on
    PostgreSQL, DELETE) so that even a bug cannot rewrite history.
    `summary` never holds personal data: it names records by type and id.
    The foreign keys have no database constraint and do nothing on delete: deleting a user or
    an organisation leaves its history intact, named by `actor_username`.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("who"),
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    # What happened, as the code of an `AuditEvent` (empty on rows written before events were
    # typed: their `summary` says it), and the numbers and codes its label is filled with.
    event = models.CharField(_("event"), max_length=64, blank=True, default="")
    details = models.JSONField(_("event details"), default=dict, blank=True)
    target_type = models.CharField(_("record type"), max_length=100, blank=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    summary = models.CharField(_("details"), max_length=300, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)
    ip_address = models.GenericIPAddressField(_("from IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["organisation", "-at"], name="audit_org_time"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"
