"""Normalise a records file with the platform's rules into the columns Splink links on.

    python -m bench.dedup.prepare RECORDS.csv NORMALISED.csv

Both systems of the benchmark then link the same values: the platform's Vietnamese
normalisation (names folded and split into family, middle and given name in Vietnamese order,
dates, today's province and commune through the pre-2025 mapping, phones) is done once, here,
for Splink; the platform matcher does it itself and its time is counted apart.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
    import django

    django.setup()
    from donghanh.duplicates.matcher import MISSING
    from donghanh.duplicates.table_io import read_file

    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    started = time.perf_counter()
    ids, table = read_file(source)
    words = table.words

    def word(i: int) -> str:
        return words[i] if i != MISSING else ""

    with target.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(
            ["unique_id", "given", "given_initial", "family", "middle", "words", "dob",
             "dobsorted", "dm", "year", "sex", "province", "commune", "phone"]
        )  # fmt: skip
        columns = zip(
            ids,
            table.given.tolist(),
            table.family.tolist(),
            table.middle.tolist(),
            table.name_words.tolist(),
            table.year.tolist(),
            table.month.tolist(),
            table.day.tolist(),
            table.sex.tolist(),
            table.province.tolist(),
            table.communes[:, 0].tolist(),
            table.phone.tolist(),
            strict=True,
        )
        for rid, given, family, middle, name, year, month, day, sex, prov, comm, phone in columns:
            full = day > 0
            low, high = min(day, month), max(day, month)
            writer.writerow(
                [
                    rid,
                    word(given),
                    word(given)[:1],
                    word(family),
                    word(middle),
                    " ".join(words[i] for i in name if i != MISSING),
                    f"{year:04d}-{month:02d}-{day:02d}" if full else "",
                    f"{year:04d}-{low:02d}-{high:02d}" if full else "",
                    f"{low:02d}-{high:02d}" if full else "",
                    str(year) if year > 0 else "",
                    str(sex) if sex > 0 else "",
                    f"{prov:02d}" if prov != MISSING else "",
                    f"{comm:05d}" if comm != MISSING else "",
                    str(phone) if phone > 0 else "",
                ]
            )
    print(f"normalised {len(ids)} records in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
