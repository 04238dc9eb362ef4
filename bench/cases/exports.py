"""Time and memory of the case list exports over every generated case, beside their floors.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.cases.exports

The floor of each export is the same rows and columns written the same way (the same
write-only workbook, the same CSV writer) from a plain list already in memory: what writing
the file costs by itself. The ratio is the export's CPU time over its floor's.

Runs the exports' own code (their querysets, chunked reads, the write-only workbook and the
CSV line generator) with the scope widened from one organisation to every case in the
database, so that the figures are for 100,000 rows or however many were generated. Memory is
the growth of this process's peak resident size while each export runs, and the peak of
Python allocations (tracemalloc, with --python-memory: it slows the exports down) during it.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402

from donghanh.cases import exports  # noqa: E402
from donghanh.cases import selectors as case_selectors  # noqa: E402
from donghanh.cases.models import Case  # noqa: E402
from donghanh.organisations.models import Membership  # noqa: E402


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name: str, run: Callable[[], tuple[int, int]], *, trace: bool) -> float:
    rss_before = _rss_mb()
    if trace:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    rows, size = run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = "–"
    if trace:
        peak = f"{tracemalloc.get_traced_memory()[1] / 1e6:.1f}"
        tracemalloc.stop()
    print(
        f"| {name} | {rows} | {seconds:.1f} | {cpu:.1f} | {rows / seconds:.0f} | "
        f"{size / 1e6:.1f} | {peak} | {_rss_mb() - rss_before:.0f} |"
    )
    return cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python-memory",
        action="store_true",
        help="also trace Python allocations (slows the exports down several times)",
    )
    trace = parser.parse_args(argv).python_memory
    settings.DEBUG = False
    translation.activate("vi")
    # Every case, not one organisation's: the exports' own querysets over the whole table.
    case_selectors.cases_visible_to = lambda membership: Case.objects.all()
    membership: Any = Membership.objects.get(user__username="supervisor.binhyen")
    print(f"{Case.objects.count()} cases in the database.")
    print(
        "| export | rows | seconds | CPU seconds | rows/s | file MB | Python peak MB "
        "| RSS growth MB |"
    )
    print("|---|---|---|---|---|---|---|---|")

    xlsx_cases = exports.cases_for_list_export(membership, {}, identities=True)
    csv_cases = exports.cases_for_statistics(membership, {})

    def xlsx() -> tuple[int, int]:
        rows = [0]

        def counted() -> Iterator[list[Any]]:
            for row in exports.xlsx_rows(xlsx_cases, identities=True):
                rows[0] += 1
                yield row

        with tempfile.TemporaryFile() as target:
            exports.write_xlsx(counted(), target, identities=True)
            return rows[0], target.tell()

    def csv() -> tuple[int, int]:
        size = rows = 0
        for line in exports.htcds_csv_lines(exports.htcds_rows(csv_cases)):
            size += len(line)
            rows += 1
        return rows - 1, size

    # The floors' rows, read before the clock starts.
    xlsx_list = list(exports.xlsx_rows(xlsx_cases, identities=True))
    csv_list = list(exports.htcds_rows(csv_cases))

    def xlsx_floor() -> tuple[int, int]:
        with tempfile.TemporaryFile() as target:
            exports.write_xlsx(xlsx_list, target, identities=True)
            return len(xlsx_list), target.tell()

    def csv_floor() -> tuple[int, int]:
        size = sum(len(line) for line in exports.htcds_csv_lines(csv_list))
        return len(csv_list), size

    def read(cases: Any, columns: tuple[str, ...]) -> Callable[[], tuple[int, int]]:
        def run() -> tuple[int, int]:
            values = cases.values_list(*columns).iterator(chunk_size=exports.EXPORT_CHUNK_SIZE)
            return sum(1 for _row in values), 0

        return run

    csv_cpu = measure("HTCDS CSV", csv, trace=trace)
    csv_floor_cpu = measure("HTCDS CSV floor: the same rows from a list", csv_floor, trace=trace)
    csv_read_cpu = measure(
        "HTCDS CSV: its columns read alone (decrypted)",
        read(csv_cases, exports.HTCDS_COLUMNS),
        trace=trace,
    )
    xlsx_cpu = measure("XLSX, write-only to a temporary file", xlsx, trace=trace)
    xlsx_floor_cpu = measure("XLSX floor: the same rows from a list", xlsx_floor, trace=trace)
    xlsx_read_cpu = measure(
        "XLSX: its columns read alone (decrypted)",
        read(xlsx_cases, exports.XLSX_COLUMNS + exports.IDENTITY_COLUMNS),
        trace=trace,
    )
    print(
        f"CPU over the writing floor: HTCDS CSV {csv_cpu / csv_floor_cpu:.2f}×, "
        f"XLSX {xlsx_cpu / xlsx_floor_cpu:.2f}×; over reading and writing: "
        f"HTCDS CSV {csv_cpu / (csv_floor_cpu + csv_read_cpu):.2f}×, "
        f"XLSX {xlsx_cpu / (xlsx_floor_cpu + xlsx_read_cpu):.2f}×; "
        f"load average {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
