"""API tokens: a long random secret that stands in for signing in, for programs.

Only a SHA-256 hash of the secret is stored (and a short prefix, so that a person can tell their
tokens apart): a copy of the database gives nobody a working token.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Every token starts with this, so that a leaked one is easy to recognise (and to scan for).
TOKEN_PREFIX = "dh_"  # noqa: S105 (a marker, not a secret)
# The prefix stored for display: "dh_" and the first 8 random characters.
DISPLAY_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8


def token_hash(secret: str) -> str:
    """The hex SHA-256 of a token; tokens carry 256 random bits, so no salt or stretching."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"API token #{self.pk} ({self.prefix}…)"

    def status_at(self, moment: datetime.datetime) -> ApiToken.Status:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at is not None and self.expires_at <= moment:
            return self.Status.EXPIRED
        return self.Status.ACTIVE
