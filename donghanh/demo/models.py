"""Marks the accounts that `manage.py load_demo` created, so they can be listed and refreshed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoAccount(models.Model):
    """A demo user: fictional person, published password and TOTP secret. Never in production."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="demo_account",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demo account")
        verbose_name_plural = _("demo accounts")

    def __str__(self) -> str:
        return str(self.user_id)
