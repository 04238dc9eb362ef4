"""Records read from a CSV file with the columns of `manage.py match_persons`: no database."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from donghanh.duplicates.matcher import PersonRecord, person_record

COLUMNS = ("record_id", "full_name", "birth_date", "sex", "province", "commune", "phone")


class InputError(ValueError):
    """The file is not what the command reads."""


def read_rows(file: IO[str]) -> Iterator[tuple[str, PersonRecord]]:
    """(record_id, record) for each row; any column but record_id may be empty or absent."""
    reader = csv.reader(file)
    header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
    if "record_id" not in header:
        raise InputError("the header has no record_id column")
    unknown = set(header) - set(COLUMNS)
    if unknown:
        raise InputError(f"unknown columns: {', '.join(sorted(unknown))}")
    position = {name: header.index(name) if name in header else None for name in COLUMNS}
    width = len(header)
    for row in reader:
        if not row:
            continue
        if len(row) < width:
            row += [""] * (width - len(row))
        values = {name: row[at] if at is not None else "" for name, at in position.items()}
        record_id = values["record_id"].strip()
        if not record_id:
            raise InputError(f"line {reader.line_num}: no record_id")
        yield (
            record_id,
            person_record(
                full_name=values["full_name"],
                birth_date=values["birth_date"],
                sex=values["sex"],
                province=values["province"],
                commune=values["commune"],
                phone=values["phone"],
            ),
        )


def read_file(path: Path) -> tuple[list[str], list[PersonRecord]]:
    ids: list[str] = []
    records: list[PersonRecord] = []
    with path.open(newline="", encoding="utf-8-sig") as file:
        for record_id, record in read_rows(file):
            ids.append(record_id)
            records.append(record)
    return ids, records
