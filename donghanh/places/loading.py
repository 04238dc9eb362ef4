"""Bring the places tables in line with the committed data file.

Used by the data migration (with historical models, on empty tables) and by
`manage.py load_places` (through `services.places_refresh`, on filled tables): both compare the
file with the tables and insert, update or delete only what differs, so a second run changes
nothing. Keep this module working with the models as they stand after migration 0002: it only
sets fields that exist there.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from django.db import connections, models, router

from donghanh.places.keys import name_key

DATA_FILE = Path(__file__).resolve().parent / "data" / "places.json.gz"
SUPPORTED_FORMAT = 1
BATCH_SIZE = 5000


class PlaceModels(NamedTuple):
    """The five models, real or historical (from a migration's `apps`)."""

    province: type[models.Model]
    commune: type[models.Model]
    legacy_province: type[models.Model]
    legacy_district: type[models.Model]
    legacy_commune: type[models.Model]


@dataclass
class SyncReport:
    """Rows created, updated and deleted per table (labelled by model name)."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return (
            any(self.created.values()) or any(self.updated.values()) or any(self.deleted.values())
        )

    def summary(self) -> str:
        parts = []
        for label in self.created:
            parts.append(
                f"{label} +{self.created[label]} ~{self.updated[label]} -{self.deleted[label]}"
            )
        return "; ".join(parts)


def read_places_file(path: Path = DATA_FILE) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    if data.get("format") != SUPPORTED_FORMAT:
        raise ValueError(f"{path}: unsupported places data format {data.get('format')!r}")
    return data


Rows = dict[str, dict[str, Any]]


def _desired(data: dict[str, Any]) -> tuple[list[Rows], set[tuple[str, str]]]:
    provinces = {
        code: {"name": name, "short_name": short, "kind": kind, "folded_name": name_key(short)}
        for code, name, short, kind in data["provinces"]
    }
    communes = {
        code: {"name": name, "kind": kind, "province_id": province, "folded_name": name_key(name)}
        for code, name, kind, province in data["communes"]
    }
    legacy_provinces = {
        code: {
            "name": name,
            "short_name": short,
            "current_province_id": current,
            "folded_name": name_key(short),
        }
        for code, name, short, current in data["legacy_provinces"]
    }
    legacy_districts = {
        code: {
            "name": name,
            "province_id": province,
            "current_commune_id": current,
            "folded_name": name_key(name),
        }
        for code, name, province, current in data["legacy_districts"]
    }
    legacy_communes = {
        code: {
            "name": name,
            "district_id": district,
            "current_commune_id": current,
            "folded_name": name_key(name),
        }
        for code, name, district, current, _others in data["legacy_communes"]
    }
    also_part_of = {
        (code, other) for code, _n, _d, _c, others in data["legacy_communes"] for other in others
    }
    return [provinces, communes, legacy_provinces, legacy_districts, legacy_communes], also_part_of


def _insert(model: type[models.Model], fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows with one prepared statement.

    On a fresh database (every test run) this is much faster than building 14,000 model
    instances for bulk_create.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [str(meta.pk.column), *(str(meta.get_field(name).column) for name in fields)]  # type: ignore[union-attr]
    head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608 (names come from the models)
        quote(meta.db_table), ", ".join(quote(c) for c in columns)
    )
    one_row = "({})".format(", ".join(["%s"] * len(columns)))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # In-process: one prepared statement run for each row is fastest.
            cursor.executemany(head + one_row, rows)
            return
        if connection.vendor == "postgresql" and hasattr(cursor, "copy"):
            # psycopg 3: COPY streams the rows and converts them in C.
            target = "{} ({})".format(quote(meta.db_table), ", ".join(quote(c) for c in columns))
            with cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # Other databases: few round trips, many rows per statement.
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            cursor.execute(
                head + ", ".join([one_row] * len(batch)),
                [value for row in batch for value in row],
            )


def _sync_table(model: type[models.Model], desired: Rows, report: SyncReport) -> Callable[[], None]:
    """Insert and update rows now; return a function that deletes the leftovers later."""
    fields = sorted(next(iter(desired.values())).keys()) if desired else []
    manager = model._default_manager
    existing = {
        row[0]: dict(zip(fields, row[1:], strict=True))
        for row in manager.values_list("pk", *fields)
    }
    to_create = [(code, values) for code, values in desired.items() if code not in existing]
    to_update = [
        model(pk=code, **values)
        for code, values in desired.items()
        if code in existing and existing[code] != values
    ]
    leftovers = [code for code in existing if code not in desired]
    _insert(model, fields, [(code, *(values[f] for f in fields)) for code, values in to_create])
    if to_update:
        manager.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    label = model._meta.model_name or model.__name__
    report.created[label] = len(to_create)
    report.updated[label] = len(to_update)
    report.deleted[label] = len(leftovers)

    def delete_leftovers() -> None:
        if leftovers:
            manager.filter(pk__in=leftovers).delete()

    return delete_leftovers


def sync_places(place_models: PlaceModels, data: dict[str, Any]) -> SyncReport:
    """Make the tables hold exactly the file's rows. Call inside a transaction."""
    report = SyncReport()
    tables, also_part_of = _desired(data)
    deletions = [
        _sync_table(model, rows, report) for model, rows in zip(place_models, tables, strict=True)
    ]

    through = place_models.legacy_commune._meta.get_field("also_part_of").remote_field.through  # type: ignore[union-attr]
    links = through._default_manager
    existing = set(links.values_list("legacycommune_id", "commune_id"))
    missing = sorted(also_part_of - existing)
    surplus = existing - also_part_of
    for legacy_code, commune_code in surplus:
        links.filter(legacycommune_id=legacy_code, commune_id=commune_code).delete()
    links.bulk_create(
        [through(legacycommune_id=a, commune_id=b) for a, b in missing], batch_size=BATCH_SIZE
    )
    report.created["also_part_of"] = len(missing)
    report.updated["also_part_of"] = 0
    report.deleted["also_part_of"] = len(surplus)

    # Children before parents: a commune that disappeared from the file goes after the old
    # units that pointed at it have been repointed above.
    for delete_leftovers in reversed(deletions):
        delete_leftovers()
    return report
