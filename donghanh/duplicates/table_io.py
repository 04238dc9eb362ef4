"""Records read from a CSV file with the columns of `manage.py match_persons`: no database."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from donghanh.core.spreadsheets import spreadsheet_row
from donghanh.duplicates.matcher import PersonRecord, RecordTable, person_record

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


def read_file(path: Path) -> tuple[list[str], RecordTable]:
    """The record ids of the file, in order, and its records as a table.

    Records go straight into the table's columns: a million of them never sit in memory as
    Python objects at once.
    """
    ids: list[str] = []
    with path.open(newline="", encoding="utf-8-sig") as file:

        def records() -> Iterator[PersonRecord]:
            for record_id, record in read_rows(file):
                ids.append(record_id)
                yield record

        table = RecordTable(records())
    seen: set[str] = set()
    for record_id in ids:
        if record_id in seen:
            raise InputError(f"record_id {record_id!r} appears twice")
        seen.add(record_id)
    return ids, table


def write_clusters(path: Path, ids: list[str], clusters: npt.NDArray[np.int64]) -> int:
    """`record_id,cluster_id` for every record, clusters numbered from 1 in the input's order;
    the number of clusters."""
    numbers: dict[int, int] = {}
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["record_id", "cluster_id"])
        for record_id, cluster in zip(ids, clusters.tolist(), strict=True):
            number = numbers.setdefault(cluster, len(numbers) + 1)
            writer.writerow(spreadsheet_row([record_id, number]))
    return len(numbers)
