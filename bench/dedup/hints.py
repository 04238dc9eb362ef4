"""The registration hint's matching step, timed as it runs for one registration.

    python -m bench.dedup.hints [--registrations 500] [--candidates 200]

When a person is registered, `people.selectors.similar_records` asks the database for at most
`SIMILAR_CANDIDATES` (200) records of the organisation whose name has the new given name (whole
or one letter off), the most recently changed first, whatever the registry's size; the
duplicates app's `RegistrationMatcher.likely` then weighs each against the new record. This
bench times that second step, the matcher's, for the worst case the selector can hand it: the
full 200 candidates, all with the new record's given name (or one letter off), taken from the
generated records of `generate.py` (one million records; made if missing), as unsaved `Person`
objects (no database, no decryption). It prints p50, p95 and p99 in milliseconds and the load
average.

What it does not time: the candidates' query and their decryption, which happen in the
database and the people app before the matcher is called (see the README).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
django.setup()

from donghanh.duplicates.hints import RegistrationMatcher  # noqa: E402  (after django.setup())
from donghanh.duplicates.normalise import parse_birth_date, split_name  # noqa: E402
from donghanh.duplicates.places import resolve_place  # noqa: E402
from donghanh.people.models import Person  # noqa: E402
from donghanh.people.registry import NewRecord  # noqa: E402
from donghanh.people.selectors import SIMILAR_CANDIDATES  # noqa: E402
from donghanh.places.models import Commune  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "bench" / "results" / "dedup-1m.csv"
_SEX = {"Nữ": "female", "F": "female", "Nam": "male", "M": "male"}


def _date(text: str) -> datetime.date | None:
    found = parse_birth_date(text)
    if not found.is_full:
        return None
    try:
        return datetime.date(found.year, found.month, found.day)
    except ValueError:
        return None


def _person(row: dict[str, str]) -> Person:
    place = resolve_place(row["province"], row["commune"])
    commune = (
        Commune(code=place.communes[0], province_id=place.province) if place.communes else None
    )
    return Person(
        full_name=row["full_name"],
        sex=_SEX.get(row["sex"], "unknown"),
        date_of_birth=_date(row["birth_date"]),
        phone=row["phone"],
        current_commune=commune,
    )


def _new_record(row: dict[str, str]) -> NewRecord:
    place = resolve_place(row["province"], row["commune"])
    return NewRecord(
        full_name=row["full_name"],
        date_of_birth=_date(row["birth_date"]),
        sex=_SEX.get(row["sex"], ""),
        phone=row["phone"],
        commune_code=place.communes[0] if place.communes else "",
        province_code=place.province,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=500)
    parser.add_argument("--candidates", type=int, default=SIMILAR_CANDIDATES)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    if not RECORDS.exists():
        subprocess.run(  # noqa: S603  (our own generator)
            [sys.executable, "-m", "bench.dedup.generate", "--records", "1000000",
             "--output", str(RECORDS)], check=True, cwd=ROOT,
        )  # fmt: skip
    by_given: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
    with RECORDS.open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            by_given[split_name(row["full_name"]).given].append(row)
    rng = random.Random(args.seed)
    # Registrations of given names common enough to fill the candidates (the worst case).
    names = [name for name, rows in by_given.items() if len(rows) > args.candidates]
    matcher = RegistrationMatcher()
    timings: list[float] = []
    cpu: list[float] = []
    shown = 0
    for _ in range(args.registrations):
        rows = by_given[rng.choice(names)]
        new = _new_record(rng.choice(rows))
        candidates = [_person(row) for row in rng.sample(rows, args.candidates)]
        started, started_cpu = time.perf_counter(), time.process_time()
        found = matcher.likely(new, candidates)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        shown += len(found)
    timings.sort()
    cpu.sort()

    def percentile(values: list[float], share: float) -> str:
        return f"{values[min(len(values) - 1, int(share * len(values)))]:.1f}"

    print(
        f"{args.registrations} registrations × {args.candidates} candidates "
        f"({shown / args.registrations:.1f} hinted each): matcher wall p50 "
        f"{percentile(timings, 0.5)} ms, p95 {percentile(timings, 0.95)} ms, p99 "
        f"{percentile(timings, 0.99)} ms; CPU p50 {percentile(cpu, 0.5)} ms, p95 "
        f"{percentile(cpu, 0.95)} ms; load average {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
