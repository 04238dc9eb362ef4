from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """A write that has been done once for a user's form or API request (`idempotency.py`).

    The key comes from the form (a hidden field made when the form was drawn) or from the
    API's `Idempotency-Key` header; the record names what the write created, so a second
    submission of the same form answers with that record instead of making another.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=64)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope", "key"], name="idempotency_key_once_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
