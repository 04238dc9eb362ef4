"""Keeps cached indicator figures exact: any write to a record they read makes them stale.

Signals are used here, against the house rule, on purpose: the cache must not depend on every
service of every app remembering to invalidate it, and invalidation changes no business data.
Bulk loads that bypass `save()` (COPY, `bulk_create`, `QuerySet.update`) must call
`data_changed()` themselves; the benchmark loader does.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from donghanh.indicators.models import DataGeneration

# Every model whose rows a computed indicator counts, or whose fields it breaks down by.
WATCHED = (
    "programmes.Project",
    "programmes.Indicator",
    "programmes.ManualValue",
    "programmes.Training",
    "programmes.Participant",
    "programmes.TrainingParticipation",
    "programmes.CommunicationActivity",
    "programmes.AudienceCount",
    "programmes.SupportedOrganisation",
    "casework.ServiceDelivery",
    "casework.ShelterStay",
    "cases.Case",
    "cases.Person",
)


def data_changed() -> None:
    """Make every cached figure stale (in the caller's transaction, so it commits with it)."""
    token = secrets.token_hex(16)
    with transaction.atomic():
        updated = DataGeneration.objects.filter(pk=1).update(value=F("value") + 1, token=token)
        if not updated:
            DataGeneration.objects.get_or_create(pk=1, defaults={"value": 1, "token": token})


def current_generation() -> str:
    row = DataGeneration.objects.filter(pk=1).values_list("value", "token").first()
    return f"{row[0]}-{row[1]}" if row else "0"


def _on_write(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw") or str(kwargs.get("action", "post_")).startswith("pre_"):
        return  # loading fixtures, or the first half of a many-to-many change
    data_changed()


def connect() -> None:
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_on_write, sender=model, dispatch_uid=f"indicators-save-{label}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"indicators-delete-{label}")
    m2m_changed.connect(_on_write, dispatch_uid="indicators-m2m")
