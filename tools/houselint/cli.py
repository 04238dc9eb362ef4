"""`python -m tools.houselint`: check the house rules, compare with the baseline, report."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from tools.houselint.baseline import fingerprinted, read_baseline, write_baseline
from tools.houselint.config import Config, load_config
from tools.houselint.rules import Finding, Marker, analyse


def module_paths(root: Path, config: Config) -> Iterator[Path]:
    excluded = [PathPrefix(prefix) for prefix in config.exclude_paths]
    for top in config.paths:
        for path in sorted((root / top).rglob("*.py")):
            relative = path.relative_to(root)
            if set(relative.parts[:-1]) & set(config.exclude_dirs):
                continue
            if any(prefix.contains(relative) for prefix in excluded):
                continue
            yield path


class PathPrefix:
    def __init__(self, prefix: str) -> None:
        self.parts = Path(prefix).parts

    def contains(self, path: Path) -> bool:
        return path.parts[: len(self.parts)] == self.parts


def collect(root: Path, config: Config) -> tuple[list[Finding], list[Marker]]:
    findings: list[Finding] = []
    markers: list[Marker] = []
    for path in module_paths(root, config):
        relative = path.relative_to(root).as_posix()
        found, opt_outs = analyse(path.read_text(encoding="utf-8"), relative, config)
        findings.extend(found)
        markers.extend(opt_outs)
    return findings, markers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.houselint",
        description="Check the house rules (CONTRIBUTING.md, 'What make lint checks').",
    )
    parser.add_argument(
        "--config", default="pyproject.toml", help="pyproject.toml with [tool.houselint]"
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="report every finding, known or not"
    )
    parser.add_argument(
        "--prune-baseline",
        action="store_true",
        help="remove the baseline entries that no longer match a finding",
    )
    parser.add_argument(
        "--write-baseline",
        action="store_true",
        help="replace the baseline with today's findings (review the diff: it must only shrink)",
    )
    parser.add_argument("--stats", action="store_true", help="count the findings per code")
    args = parser.parse_args(argv)

    config_path = Path(args.config).resolve()
    root = config_path.parent
    config = load_config(config_path)
    findings, markers = collect(root, config)
    paired = fingerprinted(findings)
    baseline_path = root / config.baseline

    if args.write_baseline:
        write_baseline(baseline_path, [entry for _, entry in paired])
        print(f"houselint: wrote {len(paired)} entries to {config.baseline}")
        return 0

    baseline = [] if args.no_baseline else read_baseline(baseline_path)
    known = {entry for _, entry in baseline}
    current = {entry for _, entry in paired}
    new = [finding for finding, entry in paired if entry not in known]
    stale = [(number, entry) for number, entry in baseline if entry not in current]
    if args.prune_baseline and stale:
        write_baseline(baseline_path, [entry for _, entry in baseline if entry in current])
        print(f"houselint: removed {len(stale)} fixed entries from {config.baseline}")
        stale = []

    for finding in sorted(new, key=lambda item: (item.path, item.line, item.code)):
        print(finding.render())
    for number, entry in stale:
        print(
            f"{config.baseline}:{number}: HL000 fixed, remove this entry from the baseline: "
            f"{entry.render()}"
        )
    if args.stats:
        for code, count in sorted(Counter(finding.code for finding in findings).items()):
            print(f"houselint: {code} {count}")
        for name, count in sorted(Counter(marker.name for marker in markers).items()):
            print(f"houselint: opt-out `{name}` {count}")

    print(
        f"houselint: {len(new)} new, {len(known & current)} known in the baseline "
        f"(must end empty), {len(stale)} fixed but still in the baseline, "
        f"{len(markers)} opt-out comments"
    )
    return 1 if new or stale else 0
