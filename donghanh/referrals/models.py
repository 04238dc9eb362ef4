"""Referrals and transfers of a case to another organisation (or a provider it runs).

Art. 3(10) of Law 53/2024: nothing about a victim is disclosed without consent recorded for
the recipient. A referral therefore carries only a snapshot of the sections the sender chose
to share, encrypted at rest, taken when it is sent (and again on an explicit re-share). The
receiver never reads the case itself, only that snapshot, and only while the person's consent
to sharing with the receiving organisation is in force.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import EncryptedTextField
from donghanh.core.labels import QuickLabels
from donghanh.reference.domains import ServiceDomain

# How many days the receiver has to accept or decline when the sender's organisation has no
# ReferralPolicy row of its own.
DEFAULT_RESPONSE_DAYS = 3


class SharedSection(models.TextChoices):
    """The fixed set of parts of a case a referral may share."""

    IDENTITY = "identity", _("Identity (name, sex, date of birth, nationality, ethnicity)")
    CONTACT = "contact", _("Contact (phone, current address)")
    CASE = "case", _("Case summary (type, identification status, legal regime)")
    JOURNEY = "journey", _("Migration journey and exploitation")
    NEEDS = "needs", _("Needs (the service needed, the support regimes the person is entitled to)")


class ReferralKind(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    TRANSFER = "transfer", _("Transfer of the case")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ReferralPolicy(models.Model):
    """Configuration: how many days receivers have to act on an organisation's referrals."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="referral_policy",
        verbose_name=_("organisation"),
    )
    response_days = models.PositiveSmallIntegerField(
        _("days to accept or decline"),
        default=DEFAULT_RESPONSE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    class Meta:
        verbose_name = _("referral policy")
        verbose_name_plural = _("referral policies")

    def __str__(self) -> str:
        return f"referral policy of organisation {self.organisation_id}"


class Referral(QuickLabels, models.Model):
    """A case (or one service need of it) referred, or transferred, to another organisation."""

    kind = models.CharField(
        _("kind"), max_length=10, choices=ReferralKind.choices, default=ReferralKind.REFERRAL
    )
    from_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("from"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("case")
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("to"),
    )
    to_provider = models.ForeignKey(
        "directory.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("service provider"),
    )
    # Empty: the whole case; otherwise the one service need referred.
    domain = models.CharField(
        _("service needed"), max_length=32, choices=ServiceDomain.choices, blank=True
    )
    shared_sections = models.JSONField(_("shared"), default=list)
    message = EncryptedTextField(_("message"), blank=True)
    snapshot = EncryptedTextField(editable=False, blank=True)
    snapshot_taken_at = models.DateTimeField(null=True, blank=True, editable=False)

    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    due_at = models.DateTimeField(_("answer due by"))
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    feedback = EncryptedTextField(_("feedback to the sender"), blank=True)

    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")),
                name="referral_to_another_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["from_organisation", "-sent_at"], name="referral_out"),
            models.Index(fields=["to_organisation", "-sent_at"], name="referral_in"),
            models.Index(fields=["status", "due_at"], name="referral_due"),
        ]

    def __str__(self) -> str:
        return f"referral #{self.pk}"
