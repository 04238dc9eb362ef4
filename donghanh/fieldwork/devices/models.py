"""Devices: the browsers that hold offline work, the key they open it with, their wipe.

A device is one browser profile on one phone or laptop where a member took work offline for
one organisation. The browser keeps its data encrypted under a random data key that is itself
stored only wrapped: under a key derived from this row's `secret` (released to the signed-in
owner, online) and under a key derived from the member's PIN (offline). Without the secret and
without the PIN, what the browser holds cannot be read.

A device reported lost by an administrator, or revoked by its owner, never gets its secret
again: at its next contact it is told to erase everything (HTTP 410), and when it confirms, it
is `wiped`. The server keeps no personal data about the device: its browser family and system
in a few words, never the full user agent or an address.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donghanh.core.crypto import EncryptedTextField


class DeviceState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("field device", "Active")
    LOST = "lost", pgettext_lazy("field device", "Reported lost: erased at next contact")
    REVOKED = "revoked", pgettext_lazy("field device", "Revoked: erased at next contact")
    WIPED = "wiped", pgettext_lazy("field device", "Erased")


# The states in which a device must erase what it holds the next time it calls.
WIPE_STATES = (DeviceState.LOST, DeviceState.REVOKED)


class FieldDevice(models.Model):
    """One browser where a member works offline for one organisation."""

    uuid = models.UUIDField(_("device number"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="field_devices",
        verbose_name=_("member"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="field_devices",
        verbose_name=_("organisation"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=DeviceState.choices, default=DeviceState.ACTIVE
    )
    # Browser family and system only ("Chrome · Android"): enough for the owner to recognise
    # the phone, nothing that identifies it or its user.
    browser = models.CharField(_("browser"), max_length=60, blank=True)
    # Base64url of 32 random bytes, encrypted at rest with the data keys; released only to the
    # device's owner while the device is active.
    secret = EncryptedTextField(editable=False)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    lost_reported_at = models.DateTimeField(_("reported lost"), null=True, blank=True)
    lost_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported lost by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # When the device last called in a wipe state and was told to erase its data.
    wipe_sent_at = models.DateTimeField(_("told to erase"), null=True, blank=True)
    wiped_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("field device")
        verbose_name_plural = _("field devices")
        indexes = [
            models.Index(fields=["organisation", "user"], name="field_device_org_user"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=[state.value for state in DeviceState]),
                name="field_device_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"field device {self.pk}"

    @property
    def must_wipe(self) -> bool:
        return self.state in WIPE_STATES

    @property
    def is_active(self) -> bool:
        return self.state == DeviceState.ACTIVE
