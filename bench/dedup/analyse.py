"""Where the platform matcher loses F1 on the generated records: for tuning, not a benchmark.

    python -m bench.dedup.analyse --records 100000 [--examples 5]

Reads `bench/results/dedup-<N>.csv` and its truth (run `evaluate.py` or `generate.py` first),
links the records in this process with `donghanh.duplicates.matcher.link` and prints:

- each blocking rule's pairs and recall (share of the true pairs it makes), and all rules';
- the true pairs no rule makes, and the true pairs made but scored below the threshold,
  grouped by their comparison levels (what disagrees or is missing), with examples;
- the false pairs above the threshold, grouped the same way;
- the clusters that are wrong: merged (two or more people) or split, and why;
- by kind of change the generator made (`…-perturbations.csv`), the share of the true pairs
  touched by it that blocking makes and that end in one cluster.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from collections import Counter, defaultdict
from pathlib import Path

import django
import numpy as np

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
django.setup()

from donghanh.duplicates import matcher  # noqa: E402  (after django.setup())
from donghanh.duplicates.table_io import read_file  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"


def _label(records: int) -> str:
    return f"{records // 1_000_000}m" if records % 1_000_000 == 0 else f"{records // 1000}k"


def _pattern(levels: np.ndarray) -> str:
    parts = []
    for k, comparison in enumerate(matcher.COMPARISONS):
        level = int(levels[k])
        parts.append(f"{comparison.name}=" + ("-" if level < 0 else comparison.levels[level]))
    return ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    label = _label(args.records)
    source = RESULTS / f"dedup-{label}.csv"
    with source.open(newline="", encoding="utf-8") as file:
        raw = {row["record_id"]: row for row in csv.DictReader(file)}
    with (RESULTS / f"dedup-{label}-truth.csv").open(newline="", encoding="utf-8") as file:
        person_of = {row["record_id"]: row["person_id"] for row in csv.DictReader(file)}
    ids, table = read_file(source)
    size = table.size
    person = np.array([int(person_of[i][1:]) for i in ids], dtype=np.int64)
    order = np.argsort(person, kind="stable")
    starts = np.flatnonzero(np.r_[True, person[order][1:] != person[order][:-1]])
    lengths = np.diff(np.r_[starts, size])
    true_codes = []
    for block in np.unique(lengths[lengths > 1]).tolist():
        first, second = np.triu_indices(block, k=1)
        block_starts = starts[lengths == block][:, None]
        a, b = order[block_starts + first].ravel(), order[block_starts + second].ravel()
        true_codes.append(np.minimum(a, b) * size + np.maximum(a, b))
    truth = np.sort(np.concatenate(true_codes))
    print(f"{size:,} records, {len(truth):,} true pairs")

    print("\n| rule | pairs | recall |\n|---|---|---|")
    for rule in matcher.BLOCKING_RULES:
        codes = np.unique(matcher.pairs_in_blocks(rule.key(table), max_block=rule.max_block))
        recall = np.isin(truth, codes).mean()
        print(f"| {rule.name} | {len(codes):,} | {recall:.3f} |")
    started = time.perf_counter()
    linkage = matcher.link(table)
    print(f"linked in {time.perf_counter() - started:.1f} s")
    codes = linkage.left * size + linkage.right
    blocked = np.isin(truth, codes)
    print(f"| all rules | {len(codes):,} | {blocked.mean():.3f} |")
    matched = linkage.matches()
    is_true = np.isin(codes, truth)
    print(
        f"\ncandidates: {is_true.sum():,} true; above threshold {matched.sum():,} "
        f"({(matched & is_true).sum():,} true, {(matched & ~is_true).sum():,} false); "
        f"true below threshold {(~matched & is_true).sum():,}; true never blocked "
        f"{(~blocked).sum():,}"
    )

    def show(title: str, left: np.ndarray, right: np.ndarray, weights: np.ndarray | None) -> None:
        levels = matcher.compare(table, left, right)
        groups: defaultdict[str, list[int]] = defaultdict(list)
        for k in range(len(left)):
            groups[_pattern(levels[k])].append(k)
        print(f"\n## {title}: {len(left):,}")
        for pattern, members in sorted(groups.items(), key=lambda item: -len(item[1]))[: args.top]:
            print(f"- {len(members)} × {pattern}")
            for k in members[: args.examples]:
                one, other = raw[ids[left[k]]], raw[ids[right[k]]]
                weight = f" w={weights[k]:.1f}" if weights is not None else ""
                print(f"    {_row(one)}  |  {_row(other)}{weight}")

    applied_file = RESULTS / f"dedup-{label}-perturbations.csv"
    if applied_file.exists():
        with applied_file.open(newline="", encoding="utf-8") as file:
            changes = {row["record_id"]: row["perturbations"] for row in csv.DictReader(file)}
        kinds = sorted({kind for text in changes.values() for kind in text.split(";") if kind})
        column = {kind: k for k, kind in enumerate(kinds)}
        has = np.zeros((size, len(kinds)), dtype=np.bool_)
        for record, record_id in enumerate(ids):
            for kind in filter(None, changes[record_id].split(";")):
                has[record, column[kind]] = True
        one, other = truth // size, truth % size
        together = linkage.clusters[one] == linkage.clusters[other]
        print("\n| change (on either record of a true pair) | true pairs | blocked | "
              "in one cluster |\n|---|---|---|---|")  # fmt: skip
        for kind in kinds:
            involved = has[one, column[kind]] | has[other, column[kind]]
            print(f"| {kind} | {involved.sum():,} | {blocked[involved].mean():.3f} "
                  f"| {together[involved].mean():.3f} |")  # fmt: skip
        plain = ~(has[one].any(axis=1) | has[other].any(axis=1))
        print(f"| none | {plain.sum():,} | {blocked[plain].mean():.3f} "
              f"| {together[plain].mean():.3f} |")  # fmt: skip

    missed = truth[~blocked]
    show("true pairs never blocked", missed // size, missed % size, None)
    low = np.flatnonzero(is_true & ~matched)
    show(
        "true pairs below the threshold",
        linkage.left[low],
        linkage.right[low],
        linkage.weights[low],
    )
    false = np.flatnonzero(~is_true & matched)
    show("false pairs above the threshold", linkage.left[false], linkage.right[false],
         linkage.weights[false])  # fmt: skip

    clusters = linkage.clusters
    found_sets: defaultdict[int, set[int]] = defaultdict(set)
    true_sets: defaultdict[int, set[int]] = defaultdict(set)
    for record in range(size):
        found_sets[int(clusters[record])].add(record)
        true_sets[int(person[record])].add(record)
    merged = [s for s in found_sets.values() if len({int(person[r]) for r in s}) > 1]
    split = [s for s in true_sets.values() if len({int(clusters[r]) for r in s}) > 1]
    sizes = Counter(len({int(person[r]) for r in s}) for s in merged)
    print(f"\nclusters with records of more than one person: {len(merged):,} {dict(sizes)}")
    print(f"people whose records are in more than one cluster: {len(split):,}")
    matched_codes = set(codes[matched].tolist())
    chained = 0
    for members in merged:
        # Chaining: some two records of the cluster are of different people and not linked.
        ordered = sorted(members)
        unlinked = sum(
            1
            for i, a in enumerate(ordered)
            for b in ordered[i + 1 :]
            if person[a] != person[b] and a * size + b not in matched_codes
        )
        chained += unlinked > 0
    print(f"merged clusters formed by chaining (unlinked members of different people): {chained}")


def _row(row: dict[str, str]) -> str:
    return "/".join(row[c] for c in ("full_name", "birth_date", "sex", "province", "commune",
                                     "phone"))  # fmt: skip


if __name__ == "__main__":
    main()
