"""Writes for places: the administrative units are reference data, refreshed from a file."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.places.events import PlacesEvent
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
def places_refresh(*, actor: Actor, path: Path = DATA_FILE) -> SyncReport:
    """Bring the places tables in line with the data file; audit the change if there was one.

    A commune that has left the file but is still referenced elsewhere (PROTECT) makes the whole
    refresh fail and roll back, so no address silently loses its place.
    """
    report = sync_places(PLACE_MODELS, read_places_file(path))
    if report.changed:
        audit_record(
            event=PlacesEvent.REFRESHED, actor=actor, details={"changes": report.summary()}
        )
    return report
