"""The platform matcher and Splink 5 on DuckDB, side by side on the same generated records.

    python -m bench.dedup.evaluate --records 100000 [--threshold 0.9] [--skip-splink]

Generates the records if their file is missing (`generate.py`, seed 14), then runs, each in its
own process so that its time and peak memory are its own:

1. the platform: `manage.py match_persons --input … --output …` (reads, normalises, links);
2. `prepare.py`: the same normalisation written out for Splink (counted for neither);
3. Splink: `run_splink.py` with the benchmark's environment (`.venv-bench`, from
   `bench/dedup/requirements.lock`).

For each it prints pairwise precision, recall and F1 (over pairs of records put in one cluster),
cluster precision, recall and F1 (clusters found exactly as they are), wall-clock and CPU
seconds, peak resident memory, and the machine's load average. Results also go to
`bench/results/dedup-<N>-results.json`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
PLATFORM_PYTHON = ROOT / ".venv" / "bin" / "python"
BENCH_PYTHON = ROOT / ".venv-bench" / "bin" / "python"


def run(command: list[str]) -> dict[str, float | str]:
    """Run a command; its wall and CPU seconds, peak memory (MiB) and what it printed."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603  (our own commands, fixed paths, no shell)
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return {"wall": wall, "stdout": stdout.strip(), "stderr": stderr.strip()}


def run_measured(command: list[str]) -> dict[str, float | str]:
    """As `run`, with the child's own CPU time and peak memory (os.wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603  (our own commands, fixed paths, no shell)
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    # Read the output in full, then reap the child with wait4 to get its own usage.
    stdout = process.stdout.read() if process.stdout else ""
    stderr = process.stderr.read() if process.stderr else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
        "stdout": stdout.strip(),
        "stderr": stderr.strip(),
    }


def read_clusters(path: Path, column: str) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as file:
        return {row["record_id"]: row[column] for row in csv.DictReader(file)}


def pairs(sizes: list[int]) -> int:
    return sum(size * (size - 1) // 2 for size in sizes)


def scores(truth: dict[str, str], found: dict[str, str]) -> dict[str, float]:
    """Pairwise and exact-cluster precision, recall and F1."""
    if set(truth) != set(found):
        sys.exit("the output does not list exactly the records of the input")
    true_pairs = pairs(list(Counter(truth.values()).values()))
    found_pairs = pairs(list(Counter(found.values()).values()))
    both = pairs(list(Counter((truth[r], found[r]) for r in truth).values()))
    precision = both / found_pairs if found_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    true_sets: defaultdict[str, set[str]] = defaultdict(set)
    found_sets: defaultdict[str, set[str]] = defaultdict(set)
    for record, person in truth.items():
        true_sets[person].add(record)
    for record, cluster in found.items():
        found_sets[cluster].add(record)
    true_clusters = {frozenset(records) for records in true_sets.values()}
    found_clusters = {frozenset(records) for records in found_sets.values()}
    exact = len(true_clusters & found_clusters)
    cluster_precision = exact / len(found_clusters)
    cluster_recall = exact / len(true_clusters)
    return {
        "pairwise_precision": precision,
        "pairwise_recall": recall,
        "pairwise_f1": f1(precision, recall),
        "cluster_precision": cluster_precision,
        "cluster_recall": cluster_recall,
        "cluster_f1": f1(cluster_precision, cluster_recall),
        "true_pairs": true_pairs,
        "found_pairs": found_pairs,
        "true_clusters": len(true_clusters),
        "found_clusters": len(found_clusters),
    }


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--skip-splink", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    label = (
        f"{args.records // 1_000_000}m"
        if args.records % 1_000_000 == 0
        else (f"{args.records // 1000}k")
    )
    records = RESULTS / f"dedup-{label}.csv"
    truth_file = RESULTS / f"dedup-{label}-truth.csv"
    if not records.exists() or not truth_file.exists():
        print(run([str(PLATFORM_PYTHON), "-m", "bench.dedup.generate", "--records",
                   str(args.records), "--output", str(records)])["stdout"])  # fmt: skip
    truth = read_clusters(truth_file, "person_id")
    load = {"before": os.getloadavg()}
    results: dict[str, dict] = {}

    output = RESULTS / f"dedup-{label}-platform.csv"
    platform = run_measured(
        [str(PLATFORM_PYTHON), "manage.py", "match_persons", "--input", str(records),
         "--output", str(output), "--threshold", str(args.threshold)]
    )  # fmt: skip
    linked = re.search(r"linked ([\d.]+) s", str(platform["stdout"]))
    results["platform"] = {
        **scores(truth, read_clusters(output, "cluster_id")),
        "wall": platform["wall"],
        "cpu": platform["cpu"],
        "linkage_wall": float(linked.group(1)) if linked else None,
        "peak_mib": platform["peak_mib"],
        "log": platform["stdout"],
    }
    load["after_platform"] = os.getloadavg()

    if not args.skip_splink:
        normalised = RESULTS / f"dedup-{label}-normalised.csv"
        run([str(PLATFORM_PYTHON), "-m", "bench.dedup.prepare", str(records), str(normalised)])
        output = RESULTS / f"dedup-{label}-splink.csv"
        splink = run_measured(
            [str(BENCH_PYTHON), "bench/dedup/run_splink.py", str(normalised), str(output),
             "--threshold", str(args.threshold)]
        )  # fmt: skip
        timings = json.loads(str(splink["stdout"]).splitlines()[-1])["timings"]
        results["splink"] = {
            **scores(truth, read_clusters(output, "cluster_id")),
            "wall": splink["wall"],
            "cpu": splink["cpu"],
            "linkage_wall": timings["linkage"],
            "peak_mib": splink["peak_mib"],
            "log": timings,
        }
        load["after_splink"] = os.getloadavg()

    report = {"records": args.records, "threshold": args.threshold, "load": load, **results}
    (RESULTS / f"dedup-{label}-results.json").write_text(json.dumps(report, indent=1))
    print(f"{args.records:,} records, {results['platform']['true_pairs']:,} true pairs, "
          f"threshold {args.threshold}; load average {load}")  # fmt: skip
    print(
        "| system | pairwise P | pairwise R | pairwise F1 | cluster P | cluster R | cluster F1 "
        "| linkage s (wall) | whole run s (wall) | CPU s | peak MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for system, found in results.items():
        print(
            f"| {system} | {found['pairwise_precision']:.4f} | {found['pairwise_recall']:.4f} "
            f"| {found['pairwise_f1']:.4f} | {found['cluster_precision']:.4f} "
            f"| {found['cluster_recall']:.4f} | {found['cluster_f1']:.4f} "
            f"| {found['linkage_wall']:.1f} | {found['wall']:.1f} | {found['cpu']:.1f} "
            f"| {found['peak_mib']:.0f} |"
        )


if __name__ == "__main__":
    main()
