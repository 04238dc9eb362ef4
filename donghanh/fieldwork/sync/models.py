"""Sync: the operations a device sends, applied once each, and their conflicts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donghanh.core.crypto import EncryptedTextField


class OperationKind(models.TextChoices):
    FIRST_CONTACT = "first_contact", pgettext_lazy("offline work", "first contact")
    VISIT = "visit", pgettext_lazy("offline work", "visit")
    SCREENING = "screening", pgettext_lazy("offline work", "screening")
    ATTENDANCE = "attendance", pgettext_lazy("offline work", "training attendance")
    SAVINGS_MEETING = "savings_meeting", pgettext_lazy("offline work", "savings-group meeting")


class OperationOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    CONFLICT = "conflict", _("Kept as a conflict")


class SyncOperation(models.Model):
    """An operation a device sent that was applied (or kept as a conflict): its id, sent again,
    gets this answer back and writes nothing.

    Kept longer than the forms' idempotency keys (`donghanh.core.idempotency`, two days): a
    device may hold an operation for as long as it may stay offline, and may send it again
    after an answer lost on the way back. A refused operation leaves no row: corrected, it is
    sent again under the same id.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    device = models.ForeignKey(
        "fieldwork.FieldDevice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("device"),
    )
    operation_id = models.UUIDField(_("operation"))
    kind = models.CharField(_("kind"), max_length=20, choices=OperationKind.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=OperationOutcome.choices)
    made_at = models.DateTimeField(_("made offline at"))
    received_at = models.DateTimeField(_("received at"))
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    # The record's page (ids only), given back when the operation is sent again.
    record_url = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "operation_id"], name="sync_operation_once")
        ]
        indexes = [models.Index(fields=["received_at"], name="sync_operation_received")]

    def __str__(self) -> str:
        return f"sync operation {self.operation_id}"


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("To resolve")
    RESOLVED = "resolved", _("Resolved")
    DISCARDED = "discarded", _("Discarded: the server's version kept")


class SyncConflict(models.Model):
    """An offline change to a record that someone changed on the server meanwhile: kept, with
    what the user typed (encrypted), until they resolve it field by field."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("by")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    device = models.ForeignKey(
        "fieldwork.FieldDevice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("device"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OperationKind.choices)
    operation_id = models.UUIDField(_("operation"))
    # The form data the device sent (JSON: field name → value or list of values), encrypted:
    # it holds what the user typed about the person.
    submitted = EncryptedTextField(_("what was sent"))
    base_version = models.PositiveIntegerField(_("version edited offline"))
    server_version = models.PositiveIntegerField(_("version on the server"))
    changed_fields = models.JSONField(_("fields changed meanwhile"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    made_at = models.DateTimeField(_("made offline at"))
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sync conflict")
        verbose_name_plural = _("sync conflicts")
        indexes = [
            models.Index(fields=["user", "organisation", "status"], name="sync_conflict_user")
        ]

    def __str__(self) -> str:
        return f"sync conflict #{self.pk}"
