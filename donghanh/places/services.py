"""Writes for places: the administrative units are reference data, refreshed from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record
from donghanh.places.loading import (
    DATA_FILE,
    PlaceModels,
    SyncReport,
    read_places_file,
    sync_places,
)
from donghanh.places.models import (
    Commune,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
)

PLACE_MODELS = PlaceModels(Province, Commune, LegacyProvince, LegacyDistrict, LegacyCommune)


@transaction.atomic
def places_refresh(
    *, path: Path = DATA_FILE, acting_user: Any = None, actor_label: str = ""
) -> SyncReport:
    """Bring the places tables in line with the data file; audit the change if there was one.

    A commune that has left the file but is still referenced elsewhere (PROTECT) makes the whole
    refresh fail and roll back, so no address silently loses its place.
    """
    report = sync_places(PLACE_MODELS, read_places_file(path))
    if report.changed:
        audit_record(
            action=AuditAction.UPDATE,
            actor=acting_user,
            actor_username=actor_label,
            summary=f"places reference data refreshed: {report.summary()}",
        )
    return report
