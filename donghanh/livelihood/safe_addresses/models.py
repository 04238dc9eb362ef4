"""Safe addresses (địa chỉ an toàn): community places and households the Women's Union trusts to
shelter a woman for a night or two in an emergency, such as a woman facing domestic violence.

They are the organisation's own: never public, never in the service directory, seen only by the
organisation's staff who work on cases, and every reading of them is written to the audit log.
Everything that could lead someone to the place (its name, address, contact and who vouches for
it) is encrypted; the commune, the capacity and the dates stay in clear to find one nearby.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import EncryptedCharField, EncryptedTextField


class SafePlaceKind(models.TextChoices):
    HOUSEHOLD = "household", _("A trusted household")
    UNION_MEMBER = "union_member", _("A Women's Union member's home")
    COMMUNITY = "community", _("A community house, pagoda or church")
    OFFICE = "office", _("A commune office")
    OTHER = "other", _("Another place")


class SafeAddress(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="safe_addresses"
    )
    name = EncryptedCharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of place"), max_length=16, choices=SafePlaceKind.choices)
    commune = models.ForeignKey(
        "places.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    address = EncryptedTextField(_("address"))
    contact_name = EncryptedCharField(_("contact person"), max_length=200, blank=True)
    contact_phone = EncryptedCharField(_("contact phone"), max_length=30, blank=True)
    capacity = models.PositiveSmallIntegerField(_("people it can shelter"), default=1)
    vouched_by = EncryptedCharField(_("vouched for by"), max_length=200)
    last_checked_on = models.DateField(_("last checked on"))
    is_active = models.BooleanField(_("can be used"), default=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation", "-is_active", "commune", "id"]
        verbose_name = _("safe address")
        verbose_name_plural = _("safe addresses")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="safe_address_capacity")
        ]

    def __str__(self) -> str:
        return f"safe address #{self.pk}"


class SafePlacement(models.Model):
    """An emergency placement of the woman of a case at one of her organisation's safe
    addresses: from the day she arrived, for a number of nights. It stays with the safe
    addresses (never in a referral's snapshot, never seen outside the organisation)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="safe_placements")
    place = models.ForeignKey(
        SafeAddress,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("safe address"),
    )
    arrived_on = models.DateField(_("arrived on"))
    nights = models.PositiveSmallIntegerField(_("nights"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-arrived_on", "-id"]
        verbose_name = _("emergency placement")
        verbose_name_plural = _("emergency placements")
        constraints = [
            models.CheckConstraint(condition=Q(nights__gte=1), name="safe_placement_nights")
        ]
        indexes = [models.Index(fields=["place", "arrived_on"], name="safe_placement_place_day")]

    def __str__(self) -> str:
        return f"emergency placement #{self.pk}"

    @property
    def leaves_on(self) -> datetime.date:
        return self.arrived_on + datetime.timedelta(days=self.nights)
