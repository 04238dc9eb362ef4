"""Cluster the person records of a CSV file with the platform's matcher; no database is touched.

    manage.py match_persons --input FILE.csv --output OUT.csv

Reads `record_id,full_name,birth_date,sex,province,commune,phone` (any column but record_id
may be empty; dates dd/mm/yyyy, yyyy-mm-dd or a year alone; places by name, before or after the
2025 reform), links the records with the same matcher and settings as the platform (weights
learned from the file itself, without labels) and writes `record_id,cluster_id`: records with
the same cluster_id are taken to be one person. Prints the time of each step.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from donghanh.duplicates.matcher import DEFAULT_THRESHOLD, link
from donghanh.duplicates.table_io import InputError, read_file, write_clusters


class Command(BaseCommand):
    help = "Cluster the person records of a CSV file (record_id,cluster_id); no database."
    # Reads and writes files only: no system checks (they may open the database).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", type=Path, required=True, help="records (CSV, UTF-8)")
        parser.add_argument("--output", type=Path, required=True, help="record_id,cluster_id")
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help=f"match probability from which two records are one person ({DEFAULT_THRESHOLD})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        threshold = options["threshold"]
        if not 0 < threshold < 1:
            raise CommandError("--threshold is a probability between 0 and 1")
        started = time.perf_counter()
        try:
            ids, table = read_file(options["input"])
        except (OSError, UnicodeDecodeError, InputError) as error:
            raise CommandError(f"cannot read {options['input']}: {error}") from error
        read = time.perf_counter()
        linkage = link(table, threshold=threshold)
        linked = time.perf_counter()
        clusters = write_clusters(options["output"], ids, linkage.clusters)
        written = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"{table.size} records, {len(linkage.left)} candidate pairs, "
            f"{int(linkage.matches().sum())} matching pairs, {clusters} clusters; "
            f"read and normalised {read - started:.1f} s, linked {linked - read:.1f} s, "
            f"written {written - linked:.1f} s; peak memory {peak:.0f} MiB"
        )
