"""The one piece of state indicators keep: a generation number for their cache.

Computed indicators read hundreds of thousands of records; their figures are cached and must
stay exact. Every write to a record an indicator reads bumps the generation (see
`invalidation.py`), and every cached figure is keyed by the generation it was computed at.
"""

from __future__ import annotations

from django.db import models


class DataGeneration(models.Model):
    value = models.PositiveBigIntegerField(default=0)
    # A fresh random token with every bump: a rolled-back or restored database may repeat a
    # number, never a token, so no cached figure of another history is ever read.
    token = models.CharField(max_length=32, default="")

    class Meta:
        verbose_name = "indicator data generation"

    def __str__(self) -> str:
        return f"generation {self.value}"
